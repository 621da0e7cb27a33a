using LstmAe.Tests.Shared;
using LstmAe.Visualization;

namespace LstmAe.Samples.Tests.Visualization;

[TestClass]
public sealed class PictureTests
{
    // 4 x 5 frames: two input frames, one future frame.
    private const int Height = 4, Width = 5, Size = Height * Width;
    private static readonly RenderOptions Layout = new() { Scale = 2, Gap = 1, FrameDelayMilliseconds = 300 };
    private static readonly string[] PictureSetOfThree = ["sequence-000.gif", "sequence-001.gif", "sequence-002.gif", "contact-sheet.png"];

    private static SequenceComparison Example() => new(
        Height, Width,
        Input: [.. Filled(1f), .. Filled(0.2f)],
        Future: Filled(0.6f),
        Reconstruction: [.. Filled(0.5f), .. Filled(0.4f)],
        Prediction: Filled(0.8f));

    [TestMethod]
    public void ThePictureSetIsAGifPerSequenceAndOneContactSheetUnderTheSharedNames()
    {
        using var folder = new TempDirectory();

        var written = ComparisonPictures.Write(folder.Path, [Example(), Example(), Example()], Layout, Layout with { Scale = 1 });

        CollectionAssert.AreEqual(PictureSetOfThree, written.ToArray());
        CollectionAssert.AreEquivalent(written.ToArray(), Directory.GetFiles(folder.Path).Select(Path.GetFileName).ToArray());
        using var gif = ImageAssert.IsAnimatedGif(folder.File("sequence-002.gif"), frames: 3);
        using var sheet = ImageAssert.IsPng(folder.File("contact-sheet.png"));
    }

    [TestMethod]
    public void AnimationShowsTruthReconstructionAndPredictionSideBySide()
    {
        using var folder = new TempDirectory();
        string path = folder.File("sequence.gif");

        ComparisonAnimation.WriteGif(path, Example(), Layout);

        using var animation = ImageAssert.IsAnimatedGif(path, frames: 3);
        int panelStride = Width * Layout.Scale + Layout.Gap;
        Assert.AreEqual((uint)(3 * panelStride + Layout.Gap), animation[0].Width);
        Assert.AreEqual((uint)(Height * Layout.Scale + 2 * Layout.Gap), animation[0].Height);
        Assert.AreEqual(30u, animation[0].AnimationDelay);
        int Panel(int index) => Layout.Gap + index * panelStride + 1;
        // t = 0: input (white) | reconstruction (0.5) | nothing predicted yet (black).
        Assert.AreEqual(255, ImageAssert.GreyAt(animation[0], Panel(0), 2));
        Assert.AreEqual(128, ImageAssert.GreyAt(animation[0], Panel(1), 2));
        Assert.AreEqual(0, ImageAssert.GreyAt(animation[0], Panel(2), 2));
        // t = 2: true future (0.6) | no reconstruction (black) | prediction (0.8).
        Assert.AreEqual(153, ImageAssert.GreyAt(animation[2], Panel(0), 2));
        Assert.AreEqual(0, ImageAssert.GreyAt(animation[2], Panel(1), 2));
        Assert.AreEqual(204, ImageAssert.GreyAt(animation[2], Panel(2), 2));
        // The gap between panels is mid-grey.
        Assert.AreEqual(128, ImageAssert.GreyAt(animation[2], 0, 0));
    }

    [TestMethod]
    public void AnimationLeavesOutPanelsWithoutData()
    {
        using var folder = new TempDirectory();
        string path = folder.File("input-only.gif");

        ComparisonAnimation.WriteGif(path, new SequenceComparison(Height, Width, Filled(1f)), Layout);

        using var animation = ImageAssert.IsAnimatedGif(path, frames: 1);
        Assert.AreEqual((uint)(Width * Layout.Scale + 2 * Layout.Gap), animation[0].Width);
    }

    [TestMethod]
    public void ContactSheetPutsTheModelRowUnderTheTruthRow()
    {
        using var folder = new TempDirectory();
        string path = folder.File("sheet.png");

        ContactSheet.WritePng(path, [Example(), Example()], Layout);

        int cellWidth = Width * Layout.Scale + Layout.Gap, cellHeight = Height * Layout.Scale + Layout.Gap;
        int sequenceHeight = 2 * cellHeight + 3 * Layout.Gap;
        using var sheet = ImageAssert.IsPng(path, width: 3 * cellWidth + Layout.Gap, height: 2 * sequenceHeight - 3 * Layout.Gap + Layout.Gap);
        int X(int column) => Layout.Gap + column * cellWidth;
        int Y(int sequence, int row) => Layout.Gap + sequence * sequenceHeight + row * cellHeight;
        Assert.AreEqual(51, ImageAssert.GreyAt(sheet, X(1), Y(1, 0)));   // input frame 2 (0.2)
        Assert.AreEqual(102, ImageAssert.GreyAt(sheet, X(1), Y(1, 1)));  // its reconstruction (0.4)
        Assert.AreEqual(153, ImageAssert.GreyAt(sheet, X(2), Y(0, 0)));  // true future (0.6)
        Assert.AreEqual(204, ImageAssert.GreyAt(sheet, X(2), Y(0, 1)));  // prediction (0.8)
    }

    [TestMethod]
    public void ValuesOutsideTheUnitRangeAreClipped()
    {
        using var sheet = ContactSheet.Render([new SequenceComparison(Height, Width, [.. Filled(-3f), .. Filled(7f)])], Layout);

        Assert.AreEqual(0, ImageAssert.GreyAt(sheet, Layout.Gap, Layout.Gap));
        Assert.AreEqual(255, ImageAssert.GreyAt(sheet, Layout.Gap + Width * Layout.Scale + Layout.Gap, Layout.Gap));
    }

    [TestMethod]
    public void MismatchedArraysAreRejectedByName()
    {
        var broken = Example() with { Reconstruction = Filled(0.5f) };
        var error = Assert.ThrowsExactly<ArgumentException>(() => ContactSheet.Render([broken]));
        StringAssert.Contains(error.Message, "reconstruction holds 1 frames but the input holds 2");

        var ragged = Example() with { Future = new float[Size + 3] };
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => ContactSheet.Render([ragged])).Message, "Future");
    }

    [TestMethod]
    public void LossCurveIsAPngWithBothSeries()
    {
        using var folder = new TempDirectory();
        string path = folder.File("loss.png");
        LossPoint[] training = [new(0, 900), new(10, 600), new(20, 450), new(30, 400)];
        LossPoint[] validation = [new(15, 520), new(30, 430)];

        LossCurvePlot.WritePng(path, training, validation, "nats per frame");

        using var image = ImageAssert.IsPng(path, LossCurvePlot.Width, LossCurvePlot.Height);
        Assert.IsGreaterThan(2u, image.TotalColors, "The chart should have lines and text, not a blank canvas.");
        var model = LossCurvePlot.CreateModel(training, validation);
        Assert.AreEqual(2, model.Series.Count);
        Assert.IsInstanceOfType<OxyPlot.Axes.LogarithmicAxis>(model.Axes[1]);
    }

    [TestMethod]
    public void LossCurveFallsBackToALinearAxisForNonPositiveLosses()
    {
        var model = LossCurvePlot.CreateModel([new(0, 0.5), new(1, 0)], []);

        Assert.IsNotInstanceOfType<OxyPlot.Axes.LogarithmicAxis>(model.Axes[1]);
        Assert.AreEqual(1, model.Series.Count);
    }

    [TestMethod]
    public void LossCurveRejectsEmptyAndNonFiniteInput()
    {
        Assert.ThrowsExactly<ArgumentException>(() => LossCurvePlot.CreateModel([], []));
        var error = Assert.ThrowsExactly<ArgumentException>(() => LossCurvePlot.CreateModel([new(1, double.NaN)], []));
        StringAssert.Contains(error.Message, "step 1");
    }

    private static float[] Filled(float value) => Enumerable.Repeat(value, Size).ToArray();
}
