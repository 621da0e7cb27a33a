namespace LstmAe.Data;

/// <summary>Element types an .npy sequence file may hold.</summary>
public enum NpyElementType
{
    /// <summary>uint8 ('|u1'): pixels 0..255, read as value / 255.</summary>
    UnsignedByte,
    /// <summary>float32 ('&lt;f4' or '&gt;f4'): read as is.</summary>
    SinglePrecision,
}
