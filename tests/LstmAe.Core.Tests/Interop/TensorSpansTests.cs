using System.Runtime.InteropServices;
using LstmAe.Interop;
using static TorchSharp.torch;

namespace LstmAe.Core.Tests.Interop;

/// <summary>Host floats reach the right elements of a tensor however the copy is split into spans (the split that
/// lets a tensor over 2 GiB be filled, made small here).</summary>
[TestClass]
public sealed class TensorSpansTests
{
    [TestMethod]
    [DataRow(7)]
    [DataRow(40)]
    [DataRow(TensorSpans.DefaultPiece)]
    public void CopiesIntoTheGivenElementsAcrossPieces(int piece)
    {
        using var scope = NewDisposeScope();
        Tensor tensor = zeros(5, 10);
        float[] source = Enumerable.Range(1, 40).Select(i => (float)i).ToArray();

        TensorSpans.CopyInto(tensor.view(-1), offset: 3, source, piece);

        float[] expected = new float[50];
        source.CopyTo(expected, 3);
        CollectionAssert.AreEqual(expected, tensor.data<float>().ToArray());
    }

    [TestMethod]
    [DataRow(7)]
    [DataRow(TensorSpans.DefaultPiece)]
    public void WritesBFloat16AsLibtorchCastsIt(int piece)
    {
        using var scope = NewDisposeScope();
        Tensor target = zeros([5, 10], ScalarType.BFloat16);
        float[] source = Enumerable.Range(1, 40).Select(i => 1f / i).ToArray();

        TensorSpans.CopyInto(target.view(-1), offset: 3, source, piece);

        float[] expected = new float[50];
        source.CopyTo(expected, 3);
        CollectionAssert.AreEqual(
            MemoryMarshal.Cast<byte, ushort>(tensor(expected).to(ScalarType.BFloat16).bytes).ToArray(),
            MemoryMarshal.Cast<byte, ushort>(target.bytes).ToArray());
    }

    [TestMethod]
    public void RefusesOtherElementTypes()
    {
        using var scope = NewDisposeScope();
        Assert.ThrowsExactly<ArgumentException>(() => TensorSpans.CopyInto(zeros([4], ScalarType.Float64), 0, [1f]));
    }
}
