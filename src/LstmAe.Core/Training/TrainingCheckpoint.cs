using System.Text;
using LstmAe.Interop;
using LstmAe.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LstmAe.Training;

/// <summary>
/// A resumable snapshot: position, torch's random state (dropout), the model and the optimizer state. Shuffling
/// needs no state of its own: sources derive each epoch's order from the epoch number. Written to a temporary file
/// and renamed over the target, so a crash never leaves a half-written checkpoint.
/// </summary>
internal static class TrainingCheckpoint
{
    private static ReadOnlySpan<byte> Magic => "LSTMAECK"u8;
    private const int FormatVersion = 1;

    public static void Write(string path, TrainingPosition position, LstmAutoEncoder model, OptimizerAlgorithm algorithm,
        OptimizerHelper optimizer)
    {
        string temporary = path + ".tmp";
        using (var file = File.Create(temporary))
        using (var writer = new BinaryWriter(file, Encoding.UTF8))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write((int)algorithm);
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
            model.Save(file);
            optimizer.save_state_dict(writer);
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Restores the model's weights, the optimizer and torch's random state; returns the position.</summary>
    /// <exception cref="InvalidDataException">The file is not a checkpoint or belongs to a different model.</exception>
    public static TrainingPosition Restore(string path, LstmAutoEncoder model, OptimizerAlgorithm algorithm,
        OptimizerHelper optimizer)
    {
        using var file = File.OpenRead(path);
        using var reader = new BinaryReader(file, Encoding.UTF8);
        try
        {
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
                throw new InvalidDataException($"{path} is not an LstmAe training checkpoint.");
            int version = reader.ReadInt32();
            if (version != FormatVersion)
                throw new InvalidDataException($"{path} has checkpoint format {version}; this library reads {FormatVersion}.");
            var saved = (OptimizerAlgorithm)reader.ReadInt32();
            if (saved != algorithm)
                throw new InvalidDataException($"{path} holds {saved} optimizer state; this run uses {algorithm}.");
            long step = reader.ReadInt64();
            int epoch = reader.ReadInt32();
            long batches = reader.ReadInt64();
            double best = reader.ReadDouble();
            int stale = reader.ReadInt32();
            byte[] rngState = reader.ReadBytes(reader.ReadInt32());

            var (options, weights) = ModelStreamFormat.Read(file);
            using (weights)
            {
                if (options != model.Options)
                    throw new InvalidDataException(
                        $"{path} was written for a different model: {options.ToJson()}; this model is {model.Options.ToJson()}.");
                weights.CopyInto(model.Module, path);
            }
            optimizer.load_state_dict(reader);
            using (Tensor rng = tensor(rngState, dtype: ScalarType.Byte)) set_rng_state(rng);
            return new TrainingPosition(step, epoch, batches, double.IsNaN(best) ? null : best, stale);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{path} is a truncated checkpoint.", e);
        }
    }
}
