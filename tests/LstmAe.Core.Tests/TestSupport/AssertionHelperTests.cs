namespace LstmAe.Core.Tests.TestSupport;

/// <summary>The comparison helpers the parity tests rest on fail on NaN and infinity, which never compare close.</summary>
[TestClass]
public sealed class AssertionHelperTests
{
    [TestMethod]
    [DataRow(float.NaN)]
    [DataRow(float.PositiveInfinity)]
    public void TensorAssertFailsOnANonFiniteActualValue(float bad)
    {
        Assert.ThrowsExactly<AssertFailedException>(() => TensorAssert.AreClose([1f, 2f], [1f, bad], 1e-3, "values"));
        Assert.ThrowsExactly<AssertFailedException>(() => TensorAssert.AreClose([1.0, 2.0], [1f, bad], 1e-3, "values"));
    }

    [TestMethod]
    public void TensorAssertFailsOnANaNExpectation()
    {
        Assert.ThrowsExactly<AssertFailedException>(() => TensorAssert.AreClose([float.NaN], [float.NaN], 1e-3, "values"));
        Assert.ThrowsExactly<AssertFailedException>(() => TensorAssert.AreRelativelyClose(1.0, double.NaN, 1e-3, "value"));
    }

    [TestMethod]
    public void FiniteDifferencesGiveTheDerivativeAndRestoreTheParameter()
    {
        var parameters = new Dictionary<string, double[]> { ["w"] = [0.3, 2.0] };
        double Function() => Math.Sin(parameters["w"][0]) * parameters["w"][1];

        double derivative = FiniteDifference.Derivative(parameters, "w", 0, Function);

        Assert.IsLessThan(1e-9, Math.Abs(derivative - (Math.Cos(0.3) * 2.0)));
        Assert.AreEqual(0.3, parameters["w"][0]);
        Assert.AreEqual(2.0, parameters["w"][1]);
    }
}
