using System.Text;
using LstmAe.Interop;
using LstmAe.IO;
using LstmAe.Model;
using LstmAe.Training.Optimizers;
using static TorchSharp.torch;

namespace LstmAe.Training;

/// <summary>
/// A resumable snapshot: position, the batch size and seed that position counts in, torch's CPU random state
/// (dropout), the model and the optimizer state. Shuffling needs no state of its own: sources derive each epoch's
/// order from the epoch number. Layout: magic, format version, payload length, SHA-256 of the payload, payload.
/// Written through <see cref="AtomicFile"/>, so a crash never leaves a half-written checkpoint, and a damaged one is
/// caught by its checksum.
/// </summary>
internal static class TrainingCheckpoint
{
    private static ReadOnlySpan<byte> Magic => "LSTMAECK"u8;
    // 3: our own optimizer state (ParameterOptimizer) replaced TorchSharp's state_dict.
    private const int FormatVersion = 3;

    public static void Write(string path, TrainingPosition position, LstmAutoEncoder model, TrainingOptions options,
        ParameterOptimizer optimizer)
    {
        byte[] payload = WritePayload(position, model, options, optimizer);
        AtomicFile.Write(path, file => ChecksummedEnvelope.Write(file, Magic, FormatVersion, payload));
    }

    /// <summary>Restores the model's weights, the optimizer and torch's random state; returns the position.</summary>
    /// <exception cref="InvalidDataException">The file is not a checkpoint, is damaged, or belongs to a different
    /// model, optimizer, batch size or seed.</exception>
    public static TrainingPosition Restore(string path, LstmAutoEncoder model, TrainingOptions options,
        ParameterOptimizer optimizer)
    {
        byte[] payload = ReadPayload(path);
        using var reader = new BinaryReader(new MemoryStream(payload, writable: false), Encoding.UTF8);
        try
        {
            var saved = (OptimizerAlgorithm)reader.ReadInt32();
            if (saved != options.Optimizer)
                throw new InvalidDataException($"{path} holds {saved} optimizer state; this run uses {options.Optimizer}.");
            // The position counts batches, so it only means the same rows under the same batch size and seed.
            int batchSize = reader.ReadInt32(), seed = reader.ReadInt32();
            if (batchSize != options.BatchSize || seed != options.Seed)
                throw new InvalidDataException(
                    $"{path} was written with BatchSize {batchSize} and Seed {seed}; this run uses BatchSize " +
                    $"{options.BatchSize} and Seed {options.Seed}. Resume with the same values or start afresh.");
            long step = reader.ReadInt64();
            int epoch = reader.ReadInt32();
            long batches = reader.ReadInt64();
            double best = reader.ReadDouble();
            int stale = reader.ReadInt32();
            int rngLength = reader.ReadInt32();
            if (rngLength < 0 || rngLength > payload.Length - reader.BaseStream.Position)
                throw new InvalidDataException($"{path} declares a random state of {rngLength} bytes, which it does not hold.");
            byte[] rngState = reader.ReadBytes(rngLength);

            var (modelOptions, weights) = ModelStreamFormat.Read(reader.BaseStream);
            using (weights)
            {
                // The product format is a compute choice, not part of the model: a run may resume in another one.
                if (modelOptions with { MatrixPrecision = model.Options.MatrixPrecision } != model.Options)
                    throw new InvalidDataException(
                        $"{path} was written for a different model: {modelOptions.ToJson()}; this model is {model.Options.ToJson()}.");
                weights.CopyInto(model.Module, path);
            }
            optimizer.Load(reader, path);
            using (Tensor rng = tensor(rngState, dtype: ScalarType.Byte)) set_rng_state(rng);
            return new TrainingPosition(step, epoch, batches, double.IsNaN(best) ? null : best, stale);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{path} is a truncated checkpoint.", e);
        }
    }

    private static byte[] WritePayload(TrainingPosition position, LstmAutoEncoder model, TrainingOptions options,
        ParameterOptimizer optimizer)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write((int)options.Optimizer);
            writer.Write(options.BatchSize);
            writer.Write(options.Seed);
            writer.Write(position.Step);
            writer.Write(position.Epoch);
            writer.Write(position.BatchesIntoEpoch);
            writer.Write(position.BestValidationLoss ?? double.NaN);
            writer.Write(position.ValidationsWithoutImprovement);
            using (Tensor rng = get_rng_state())
            {
                byte[] state = rng.data<byte>().ToArray();
                writer.Write(state.Length);
                writer.Write(state);
            }
            writer.Flush();
            model.Save(buffer);
            optimizer.Save(writer);
        }
        return buffer.ToArray();
    }

    /// <summary>Checks the header and checksum and returns the payload; lengths are checked before allocating.</summary>
    private static byte[] ReadPayload(string path)
    {
        using var file = File.OpenRead(path);
        byte[] payload = ChecksummedEnvelope.Read(file, Magic, FormatVersion, path, $"{path} is not an LstmAe training checkpoint.");
        if (file.Position != file.Length)
            throw new InvalidDataException($"{path} has {file.Length - file.Position} bytes after its checkpoint; it is damaged.");
        return payload;
    }
}
