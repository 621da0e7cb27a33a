using LstmAe.IO;
using LstmAe.Model;

namespace LstmAe.Cli;

/// <summary>Reads and writes LstmAe model files (the format of <see cref="LstmAutoEncoder.Save"/>).</summary>
internal static class ModelFile
{
    /// <summary>The customary extension of a model file.</summary>
    public const string Extension = ".lstmae";

    /// <summary>Loads the model at <paramref name="path"/> onto <paramref name="device"/> (a known device name).</summary>
    public static LstmAutoEncoder Load(string path, string device = "cpu")
    {
        if (!File.Exists(path))
        {
            throw new CliException($"The model file '{path}' does not exist.");
        }
        using var stream = File.OpenRead(path);
        try
        {
            return LstmAutoEncoder.Load(stream, device);
        }
        catch (InvalidDataException e)
        {
            throw new CliException($"'{path}' is not a readable LstmAe model: {e.Message}");
        }
    }

    /// <summary>Writes the model; an existing file is replaced only once the new one is complete.</summary>
    public static void Save(LstmAutoEncoder model, string path) => AtomicFile.Write(path, model.Save);
}
