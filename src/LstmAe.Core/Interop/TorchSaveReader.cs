using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using LstmAe.IO;
using static TorchSharp.torch;

namespace LstmAe.Interop;

/// <summary>
/// Reads a state_dict written by <c>torch.save</c> (a zip of <c>data.pkl</c> and one entry per storage) for a module
/// whose state_dict is known, checking before anything large is allocated: the pickle's size, every name against
/// the expected ones, every shape, dtype and view against the expected shape and its storage, and every storage
/// entry's size (from the zip's directory) against what the pickle declares. Only then are the storages read, each
/// exactly, and tensors built. The pickle is read by <see cref="PickleMachine"/>, which runs no code.
/// </summary>
internal static class TorchSaveReader
{
    /// <summary>How many entries beyond the module's tensors a state_dict may hold: those are listed by name; more are
    /// refused by their count before any is read, since entries may share one large value from the pickle's memo and
    /// each costs time and message text.</summary>
    private const int MaxUnexpectedEntries = 100;

    /// <summary>The most dimensions a tensor may have, far above any weight's: each view is checked and named
    /// dimension by dimension.</summary>
    private const int MaxRank = 64;

    /// <summary>A tensor as the pickle describes it: a view (offset, shape, stride) of a typed storage entry, which
    /// other tensors may view too.</summary>
    private sealed record StoredTensor(string Name, string StorageType, string Key, long StorageElements, long Offset, long[] Shape, long[] Stride);

    /// <summary>Reads the tensors of the state_dict at <paramref name="path"/>, which must fit <paramref name="expected"/>.</summary>
    /// <exception cref="InvalidDataException">Not a torch.save zip, a malformed pickle, names, shapes or types that do
    /// not fit (all named), or a storage entry of the wrong size; the message names the file and the entry.</exception>
    public static LoadedStateDict Read(string path, IReadOnlyDictionary<string, Tensor> expected)
    {
        using FileStream file = ReadableFile.OpenRead(path);
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(file, ZipArchiveMode.Read);
        }
        catch (InvalidDataException e)
        {
            file.Position = 0;
            if (file.ReadByte() == PickleProtocolOpcode)
            {
                throw new InvalidDataException(
                    $"{path} is in PyTorch's legacy format (a bare pickle: torch.save with _use_new_zipfile_serialization=False, " +
                    "or PyTorch before 1.6). Load it in Python and save it again with torch.save(state_dict, path).", e);
            }

            throw new InvalidDataException($"{path} is not a PyTorch state_dict saved by torch.save (not a zip archive): {e.Message}", e);
        }

        using (archive)
        {
            ZipArchiveEntry[] pickles = archive.Entries.Where(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)).ToArray();
            if (pickles.Length != 1)
            {
                throw new InvalidDataException($"{path} is not a PyTorch state_dict saved by torch.save: it holds {pickles.Length} data.pkl entries, expected 1.");
            }

            ZipArchiveEntry pickle = pickles[0];
            string folder = pickle.FullName[..^"data.pkl".Length];
            CheckByteOrder(archive, folder, path);
            if (pickle.Length > PyTorchStateDict.MaxPickleBytes)
            {
                throw new InvalidDataException(
                    $"{path}: entry '{pickle.FullName}' holds {pickle.Length} bytes, more than the {PyTorchStateDict.MaxPickleBytes} a state_dict's pickle may.");
            }

            string pickleSource = $"{path} (entry '{pickle.FullName}')";
            List<StoredTensor> stored = Describe(PickleMachine.Load(ReadEntry(pickle, path), pickleSource), path, expected.Count);
            var problems = LoadedStateDict.Mismatches(stored.Select(t => (t.Name, t.Shape, FloatStorageBytes(t.StorageType) > 0)), expected);
            problems.AddRange(stored.SelectMany(t => ViewProblems(t, archive, folder)));
            problems.AddRange(SharingProblems(stored));
            if (problems.Count > 0)
            {
                throw new InvalidDataException($"The tensors in {path} do not fit this model ({string.Join("; ", problems)}).");
            }

            // Views may share a storage or use part of one; the storages together may not exceed the expected tensors
            // in the widest type (float64).
            long storageBytes = stored.DistinctBy(t => t.Key).Sum(t => archive.GetEntry(folder + "data/" + t.Key)!.Length);
            long neededBytes = expected.Values.Sum(t => t.numel()) * sizeof(double);
            if (storageBytes > neededBytes)
            {
                throw new InvalidDataException(
                    $"{path}: its storage entries hold {storageBytes} bytes, more than this model's tensors can use (at most {neededBytes}): " +
                    "its tensors view larger storages. Save compact copies: torch.save({k: v.clone() for k, v in state_dict.items()}, path).");
            }

            return Build(stored, archive, folder, path);
        }
    }

    /// <summary>The tensors the unpickled state_dict describes, in its order.</summary>
    private static List<StoredTensor> Describe(object? root, string path, int expectedCount)
    {
        if (root is PickleCall)
        {
            throw new InvalidDataException(
                $"{path} holds a pickled Python object ({PickleValues.Describe(root)}; a whole model?), not a state_dict (a dict of tensors): " +
                "save the model's tensors alone, torch.save(model.state_dict(), path).");
        }

        if (root is not Dictionary<object, object?> dict)
        {
            throw new InvalidDataException($"{path} holds a {PickleValues.Describe(root)}, not a state_dict (a dict of tensors).");
        }

        if (dict.Count > expectedCount + MaxUnexpectedEntries)
        {
            throw new InvalidDataException(
                $"{path} holds {dict.Count} entries, more than this model's {expectedCount} tensors and {MaxUnexpectedEntries} unexpected ones.");
        }

        // A checkpoint holds the state_dict under a key, beside others ('epoch' often first): name that key.
        if (dict.FirstOrDefault(e => e.Key is string && e.Value is Dictionary<object, object?> nested && nested.Values.Any(IsTensor)) is
            { Key: string checkpointKey })
        {
            string entry = $"'{PickleValues.Shorten(checkpointKey)}'";
            throw new InvalidDataException(
                $"{path} holds a checkpoint, not a state_dict: its entry {entry} is a dict of tensors. Save that entry alone: " +
                $"torch.save(checkpoint[{entry}], path).");
        }

        var tensors = new List<StoredTensor>();
        foreach (var (key, entryValue) in dict)
        {
            // A Parameter (state_dict(keep_vars=True), dict(named_parameters())) wraps the tensor it rebuilds.
            object? value = entryValue is PickleCall { Arguments: [PickleCall rebuilt, ..] } parameter && RebuildsParameter(parameter)
                ? rebuilt
                : entryValue;
            if (key is not string name || value is not PickleCall call || !RebuildsTensor(call)
                || call.Arguments is not [PicklePersistentId { Id: object?[] storage }, long offset, object?[] shape, object?[] stride, ..]
                || storage is not ["storage", PickleGlobal { Module: "torch" } type, string { Length: <= PickleMachine.MaxNameChars } storageKey, _, long elements]
                || shape.Length > MaxRank || shape.Length != stride.Length || shape.Concat(stride).Any(d => d is not long))
            {
                // The key may be any pickled value: described, never printed.
                if (key is not string text)
                {
                    throw new InvalidDataException(
                        $"{path} holds an entry whose key is a {PickleValues.Describe(key)}; a state_dict's keys are parameter names.");
                }

                throw new InvalidDataException(
                    $"{path} holds an entry '{PickleValues.Shorten(text)}' whose value is not a tensor torch.save writes (its value: {PickleValues.Describe(value)}). " +
                    "A state_dict holds only the model's tensors: save them alone, torch.save(model.state_dict(), path).");
            }

            tensors.Add(new StoredTensor(name, type.Name, storageKey, elements, offset, shape.Cast<long>().ToArray(), stride.Cast<long>().ToArray()));
        }

        return tensors;
    }

    /// <summary>The first byte of a bare pickle of protocol 2 or later, as a legacy torch.save file begins.</summary>
    private const int PickleProtocolOpcode = 0x80;

    /// <summary>Whether <paramref name="value"/> is a tensor or a Parameter as torch.save pickles them.</summary>
    private static bool IsTensor(object? value) => value is PickleCall call && (RebuildsTensor(call) || RebuildsParameter(call));

    private static bool RebuildsTensor(PickleCall call) =>
        call.Callable is PickleGlobal { Module: "torch._utils", Name: "_rebuild_tensor_v2" or "_rebuild_tensor" };

    private static bool RebuildsParameter(PickleCall call) =>
        call.Callable is PickleGlobal { Module: "torch._utils", Name: "_rebuild_parameter" or "_rebuild_parameter_with_state" };

    /// <summary>What is wrong with a tensor's view of its storage, or with the storage entry's size. Several tensors
    /// may view one storage (cuDNN's flattened LSTM weights), at any offset and with any non-negative strides
    /// (transposed tensors); every element each view touches must lie inside the storage, which is checked here, in
    /// checked arithmetic, before any storage is read.</summary>
    private static IEnumerable<string> ViewProblems(StoredTensor tensor, ZipArchive archive, string folder)
    {
        int elementSize = FloatStorageBytes(tensor.StorageType);
        if (elementSize == 0)
        {
            yield break; // reported with the names and shapes
        }

        string entryName = folder + "data/" + tensor.Key;
        ZipArchiveEntry? entry = archive.GetEntry(entryName);
        if (entry is null)
        {
            yield return $"{tensor.Name}: storage entry '{entryName}' is missing";
            yield break;
        }

        if (tensor.StorageElements < 0 || tensor.StorageElements > int.MaxValue / elementSize || entry.Length != tensor.StorageElements * elementSize)
        {
            yield return $"{tensor.Name}: storage entry '{entryName}' holds {entry.Length} bytes, expected {tensor.StorageElements} x {elementSize}";
            yield break;
        }

        if (LastElement(tensor) is not long last || (last >= tensor.StorageElements && tensor.Shape.All(d => d > 0)))
        {
            yield return $"{tensor.Name}: its view (offset {tensor.Offset}, stride [{string.Join(", ", tensor.Stride)}]) reaches past its storage of {tensor.StorageElements} elements";
        }
    }

    /// <summary>The largest storage index <paramref name="tensor"/>'s view touches (its offset when it is empty), or
    /// null when the offset or a stride is negative or the index overflows 64 bits.</summary>
    private static long? LastElement(StoredTensor tensor)
    {
        if (tensor.Offset < 0 || tensor.Stride.Any(s => s < 0) || tensor.Shape.Any(d => d < 0))
        {
            return null;
        }

        try
        {
            long last = tensor.Offset;
            for (int d = 0; d < tensor.Shape.Length; d++)
            {
                last = checked(last + (tensor.Shape[d] == 0 ? 0 : (tensor.Shape[d] - 1) * tensor.Stride[d]));
            }

            return last;
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    /// <summary>Tensors that name one storage entry must agree on its type and size: the entry is read once.</summary>
    private static IEnumerable<string> SharingProblems(List<StoredTensor> stored) =>
        stored.GroupBy(t => t.Key, StringComparer.Ordinal)
            .Where(g => g.Select(t => (t.StorageType, t.StorageElements)).Distinct().Count() > 1)
            .Select(g => $"{string.Join(", ", g.Select(t => t.Name))} share storage entry '{g.Key}' but declare it differently "
                + $"({string.Join(", ", g.Select(t => $"{t.StorageType} x {t.StorageElements}").Distinct())})");

    /// <summary>Reads each storage once, exactly, and builds every tensor as float32 by gathering its elements from
    /// the storage at its offset and strides (checked by <see cref="ViewProblems"/>).</summary>
    private static LoadedStateDict Build(List<StoredTensor> stored, ZipArchive archive, string folder, string path)
    {
        var storages = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var weights = new LoadedStateDict();
        try
        {
            foreach (StoredTensor tensor in stored)
            {
                if (!storages.TryGetValue(tensor.Key, out float[]? values))
                {
                    ZipArchiveEntry entry = archive.GetEntry(folder + "data/" + tensor.Key)!;
                    values = ToFloats(ReadEntry(entry, path), tensor.StorageType);
                    storages.Add(tensor.Key, values);
                }

                weights.Add(tensor.Name, TorchSharp.torch.tensor(Gather(values, tensor), tensor.Shape));
            }

            return weights;
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    /// <summary>The view's elements in row-major order. Its shape equals the model's and every index it touches was
    /// checked to lie in <paramref name="storage"/>.</summary>
    private static float[] Gather(float[] storage, StoredTensor tensor)
    {
        long count = tensor.Shape.Aggregate(1L, (product, d) => checked(product * d));
        var values = new float[count];
        if (count == 0)
        {
            return values;
        }

        int rank = tensor.Shape.Length;
        var index = new long[rank];
        long at = tensor.Offset;
        for (long i = 0; i < count; i++)
        {
            values[i] = storage[at];

            // Advance the multi-index, last dimension fastest.
            for (int d = rank - 1; d >= 0; d--)
            {
                if (++index[d] < tensor.Shape[d])
                {
                    at += tensor.Stride[d];
                    break;
                }

                at -= (tensor.Shape[d] - 1) * tensor.Stride[d];
                index[d] = 0;
            }
        }

        return values;
    }

    /// <summary>Reads an entry whose size was checked; a stream shorter or longer than the zip's directory says, or
    /// bytes whose CRC-32 differs from the one the zip stores (which <see cref="ZipArchive"/> does not check: a damaged
    /// storage would otherwise load as changed weights), is invalid data naming the entry.</summary>
    private static byte[] ReadEntry(ZipArchiveEntry entry, string path)
    {
        byte[] bytes = new byte[entry.Length];
        try
        {
            using Stream stream = entry.Open();
            stream.ReadExactly(bytes);
            if (stream.ReadByte() != -1)
            {
                throw new InvalidDataException("it holds more bytes than the zip's directory says");
            }
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException)
        {
            throw new InvalidDataException($"{path}: entry '{entry.FullName}' is damaged: expected {entry.Length} bytes; {e.Message}", e);
        }

        uint crc = System.IO.Hashing.Crc32.HashToUInt32(bytes);
        if (crc != entry.Crc32)
        {
            throw new InvalidDataException(
                $"{path}: entry '{entry.FullName}' is damaged: its CRC-32 is {crc:X8}, the zip's directory says {entry.Crc32:X8}.");
        }

        return bytes;
    }

    /// <summary>Accepts a byteorder entry of exactly "little", or none (older files have none); anything else, of any
    /// length (a big-endian file, or a damaged entry), is an <see cref="InvalidDataException"/> naming the file.</summary>
    private static void CheckByteOrder(ZipArchive archive, string folder, string path)
    {
        const string Little = "little";
        ZipArchiveEntry? entry = archive.GetEntry(folder + "byteorder");
        if (entry is null)
        {
            return;
        }

        if (entry.Length != Little.Length)
        {
            throw new InvalidDataException(
                $"{path}: entry '{entry.FullName}' holds {entry.Length} bytes, expected the {Little.Length} of '{Little}'; " +
                "only little-endian storages are supported.");
        }

        string order = System.Text.Encoding.ASCII.GetString(ReadEntry(entry, path));
        if (order != Little)
        {
            throw new InvalidDataException(
                $"{path}: entry '{entry.FullName}' says '{order}', expected '{Little}': its storages are not little-endian; " +
                "re-save it on a little-endian machine.");
        }
    }

    /// <summary>Bytes per element of a floating-point storage type; 0 for any other.</summary>
    private static int FloatStorageBytes(string storageType) => storageType switch
    {
        "FloatStorage" => 4,
        "DoubleStorage" => 8,
        "HalfStorage" or "BFloat16Storage" => 2,
        _ => 0,
    };

    private static float[] ToFloats(byte[] bytes, string storageType)
    {
        switch (storageType)
        {
            case "FloatStorage":
                return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
            case "DoubleStorage":
                return MemoryMarshal.Cast<byte, double>(bytes).ToArray().Select(v => (float)v).ToArray();
            case "HalfStorage":
                return MemoryMarshal.Cast<byte, Half>(bytes).ToArray().Select(v => (float)v).ToArray();
            default: // BFloat16Storage: the top half of a float32
            {
                var values = new float[bytes.Length / 2];
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(2 * i)) << 16);
                }

                return values;
            }
        }
    }
}
