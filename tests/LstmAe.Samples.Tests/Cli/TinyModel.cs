using LstmAe.Model;

namespace LstmAe.Samples.Tests.Cli;

/// <summary>A tiny untrained composite model on 64x64 Moving MNIST frames (2 in, 2 out), saved to a file.</summary>
internal static class TinyModel
{
    public static readonly LstmAutoEncoderModelOptions Options = LstmAutoEncoderModelOptions.CpuDefault with
    {
        HiddenSize = 8,
        InputFrames = 2,
        FutureFrames = 2,
    };

    /// <summary>Data options that generate a few matching sequences.</summary>
    public static readonly string[] DataArguments = ["--sequences", "3", "--frames-per-sequence", "4"];

    public static string Save(string path, int seed = 1)
    {
        using var model = LstmAutoEncoder.Create(Options, seed);
        using var stream = File.Create(path);
        model.Save(stream);
        return path;
    }
}
