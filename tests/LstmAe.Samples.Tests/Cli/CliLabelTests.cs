using LstmAe.Cli;
using LstmAe.Tests.Shared;

namespace LstmAe.Samples.Tests.Cli;

/// <summary><c>encode --labels</c>: a user's labels reach the feature file, and a labels file that does not fit the
/// sequences is refused with both files named.</summary>
[TestClass]
public sealed class CliLabelTests
{
    private static string Npy => Path.Combine(AppContext.BaseDirectory, "Fixtures", "time_major_u8.npy");

    [TestMethod]
    public void EncodeWritesTheClassNameOfEachNpySequence()
    {
        using var folder = new TempDirectory();
        string model = TinyModel.Save(folder.File("tiny.lstmae"));
        string labels = folder.File("labels.csv");
        File.WriteAllLines(labels, ["clip,kind", "0,walk", "1,run", "2,\"jump, high\"", "3,walk", "4,run", "5,walk"]);
        string csv = folder.File("features.csv");

        CliResult.Run("encode", "--model", model, "--data", "npy", "--path", Npy, "--split", "All", "--frames-per-sequence", "4",
            "--labels", labels, "--label-column", "kind", "--output", csv).AssertSucceeded();

        string[] lines = File.ReadAllLines(csv);
        Assert.HasCount(1 + 6, lines);
        StringAssert.StartsWith(lines[0], "sequence,label,f0,");
        string[] expected = ["0,walk,", "1,run,", "2,\"jump, high\",", "3,walk,", "4,run,", "5,walk,"];
        for (int row = 0; row < expected.Length; row++)
        {
            StringAssert.StartsWith(lines[row + 1], expected[row]);
        }
    }

    [TestMethod]
    public void ALabelsFileOfAnotherLengthIsRefusedNamingBothFiles()
    {
        using var folder = new TempDirectory();
        string model = TinyModel.Save(folder.File("tiny.lstmae"));
        string labels = folder.File("five.txt");
        File.WriteAllLines(labels, ["1", "2", "3", "4", "5"]);
        string csv = folder.File("features.csv");

        var result = CliResult.Run("encode", "--model", model, "--data", "npy", "--path", Npy, "--split", "All", "--frames-per-sequence", "4",
            "--labels", labels, "--output", csv);

        result.AssertFailed(ExitCodes.Failure, "five.txt");
        StringAssert.Contains(result.Error, "time_major_u8.npy");
        Assert.IsFalse(File.Exists(csv), "No feature file is written when the labels do not fit.");
    }

    [TestMethod]
    public void LabelOptionsThatCannotApplyAreUsageErrors()
    {
        using var folder = new TempDirectory();
        string model = TinyModel.Save(folder.File("tiny.lstmae"));
        string csv = folder.File("features.csv");

        CliResult.Run(["encode", "--model", model, "--output", csv, "--labels", Npy, .. TinyModel.DataArguments])
            .AssertFailed(ExitCodes.Usage, "--labels does not apply to --data moving-mnist");
        CliResult.Run("encode", "--model", model, "--data", "npy", "--path", Npy, "--labels", folder.File("none.csv"), "--output", csv)
            .AssertFailed(ExitCodes.Usage, "is not a file");
        CliResult.Run("encode", "--model", model, "--data", "npy", "--path", Npy, "--label-column", "kind", "--output", csv)
            .AssertFailed(ExitCodes.Usage, "give --labels too");
        CliResult.Run("train", "--output", folder.File("m.lstmae"), "--labels", Npy)
            .AssertFailed(ExitCodes.Usage, "--labels");
    }
}
