namespace LstmAe.Model;

/// <summary>
/// The names and shapes of the tensors in a model's state_dict, computed from its options alone, without building
/// it: a saved model or an imported state_dict is checked against this before any tensor is created. Equal to
/// <c>CompositeLstmAutoEncoderModule.state_dict()</c> (a test compares them for every mode and layer count).
/// </summary>
internal static class ModelStateLayout
{
    /// <summary>Every tensor of a model with <paramref name="options"/>, by name, in state_dict order.</summary>
    /// <param name="options">Validated options.</param>
    public static IReadOnlyList<(string Name, long[] Shape)> Of(LstmAutoEncoderModelOptions options)
    {
        var tensors = new List<(string, long[])>();
        Lstm(tensors, "encoder.lstm", options);
        if (options.HasReconstructionDecoder) Decoder(tensors, "reconstruct_decoder", options);
        if (options.HasPredictionDecoder) Decoder(tensors, "predict_decoder", options);
        return tensors;
    }

    /// <summary>The number of weights a model with these sizes holds, exactly, without overflow (the sizes need not
    /// be validated, only positive).</summary>
    public static Int128 ParameterCount(LstmAutoEncoderModelOptions options)
    {
        Int128 frame = (Int128)options.FrameHeight * options.FrameWidth, hidden = options.HiddenSize;
        Int128 lstm = 4 * hidden * (frame + hidden + 2) + (options.Layers - (Int128)1) * 4 * hidden * (2 * hidden + 2);
        Int128 decoder = lstm + frame * hidden + frame;
        return lstm + (options.HasReconstructionDecoder ? decoder : 0) + (options.HasPredictionDecoder ? decoder : 0);
    }

    private static void Decoder(List<(string, long[])> tensors, string prefix, LstmAutoEncoderModelOptions options)
    {
        Lstm(tensors, prefix + ".lstm", options);
        tensors.Add((prefix + ".fc.weight", [options.FrameSize, options.HiddenSize]));
        tensors.Add((prefix + ".fc.bias", [options.FrameSize]));
    }

    private static void Lstm(List<(string, long[])> tensors, string prefix, LstmAutoEncoderModelOptions options)
    {
        long gates = 4L * options.HiddenSize;
        for (int layer = 0; layer < options.Layers; layer++)
        {
            tensors.Add(($"{prefix}.weight_ih_l{layer}", [gates, layer == 0 ? options.FrameSize : options.HiddenSize]));
            tensors.Add(($"{prefix}.weight_hh_l{layer}", [gates, options.HiddenSize]));
            tensors.Add(($"{prefix}.bias_ih_l{layer}", [gates]));
            tensors.Add(($"{prefix}.bias_hh_l{layer}", [gates]));
        }
    }
}
