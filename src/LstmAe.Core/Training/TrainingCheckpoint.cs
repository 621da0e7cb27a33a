using System.Text;
using LstmAe.Interop;
using LstmAe.IO;
using LstmAe.Model;
using LstmAe.Training.Optimizers;
using static TorchSharp.torch;

namespace LstmAe.Training;

/// <summary>
/// A resumable snapshot: position, the batch size and seed that position counts in, the state of the run's CPU
/// generator (dropout), the model and the optimizer state. Shuffling needs no state of its own: sources derive each epoch's
/// order from the epoch number. Layout: magic, format version, payload length, SHA-256 of the payload, payload.
/// Written through <see cref="AtomicFile"/>, so a crash never leaves a half-written checkpoint, and a damaged one is
/// caught by its checksum.
/// </summary>
internal static class TrainingCheckpoint
{
    private static ReadOnlySpan<byte> Magic => "LSTMAECK"u8;
    // 3: optimizer state in ParameterOptimizer's layout. Only this version is read (older ones: CHANGELOG.md).
    private const int FormatVersion = 3;

    /// <summary>Writes a checkpoint of the run: its position, the state of its dropout generator
    /// <paramref name="dropoutDraws"/>, the model and the optimizer.</summary>
    public static void Write(string path, TrainingPosition position, LstmAutoEncoder model, TrainingOptions options,
        ParameterOptimizer optimizer, Generator dropoutDraws)
    {
        byte[] payload = WritePayload(position, model, options, optimizer, dropoutDraws);
        AtomicFile.Write(path, file => ChecksummedEnvelope.Write(file, Magic, FormatVersion, payload));
    }

    /// <summary>Restores the model's weights, the optimizer and the run's dropout generator
    /// <paramref name="dropoutDraws"/>; returns the position. Every
    /// field is checked against what a run could have written before it reaches libtorch: the checksum proves nothing
    /// against a crafted file.</summary>
    /// <exception cref="InvalidDataException">The file is not a checkpoint, is damaged, holds a value no run writes,
    /// or belongs to a different model, optimizer, batch size or seed.</exception>
    public static TrainingPosition Restore(string path, LstmAutoEncoder model, TrainingOptions options,
        ParameterOptimizer optimizer, Generator dropoutDraws)
    {
        byte[] payload = ReadPayload(path);
        using var reader = new BinaryReader(new MemoryStream(payload, writable: false), Encoding.UTF8);
        try
        {
            (OptimizerAlgorithm saved, int batchSize, int seed, TrainingPosition position, byte[] rngState) = ReadHeader(reader, path);
            long step = position.Step;
            if (saved != options.Optimizer)
                throw new InvalidDataException($"{path} holds {saved} optimizer state; this run uses {options.Optimizer}.");
            // The position counts batches, so it only means the same rows under the same batch size and seed.
            if (batchSize != options.BatchSize || seed != options.Seed)
            {
                throw new InvalidDataException(
                    $"{path} was written with BatchSize {batchSize} and Seed {seed}; this run uses BatchSize " +
                    $"{options.BatchSize} and Seed {options.Seed}. Resume with the same values or start afresh.");
            }

            CheckRandomState(rngState, dropoutDraws, path);

            var (modelOptions, weights) = ReadModel(reader.BaseStream, path);
            using (weights)
            {
                // The product format is a compute choice, not part of the model: a run may resume in another one.
                if (modelOptions with { MatrixPrecision = model.Options.MatrixPrecision } != model.Options)
                {
                    throw new InvalidDataException(
                        $"{path} was written for a different model: {modelOptions.ToJson()}; this model is {model.Options.ToJson()}.");
                }

                weights.CopyInto(model.Module, path);
            }
            optimizer.Load(reader, path, step);
            if (reader.BaseStream.Position != payload.Length)
                throw new InvalidDataException($"{path} holds {payload.Length - reader.BaseStream.Position} bytes after its optimizer state.");
            using (Tensor rng = tensor(rngState, dtype: ScalarType.Byte)) dropoutDraws.set_state(rng);
            return position;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{path} is a truncated checkpoint.", e);
        }
    }

    /// <summary>The model a checkpoint holds and the step it was written at; the optimizer state is not read.</summary>
    /// <exception cref="InvalidDataException">The file is not a checkpoint, is damaged, or holds a value no run
    /// writes.</exception>
    public static (LstmAutoEncoderModelOptions Options, LoadedStateDict Weights, long Step) ReadModel(string path)
    {
        byte[] payload = ReadPayload(path);
        using var reader = new BinaryReader(new MemoryStream(payload, writable: false), Encoding.UTF8);
        try
        {
            TrainingPosition position = ReadHeader(reader, path).Position;
            var (options, weights) = ReadModel(reader.BaseStream, path);
            return (options, weights, position.Step);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{path} is a truncated checkpoint.", e);
        }
    }

    /// <summary>The fields before the model: optimizer, batch size, seed, the checked position and the random state's
    /// bytes (not yet checked).</summary>
    private static (OptimizerAlgorithm Optimizer, int BatchSize, int Seed, TrainingPosition Position, byte[] RandomState) ReadHeader(
        BinaryReader reader, string path)
    {
        var optimizer = (OptimizerAlgorithm)reader.ReadInt32();
        int batchSize = reader.ReadInt32(), seed = reader.ReadInt32();
        if (batchSize < 1) throw new InvalidDataException($"{path} holds batch size {batchSize}, which no run writes: at least 1.");
        long step = reader.ReadInt64();
        int epoch = reader.ReadInt32();
        long batches = reader.ReadInt64();
        double best = reader.ReadDouble();
        int stale = reader.ReadInt32();
        var position = new TrainingPosition(step, epoch, batches, double.IsNaN(best) ? null : best, stale);
        CheckPosition(position, batchSize, path);
        int rngLength = reader.ReadInt32();
        if (rngLength < 0 || rngLength > reader.BaseStream.Length - reader.BaseStream.Position)
            throw new InvalidDataException($"{path} declares a random state of {rngLength} bytes, which it does not hold.");
        return (optimizer, batchSize, seed, position, reader.ReadBytes(rngLength));
    }

    /// <summary>
    /// Refuses a position no run writes. Counts are never negative; each completed epoch took at least one step (an
    /// epoch without sequences is an error) and each batch into the current one is a further step; each validation
    /// ended a step or an epoch; a best loss is finite (NaN stands for none). Otherwise a resume would train from an
    /// impossible place, from epoch int.MinValue for 2^31 epochs.
    /// </summary>
    private static void CheckPosition(TrainingPosition position, int batchSize, string path)
    {
        (long step, int epoch, long batches, double? best, int stale) = position;
        if (step < 0) throw Impossible($"step {step}", "at least 0");
        if (epoch < 0 || epoch > step) throw Impossible($"epoch {epoch}", $"0 to {step}");
        // The reader skips batches * batchSize sequences, counted in a long.
        long mostBatches = Math.Min(step - epoch, long.MaxValue / batchSize);
        if (batches < 0 || batches > mostBatches) throw Impossible($"{batches} batches into its epoch", $"0 to {mostBatches}");
        if (best is { } loss && !double.IsFinite(loss)) throw Impossible($"best validation loss {loss}", "a finite loss, or none");
        long mostValidations = step > long.MaxValue - epoch ? long.MaxValue : step + epoch;
        if (stale < 0 || stale > mostValidations)
            throw Impossible($"{stale} validations without improvement", $"0 to {mostValidations}");

        InvalidDataException Impossible(string field, string expected) =>
            new($"{path} holds {field}, which no run writes: {expected}.");
    }

    /// <summary>The size of libtorch's CPUGeneratorImplState on 64-bit platforms, the layout
    /// <see cref="CheckRandomState"/> reads.</summary>
    private const int RandomStateBytes = 5056;

    /// <summary>
    /// Refuses a random state that libtorch's CPUGeneratorImpl::set_state would refuse: it throws a C++ exception that
    /// TorchSharp does not catch, and the process aborts. set_state takes exactly sizeof(CPUGeneratorImplState) bytes:
    /// the seed (uint64), mt19937's left (int32) and seeded (int32), next (uint64), 624 state words (uint64 each), the
    /// cached double normal sample (x, y, rho, validity as int32), then the cached float sample and its validity (a
    /// bool, at 5052); and it requires seeded to be set, left in 1 to 624 and next at most 624 (libtorch reads next's
    /// low 32 bits; a run writes the others as zeros).
    /// </summary>
    /// <exception cref="InvalidDataException">The state is not one set_state takes.</exception>
    /// <exception cref="NotSupportedException">This libtorch's state has another size, so its layout is unknown.</exception>
    internal static void CheckRandomState(ReadOnlySpan<byte> state, Generator generator, string path)
    {
        const int StateWords = 624;
        using (Tensor current = generator.get_state())
        {
            if (current.numel() != RandomStateBytes)
            {
                throw new NotSupportedException(
                    $"This libtorch's random state is {current.numel()} bytes, not the {RandomStateBytes} whose layout " +
                    $"LstmAe checks before restoring one; {path} cannot be resumed safely.");
            }
        }
        if (state.Length != RandomStateBytes)
            throw new InvalidDataException($"{path} holds a random state of {state.Length} bytes; this libtorch's is {RandomStateBytes}.");
        int left = BitConverter.ToInt32(state[8..]), seeded = BitConverter.ToInt32(state[12..]);
        ulong next = BitConverter.ToUInt64(state[16..]);
        byte floatSampleValid = state[5052];
        if (seeded == 0)
            throw new InvalidDataException($"{path} holds a random state that is not seeded (its 'seeded' field is 0).");
        if (left is < 1 or > StateWords)
            throw new InvalidDataException($"{path} holds a random state whose 'left' field is {left}; expected 1 to {StateWords}.");
        if (next > StateWords)
            throw new InvalidDataException($"{path} holds a random state whose 'next' field is {next}; expected 0 to {StateWords}.");
        // Any other value of a C++ bool is undefined behaviour.
        if (floatSampleValid > 1)
        {
            throw new InvalidDataException(
                $"{path} holds a random state whose float-sample flag is {floatSampleValid}; expected 0 or 1.");
        }
    }

    /// <summary>The model inside the payload, whose own errors then name the checkpoint.</summary>
    private static (LstmAutoEncoderModelOptions, LoadedStateDict) ReadModel(Stream stream, string path)
    {
        try
        {
            return ModelStreamFormat.Read(stream);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path} holds a damaged model: {e.Message}", e);
        }
    }

    private static byte[] WritePayload(TrainingPosition position, LstmAutoEncoder model, TrainingOptions options,
        ParameterOptimizer optimizer, Generator dropoutDraws)
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
            using (Tensor rng = dropoutDraws.get_state())
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
        using var file = ReadableFile.OpenRead(path);
        byte[] payload = ChecksummedEnvelope.Read(file, Magic, FormatVersion, path, $"{path} is not an LstmAe training checkpoint.");
        if (file.Position != file.Length)
            throw new InvalidDataException($"{path} has {file.Length - file.Position} bytes after its checkpoint; it is damaged.");
        return payload;
    }
}
