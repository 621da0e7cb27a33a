using System.Text.Json;
using System.Text.Json.Serialization;
using LstmAe.MLNet.Internal;
using LstmAe.MLNet.Transform;
using LstmAe.Model;
using Microsoft.ML;

namespace LstmAe.MLNet.Persistence;

/// <summary>
/// How a <see cref="LstmAutoEncoderTransformer"/> lies in an ML.NET model zip: ML.NET's header (signature and
/// versions, naming the loader), then two entries in the transformer's folder: <see cref="SettingsEntry"/>, JSON
/// with this format's version and the transformer's settings, and <see cref="ModelEntry"/>, the model as
/// <see cref="LstmAutoEncoder.Save"/> writes it (magic, version, model options, TorchSharp weights, checksum).
/// </summary>
internal static class TransformerPersistence
{
    /// <summary>Entry holding the settings JSON.</summary>
    public const string SettingsEntry = "LstmAutoEncoderSettings.json";

    /// <summary>Entry holding the model and its weights.</summary>
    public const string ModelEntry = "LstmAutoEncoderModel.bin";

    /// <summary>The version of <see cref="SettingsEntry"/>'s layout this code writes and reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>The name the loader is registered under (ML.NET allows at most 24 characters).</summary>
    public const string LoaderSignature = "LstmAutoEncoderXf";

    /// <summary>ML.NET's header for this transformer.</summary>
    public static ModelVersion Version { get; } = new(
        ModelSignature: "LSTMAETR",
        VersionWritten: 0x00010001,
        VersionReadable: 0x00010001,
        VersionWeCanReadBack: 0x00010001,
        LoaderSignature: LoaderSignature,
        LoaderAssemblyName: typeof(TransformerPersistence).Assembly.FullName!);

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Writes the header and both entries.</summary>
    public static void Save(ModelSaveContext context, TransformerSettings settings, LstmAutoEncoder model)
    {
        MlNetInternals.SetVersionInfo(context, Version);
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(new SettingsDocument(FormatVersion, settings), Json);
        MlNetInternals.SaveBinaryStream(context, SettingsEntry, writer => writer.Write(json));
        MlNetInternals.SaveBinaryStream(context, ModelEntry, writer => model.Save(writer.BaseStream));
    }

    /// <summary>Reads what <see cref="Save"/> wrote from ML.NET's <c>ModelLoadContext</c>.</summary>
    /// <exception cref="InvalidDataException">An entry is missing, truncated, corrupt or of another format; the
    /// message names the entry.</exception>
    public static (TransformerSettings Settings, LstmAutoEncoder Model) Load(object loadContext, string device)
    {
        MlNetInternals.CheckVersionInfo(loadContext, Version);
        TransformerSettings settings = ParseSettings(ReadEntry(loadContext, SettingsEntry));
        LstmAutoEncoder model;
        try
        {
            model = LstmAutoEncoder.Load(new MemoryStream(ReadEntry(loadContext, ModelEntry), writable: false), device);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"Model zip entry '{ModelEntry}' is not a readable LstmAe model: {e.Message}", e);
        }
        try
        {
            settings.Validate(model.Options);
        }
        catch (ArgumentException e)
        {
            model.Dispose();
            throw new InvalidDataException($"Model zip entry '{SettingsEntry}' does not fit the saved model: {e.Message}", e);
        }
        return (settings, model);
    }

    private static byte[] ReadEntry(object loadContext, string entry)
    {
        byte[]? bytes = null;
        if (!MlNetInternals.TryLoadBinaryStream(loadContext, entry, reader =>
            {
                using var copy = new MemoryStream();
                reader.BaseStream.CopyTo(copy);
                bytes = copy.ToArray();
            }))
            throw new InvalidDataException($"Model zip has no entry '{entry}' for the LSTM autoencoder transformer.");
        return bytes!;
    }

    private static TransformerSettings ParseSettings(byte[] json)
    {
        SettingsDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<SettingsDocument>(json, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Model zip entry '{SettingsEntry}' is not valid settings JSON: {e.Message}", e);
        }
        if (document?.Settings is null)
            throw new InvalidDataException($"Model zip entry '{SettingsEntry}' holds no settings.");
        if (document.FormatVersion != FormatVersion)
            throw new InvalidDataException(
                $"Model zip entry '{SettingsEntry}' has format version {document.FormatVersion}; this LstmAe reads version {FormatVersion}.");
        return document.Settings;
    }

    /// <summary>The JSON document of <see cref="SettingsEntry"/>.</summary>
    private sealed record SettingsDocument(int FormatVersion, TransformerSettings Settings);
}
