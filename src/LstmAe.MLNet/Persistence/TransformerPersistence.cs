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
/// <see cref="LstmAutoEncoder.Save(Stream)"/> writes it (magic, version, model options, TorchSharp weights, checksum).
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

    /// <summary>
    /// At most 1 MiB in <see cref="SettingsEntry"/>, far more than any settings document takes: a larger entry is
    /// refused after LstmAe has read that many bytes. This bounds LstmAe's own memory only: ML.NET extracts each entry
    /// in full (to a temporary file or a memory stream) before LstmAe reads it, so it does not stop decompression.
    /// </summary>
    public const int MaxSettingsEntryBytes = 1 << 20;

    /// <summary>Reads what <see cref="Save"/> wrote from ML.NET's <c>ModelLoadContext</c>.</summary>
    /// <remarks>ML.NET extracts each entry in full (to a temporary file or a memory stream) before handing it over.
    /// LstmAe then copies neither into its own memory whole: the settings are read up to
    /// <see cref="MaxSettingsEntryBytes"/>, and the model from the entry's stream, which
    /// <see cref="LstmAutoEncoder.Load(Stream, string, MatrixPrecision?)"/> reads no further than the length its options imply; bytes after the model
    /// make the entry invalid. A saved <c>TransformBatchSize</c> above
    /// <see cref="LstmAutoEncoderOptions.MaxTransformBatchSize"/> is clamped to it; zero or less is refused.</remarks>
    /// <exception cref="InvalidDataException">An entry is missing, truncated, too large, corrupt or of another
    /// format; the message names the entry.</exception>
    public static (TransformerSettings Settings, LstmAutoEncoder Model) Load(object loadContext, string device)
    {
        MlNetInternals.CheckVersionInfo(loadContext, Version);
        TransformerSettings settings = ParseSettings(ReadSettingsEntry(loadContext));
        LstmAutoEncoder? model = null;
        bool handedOver = false;
        try
        {
            bool found;
            try
            {
                found = MlNetInternals.TryLoadBinaryStream(loadContext, ModelEntry, reader =>
                {
                    model = LstmAutoEncoder.Load(reader.BaseStream, device);
                    if (reader.BaseStream.ReadByte() != -1)
                        throw new InvalidDataException("It has bytes after the saved model.");
                });
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"Model zip entry '{ModelEntry}' is not a readable LstmAe model: {e.Message}", e);
            }
            if (!found) throw Missing(ModelEntry);
            try
            {
                settings.Validate(model!.Options);
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"Model zip entry '{SettingsEntry}' does not fit the saved model: {e.Message}", e);
            }
            handedOver = true;
            return (settings, model);
        }
        finally
        {
            // Any failure after the model loaded (an IOException from the entry's stream included) releases it.
            if (!handedOver) model?.Dispose();
        }
    }

    private static byte[] ReadSettingsEntry(object loadContext)
    {
        byte[]? bytes = null;
        if (!MlNetInternals.TryLoadBinaryStream(loadContext, SettingsEntry, reader =>
            {
                using var copy = new MemoryStream();
                byte[] chunk = new byte[81920];
                for (int read; (read = reader.BaseStream.Read(chunk)) > 0;)
                {
                    if (copy.Length + read > MaxSettingsEntryBytes)
                    {
                        throw new InvalidDataException(
                            $"Model zip entry '{SettingsEntry}' holds more than {MaxSettingsEntryBytes} bytes; settings take far less.");
                    }

                    copy.Write(chunk, 0, read);
                }
                bytes = copy.ToArray();
            }))
        {
            throw Missing(SettingsEntry);
        }

        return bytes!;
    }

    private static InvalidDataException Missing(string entry) =>
        new($"Model zip has no entry '{entry}' for the LSTM autoencoder transformer.");

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
        {
            throw new InvalidDataException(
                $"Model zip entry '{SettingsEntry}' has format version {document.FormatVersion}; this LstmAe reads version {FormatVersion}.");
        }
        // The batch size is a runtime setting, not part of the model, so any positive saved value is valid: one above
        // the cap is clamped silently (no host channel reaches this point) rather than refused. Zero or less stays an
        // error in Validate.
        if (document.Settings.TransformBatchSize > LstmAutoEncoderOptions.MaxTransformBatchSize)
            return document.Settings with { TransformBatchSize = LstmAutoEncoderOptions.MaxTransformBatchSize };
        return document.Settings;
    }

    /// <summary>The JSON document of <see cref="SettingsEntry"/>.</summary>
    private sealed record SettingsDocument(int FormatVersion, TransformerSettings Settings);
}
