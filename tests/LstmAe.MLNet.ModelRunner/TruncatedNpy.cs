using LstmAe.Data;

namespace LstmAe.MLNet.ModelRunner;

/// <summary>
/// An .npy file cut short on disk after it was opened (as <c>np.save</c> over the same path does): reading it was a
/// bus error (SIGBUS) while the file was memory-mapped; it must be an <see cref="IOException"/> naming the file.
/// </summary>
internal static class TruncatedNpy
{
    /// <param name="path">A valid .npy file of uint8 sequences, which this truncates.</param>
    public static int Run(string path)
    {
        using NpySequenceFile file = NpySequenceFile.Open(path);
        float[] last = file.ReadSequence(file.SequenceCount - 1);
        Console.WriteLine($"before: {file.SequenceCount} sequences, {last.Length} floats each");

        // Rewrite the file in place with a header only: same inode, shorter length.
        byte[] header = File.ReadAllBytes(path).AsSpan(0, 128).ToArray();
        using (var rewrite = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite))
            rewrite.Write(header);

        try
        {
            file.ReadSequence(file.SequenceCount - 1);
            Console.WriteLine("after: ok");
        }
        catch (Exception e)
        {
            Console.WriteLine($"after: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
        }
        return 0;
    }
}
