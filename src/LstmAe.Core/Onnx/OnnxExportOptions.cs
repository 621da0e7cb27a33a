using LstmAe.Model;

namespace LstmAe.Onnx;

/// <summary>
/// What <see cref="LstmAutoEncoder.ExportOnnx(string, OnnxExportOptions?)"/> writes: the feature set, the input row
/// layout, which decoder outputs to add and the names of the graph's input and outputs. The defaults are
/// <see cref="LstmAutoEncoder.Encode(ReadOnlySpan{float}, int, EncoderFeatures)"/>'s: input <c>Frames</c> holding the
/// input frames, output <c>Features</c> holding the top layer's final hidden state. To replace a fitted ML.NET
/// transformer, whose default features are h and c, export it with <c>LstmAutoEncoderTransformer.ExportOnnx</c>,
/// which takes its settings.
/// </summary>
public sealed record OnnxExportOptions
{
    /// <summary>The ONNX operator set exported graphs use (ONNX 1.12, IR version 8; ONNX Runtime 1.12 and later run it).</summary>
    public const int OpsetVersion = 17;

    /// <summary>Which part of the encoder's final state the features output holds, as in
    /// <see cref="LstmAutoEncoder.Encode(ReadOnlySpan{float}, int, EncoderFeatures)"/>.</summary>
    public EncoderFeatures Features { get; init; } = EncoderFeatures.LastLayerHidden;

    /// <summary>
    /// False: each input row holds the input frames only ([batch, input frames x frame size]). True: it holds the input
    /// frames followed by the future frames ([batch, (input + future frames) x frame size]), as an ML.NET column for a
    /// predicting model does; only the input frames are read. Pick the layout of the column the graph will be applied
    /// to: ONNX inputs have a fixed row length.
    /// </summary>
    public bool InputIncludesFutureFrames { get; init; }

    /// <summary>Adds the reconstruction output: the input frames rebuilt in natural time order, as pixel values
    /// ([batch, input frames x frame size]), as <see cref="LstmAutoEncoder.Reconstruct"/> returns them.</summary>
    public bool IncludeReconstruction { get; init; }

    /// <summary>Adds the reconstruction error output: the mean squared error per pixel between the input frames and
    /// their reconstruction ([batch]), as <see cref="LstmAutoEncoder.ReconstructionError"/> returns it.</summary>
    public bool IncludeReconstructionError { get; init; }

    /// <summary>Adds the prediction output: the future frames as pixel values ([batch, future frames x frame size]),
    /// as <see cref="LstmAutoEncoder.Predict"/> returns them.</summary>
    public bool IncludePrediction { get; init; }

    /// <summary>Name of the graph's input (the ML.NET column <c>ApplyOnnxModel</c> reads).</summary>
    public string InputName { get; init; } = "Frames";

    /// <summary>Name of the features output.</summary>
    public string FeaturesName { get; init; } = "Features";

    /// <summary>Name of the reconstruction output.</summary>
    public string ReconstructionName { get; init; } = "Reconstruction";

    /// <summary>Name of the reconstruction error output.</summary>
    public string ReconstructionErrorName { get; init; } = "ReconstructionError";

    /// <summary>Name of the prediction output.</summary>
    public string PredictionName { get; init; } = "Prediction";

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is out of range or that
    /// <paramref name="model"/> cannot serve (a decoder output from a model without that decoder).</summary>
    /// <param name="model">The options of the model to export.</param>
    public void Validate(LstmAutoEncoderModelOptions model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!Enum.IsDefined(Features))
            throw new ArgumentException($"{nameof(Features)} has no value {Features}.");
        if (InputIncludesFutureFrames && model.FutureFrames == 0)
        {
            throw new ArgumentException(
                $"{nameof(InputIncludesFutureFrames)} is set, but the model has no future frames ({nameof(model.FutureFrames)} is 0).");
        }

        if ((IncludeReconstruction || IncludeReconstructionError) && !model.HasReconstructionDecoder)
        {
            throw new ArgumentException(
                $"{nameof(IncludeReconstruction)} or {nameof(IncludeReconstructionError)} is set, but the model was built in {model.Mode} mode, without a reconstruction decoder.");
        }

        if (IncludePrediction && !model.HasPredictionDecoder)
        {
            throw new ArgumentException(
                $"{nameof(IncludePrediction)} is set, but the model was built in {model.Mode} mode, without a prediction decoder.");
        }

        var names = new List<(string Setting, string Value)>
        {
            (nameof(InputName), InputName),
            (nameof(FeaturesName), FeaturesName),
        };
        if (IncludeReconstruction) names.Add((nameof(ReconstructionName), ReconstructionName));
        if (IncludeReconstructionError) names.Add((nameof(ReconstructionErrorName), ReconstructionErrorName));
        if (IncludePrediction) names.Add((nameof(PredictionName), PredictionName));
        foreach (var (setting, value) in names)
        {
            if (string.IsNullOrWhiteSpace(value))
                throw new ArgumentException($"{setting} must be a non-empty name.");
            if (value.StartsWith(OnnxGraphBuilder.InternalPrefix, StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    $"{setting} '{value}' starts with '{OnnxGraphBuilder.InternalPrefix}', which the exporter keeps for its own tensors.");
            }
        }
        var duplicate = names.GroupBy(n => n.Value, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException(
                $"{string.Join(" and ", duplicate.Select(n => n.Setting))} are both '{duplicate.Key}'; the graph's input and outputs need distinct names.");
        }
    }
}
