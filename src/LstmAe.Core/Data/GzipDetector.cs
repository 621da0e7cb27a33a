using System.IO.Compression;
using LstmAe.IO;

namespace LstmAe.Data;

/// <summary>Recognises gzip content by its magic bytes (RFC 1952: 0x1F 0x8B), whatever the file is called, and
/// restates the decoder's errors with the file they concern.</summary>
internal static class GzipDetector
{
    private const byte Magic0 = 0x1F;
    private const byte Magic1 = 0x8B;

    private static readonly string? DecoderAssembly = typeof(GZipStream).Assembly.GetName().Name;

    /// <summary>True for an error thrown by the gzip decoder (System.IO.Compression), whose message names no file.</summary>
    public static bool IsDecoderError(InvalidDataException e) => e.Source == DecoderAssembly;

    /// <summary>The decoder's error <paramref name="e"/>, met reading <paramref name="path"/>, restated naming it.</summary>
    public static InvalidDataException Damaged(string path, InvalidDataException e) =>
        new($"'{path}' is not a valid gzip stream: {e.Message}", e);

    /// <summary>Peeks at the next two bytes of a seekable stream and restores its position.</summary>
    public static bool IsGzip(Stream stream)
    {
        long start = stream.Position;
        Span<byte> magic = stackalloc byte[2];
        int read = stream.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        stream.Position = start;
        return read == magic.Length && magic[0] == Magic0 && magic[1] == Magic1;
    }

    /// <summary>Whether the file at <paramref name="path"/> starts with the gzip magic bytes.</summary>
    public static bool IsGzip(string path)
    {
        using FileStream stream = ReadableFile.OpenRead(path);
        return IsGzip(stream);
    }
}
