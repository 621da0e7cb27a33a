using LstmAe.Samples.MovingMnist.Reporting;

namespace LstmAe.Samples.Tests.Samples;

[TestClass]
public sealed class TrainingLogEntryTests
{
    [TestMethod]
    public void AProgressLineIsReadWithEveryLoss()
    {
        var entry = TrainingLogEntry.TryParse("step 12 epoch 1: loss 0.61234, reconstruction 0.3, prediction 0.31234, validation 0.6, 104.5 sequences/s");

        Assert.IsNotNull(entry);
        Assert.AreEqual(new TrainingLogEntry(12, 1, 0.61234, 0.3, 0.31234, 0.6, 104.5), entry);
    }

    [TestMethod]
    public void AbsentTermsAreNullAndOtherMessagesAreIgnored()
    {
        var entry = TrainingLogEntry.TryParse("step 3 epoch 0: loss 1.5e-05, reconstruction 1.5e-05, 50.0 sequences/s");

        Assert.AreEqual(new TrainingLogEntry(3, 0, 1.5e-05, 1.5e-05, null, null, 50.0), entry);
        Assert.IsNull(TrainingLogEntry.TryParse("Training Composite LSTM autoencoder (1 x 128 units) on column 'Frames'"));
        Assert.IsNull(TrainingLogEntry.TryParse("Finished (EpochsCompleted) after 3 steps: step 3 epoch 0: loss 1, 5 sequences/s"));
    }
}
