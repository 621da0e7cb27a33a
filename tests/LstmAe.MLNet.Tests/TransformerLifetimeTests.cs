using LstmAe.MLNet.Tests.Support;

namespace LstmAe.MLNet.Tests;

/// <summary>
/// A transformer disposed while in use, and prediction engines sharing one transformer (each disposes it with itself
/// by default): this freed the native model under running forward passes and killed the process, so the scenarios
/// run in LstmAe.MLNet.ModelRunner (see its TransformerLifetime).
/// </summary>
[TestClass]
public sealed class TransformerLifetimeTests
{
    [TestMethod]
    public void EnginesSharingOneTransformerAllWorkAndTheLastReleasesIt()
    {
        ModelRunnerProcess run = ModelRunnerProcess.Run("lifetime", "shared-engines").AssertSucceeded();

        Assert.AreEqual("1210", run.Line("predictions"));
        Assert.AreEqual("1210", run.Line("chain predictions"));
        AssertDisposedError(run.Line("transform after last owner"));
        AssertDisposedError(run.Line("engine after last owner"));
    }

    [TestMethod]
    public void DisposalWhileACursorAnEngineAndTransformRunStopsEachWithObjectDisposedException()
    {
        ModelRunnerProcess run = ModelRunnerProcess.Run("lifetime", "dispose-while-in-use").AssertSucceeded();

        foreach (string use in new[] { "cursor", "predict", "transform", "model", "save" })
            AssertDisposedError(run.Line(use));
    }

    private static void AssertDisposedError(string line)
    {
        StringAssert.StartsWith(line, "ObjectDisposedException: This LstmAutoEncoderTransformer was disposed by its last owner");
        StringAssert.Contains(line, "Object name: 'LstmAutoEncoderTransformer'.");
    }
}
