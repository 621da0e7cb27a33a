using LstmAe.Model;

namespace LstmAe.Cli;

/// <summary>Reads and writes LstmAe model files (the format of <see cref="LstmAutoEncoder.Save(Stream)"/>).</summary>
internal static class ModelFile
{
    /// <summary>The customary extension of a model file.</summary>
    public const string Extension = ".lstmae";

    /// <summary>Loads the model at <paramref name="path"/> onto <paramref name="device"/> (a known device name).</summary>
    public static LstmAutoEncoder Load(string path, string device = "cpu")
    {
        try
        {
            return LstmAutoEncoder.Load(path, device);
        }
        catch (FileNotFoundException)
        {
            throw new CliException($"The model file '{path}' does not exist.");
        }
        catch (InvalidDataException e)
        {
            // Names the file: a damaged model, or a FIFO or device given as one.
            throw new CliException(e.Message);
        }
    }

    /// <summary>Writes the model; an existing file is replaced only once the new one is complete.</summary>
    public static void Save(LstmAutoEncoder model, string path) => model.Save(path);
}
