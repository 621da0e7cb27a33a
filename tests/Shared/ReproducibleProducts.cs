using LstmAe.Interop;

namespace LstmAe.Tests.Setup;

/// <summary>
/// Puts MKL in its reproducible mode before any test runs a libtorch product, as an application would first thing:
/// tests that compare two instances of one model bit for bit need it whatever test runs first.
/// </summary>
[TestClass]
public static class ReproducibleProducts
{
    [AssemblyInitialize]
    public static void Enable(TestContext context) => MklReproducibility.Enable();
}
