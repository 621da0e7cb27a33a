using LstmAe.Data;

namespace LstmAe.Core.Tests.Data;

[TestClass]
public sealed class MovingMnistGeneratorTests
{
    private const int Canvas = 64;
    private const int Free = Canvas - 28;

    [TestMethod]
    public void DefaultsAreThoseOfTheOriginal()
    {
        var generator = new MovingMnistGenerator();

        Assert.AreEqual(20 * 64 * 64, generator.SequenceLength);
        Assert.AreEqual(2, generator.SampleMotions(0).Length);
        Assert.AreEqual(0..9000, generator.DigitPool);
    }

    [TestMethod]
    public void FramesArePixelsInUnitRangeWithInkFromEachDigit()
    {
        var generator = new MovingMnistGenerator(new MovingMnistOptions { SequenceCount = 3 });

        float[] frames = generator.Generate(2);

        Assert.IsTrue(frames.All(v => v is >= 0f and <= 1f));
        Assert.AreEqual(1f, frames.Max());
        for (int t = 0; t < 20; t++)
        {
            Assert.IsGreaterThan(50, frames.Skip(t * 4096).Take(4096).Count(v => v > 0.5f), $"frame {t} shows digits");
        }
    }

    [TestMethod]
    public void TrajectoriesStayInsideTheCanvasEvenAtHighSpeed()
    {
        var generator = new MovingMnistGenerator(new MovingMnistOptions { SequenceCount = 500, Speed = 2f, MaxSpeed = 40f, FrameCount = 30 });
        var xs = new int[30];
        var ys = new int[30];

        for (int row = 0; row < generator.SequenceCount; row++)
        {
            foreach (DigitMotion motion in generator.SampleMotions(row))
            {
                Assert.IsTrue(motion.StartX is >= 0 and <= Free && motion.StartY is >= 0 and <= Free, $"start of row {row}");
                DigitTrajectory.Trace(motion, Free, Free, xs, ys);
                Assert.IsTrue(xs.All(x => x is >= 0 and <= Free) && ys.All(y => y is >= 0 and <= Free), $"row {row} left the canvas");
            }
        }
    }

    [TestMethod]
    [DataRow("left", 2f, 10f, -3f, 0f, new[] { 0, 3, 6 }, new[] { 10, 10, 10 })]
    [DataRow("right", 34f, 10f, 3f, 0f, new[] { 36, 33, 30 }, new[] { 10, 10, 10 })]
    [DataRow("top", 10f, 1f, 0f, -2.5f, new[] { 10, 10, 10 }, new[] { 0, 2, 5 })]
    [DataRow("bottom", 10f, 35.5f, 0f, 1f, new[] { 10, 10, 10 }, new[] { 36, 35, 34 })]
    [DataRow("corner", 1f, 35f, -2f, 2f, new[] { 0, 2, 4 }, new[] { 36, 34, 32 })]
    public void TraceAtEachWallClampsAndFlipsThatComponent(string wall, float x, float y, float vx, float vy, int[] expectedX, int[] expectedY)
    {
        var xs = new int[3];
        var ys = new int[3];

        DigitTrajectory.Trace(new DigitMotion(0, 0, x, y, vx, vy), Free, Free, xs, ys);

        CollectionAssert.AreEqual(expectedX, xs, $"{wall}: x");
        CollectionAssert.AreEqual(expectedY, ys, $"{wall}: y");
    }

    [TestMethod]
    public void RenderDrawsEachFrameAtTheTracedPosition()
    {
        // A solid 4x4 "digit" on a 16x16 canvas: the ink's top-left corner is the digit's position.
        LabeledImageSet blocks = SolidDigits(size: 4, 255, 255);
        var generator = new MovingMnistGenerator(new MovingMnistOptions
        {
            Digits = blocks, Split = DataSplit.All, FrameHeight = 16, FrameWidth = 16, FrameCount = 8, DigitsPerSequence = 1,
        });
        var motion = new DigitMotion(0, 0, StartX: 10.5f, StartY: 1f, VelocityX: 1.5f, VelocityY: -0.75f);
        var frames = new float[generator.SequenceLength];
        var xs = new int[8];
        var ys = new int[8];

        generator.Render([motion], frames);
        DigitTrajectory.Trace(motion, 12, 12, xs, ys);

        for (int t = 0; t < 8; t++)
        {
            Span<float> frame = frames.AsSpan(t * 256, 256);
            int first = frame.IndexOf(1f);
            Assert.AreEqual((ys[t], xs[t]), (first / 16, first % 16), $"frame {t}");
            Assert.AreEqual(16, frame.ToArray().Count(v => v == 1f), $"frame {t} holds exactly one block");
        }

        CollectionAssert.Contains(xs, 12, "the digit reached the right wall");
        CollectionAssert.Contains(ys, 0, "the digit reached the top wall");
    }

    [TestMethod]
    public void RenderOverlappingDigitsCombineWithMax()
    {
        LabeledImageSet blocks = SolidDigits(size: 4, 100, 200);
        var generator = new MovingMnistGenerator(new MovingMnistOptions
        {
            Digits = blocks, Split = DataSplit.All, FrameHeight = 16, FrameWidth = 16, FrameCount = 1, Speed = 0f,
        });
        var frame = new float[256];

        // Bright block at (4, 4) drawn first, dim block at (2, 2) second: the overlap keeps the brighter value.
        generator.Render([new DigitMotion(1, 1, 4, 4, 0, 0), new DigitMotion(0, 0, 2, 2, 0, 0)], frame);

        Assert.AreEqual(100 / 255f, frame[2 * 16 + 2], "dim only");
        Assert.AreEqual(200 / 255f, frame[5 * 16 + 5], "overlap");
        Assert.AreEqual(200 / 255f, frame[7 * 16 + 7], "bright only");
        Assert.AreEqual(0f, frame[8 * 16 + 8], "background");
    }

    [TestMethod]
    public void RenderOfRealDigitsIsThePlainMaximumOfTheirScaledPixelsBitForBit()
    {
        // 28-pixel rows take the vectorised path (whole vectors and a scalar tail); a plain per-pixel reference of the
        // original definition, max over digits of byte / 255, must agree exactly, overlaps included.
        var generator = new MovingMnistGenerator(new MovingMnistOptions { SequenceCount = 6 });
        const int Frames = 20;
        List<DigitMotion[]> cases = [.. Enumerable.Range(0, 6).Select(i => generator.SampleMotions(i)),
            [new DigitMotion(3, 0, 10f, 12f, 0.5f, 0.25f), new DigitMotion(7, 0, 13f, 15f, -0.5f, 0.75f)]];
        var xs = new int[Frames];
        var ys = new int[Frames];
        foreach (DigitMotion[] motions in cases)
        {
            var frames = new float[generator.SequenceLength];
            generator.Render(motions, frames);

            var expected = new float[frames.Length];
            foreach (DigitMotion motion in motions)
            {
                ReadOnlySpan<byte> digit = EmbeddedMnist.Digits.GetImage(motion.DigitIndex);
                DigitTrajectory.Trace(motion, Free, Free, xs, ys);
                for (int t = 0; t < Frames; t++)
                {
                    for (int r = 0; r < 28; r++)
                    {
                        for (int c = 0; c < 28; c++)
                        {
                            int at = (t * Canvas * Canvas) + ((ys[t] + r) * Canvas) + xs[t] + c;
                            expected[at] = MathF.Max(expected[at], digit[(r * 28) + c] / 255f);
                        }
                    }
                }
            }
            CollectionAssert.AreEqual(expected, frames);
        }
    }

    [TestMethod]
    public void SpeedIsAsConfiguredAndDirectionsCoverTheCircle()
    {
        var fixedSpeed = new MovingMnistGenerator(new MovingMnistOptions { SequenceCount = 400 });
        var ranged = new MovingMnistGenerator(new MovingMnistOptions { SequenceCount = 400, Speed = 2f, MaxSpeed = 5f });

        DigitMotion[] fixedMotions = Enumerable.Range(0, 400).SelectMany(i => fixedSpeed.SampleMotions(i)).ToArray();
        double[] rangedSpeeds = Enumerable.Range(0, 400).SelectMany(i => ranged.SampleMotions(i)).Select(Speed).ToArray();

        Assert.IsTrue(fixedMotions.All(m => Math.Abs(Speed(m) - 3.6) < 1e-5));
        int[] quadrants = new int[4];
        foreach (DigitMotion m in fixedMotions)
        {
            quadrants[(m.VelocityX >= 0 ? 0 : 1) + (m.VelocityY >= 0 ? 0 : 2)]++;
        }

        Assert.IsTrue(quadrants.All(q => q > 150), $"directions by quadrant: {string.Join(", ", quadrants)}");
        Assert.IsTrue(rangedSpeeds.All(s => s is >= 2 - 1e-5 and <= 5 + 1e-5));
        Assert.IsTrue(rangedSpeeds.Min() < 2.2 && rangedSpeeds.Max() > 4.8, "speeds spread over the range");
    }

    [TestMethod]
    public void SameSeedGivesTheSameSequencesInAnyOrderAndAnotherSeedDiffers()
    {
        var options = new MovingMnistOptions { SequenceCount = 50, Seed = 7 };
        var a = new MovingMnistGenerator(options);
        var b = new MovingMnistGenerator(options);

        float[] fromB = b.Generate(31);
        _ = b.Generate(3);

        CollectionAssert.AreEqual(a.Generate(3), b.Generate(3));
        CollectionAssert.AreEqual(fromB, a.Generate(31));
        CollectionAssert.AreNotEqual(a.Generate(3), a.Generate(4));
        CollectionAssert.AreNotEqual(a.Generate(3), new MovingMnistGenerator(options with { Seed = 8 }).Generate(3));
    }

    [TestMethod]
    public void TrainAndTestDrawFromDisjointDigitPoolsWithDifferentMotions()
    {
        var train = new MovingMnistGenerator(new MovingMnistOptions { SequenceCount = 2000, Split = DataSplit.Train });
        var test = new MovingMnistGenerator(new MovingMnistOptions { SequenceCount = 2000, Split = DataSplit.Test });

        HashSet<int> trainDigits = Enumerable.Range(0, 2000).SelectMany(i => train.SampleMotions(i)).Select(m => m.DigitIndex).ToHashSet();
        HashSet<int> testDigits = Enumerable.Range(0, 2000).SelectMany(i => test.SampleMotions(i)).Select(m => m.DigitIndex).ToHashSet();

        Assert.IsTrue(trainDigits.All(d => d < 9000));
        Assert.IsTrue(testDigits.All(d => d >= 9000));
        Assert.IsGreaterThan(900, testDigits.Count, "the test pool is sampled broadly");
        Assert.AreNotEqual(train.SampleMotions(0)[0].StartX, test.SampleMotions(0)[0].StartX);
    }

    [TestMethod]
    public void LabelsAreThoseOfTheDrawnDigits()
    {
        var generator = new MovingMnistGenerator(new MovingMnistOptions { SequenceCount = 20 });

        foreach (DigitMotion motion in Enumerable.Range(0, 20).SelectMany(i => generator.SampleMotions(i)))
        {
            Assert.AreEqual(EmbeddedMnist.Digits.GetLabel(motion.DigitIndex), motion.Label);
        }
    }

    [TestMethod]
    public void InvalidOptionsNameTheSetting()
    {
        var tooSmall = Assert.ThrowsExactly<ArgumentException>(() => new MovingMnistGenerator(new MovingMnistOptions { FrameHeight = 20 }));
        var slower = Assert.ThrowsExactly<ArgumentException>(() => new MovingMnistGenerator(new MovingMnistOptions { MaxSpeed = 1f }));
        var pool = Assert.ThrowsExactly<ArgumentException>(() => new MovingMnistGenerator(new MovingMnistOptions { TrainDigitCount = 10_000 }));

        StringAssert.StartsWith(tooSmall.Message, "MovingMnistOptions.FrameHeight and FrameWidth must be at least the digits' 28x28, got a 20x64 canvas.");
        StringAssert.Contains(slower.Message, "MaxSpeed");
        StringAssert.Contains(pool.Message, "TrainDigitCount");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new MovingMnistGenerator(new MovingMnistOptions { SequenceCount = 5 }).Generate(5));
    }

    [TestMethod]
    public void DigitsPerSequenceIsCappedAndEveryAllowedCountGenerates()
    {
        var tooMany = Assert.ThrowsExactly<ArgumentException>(
            () => new MovingMnistGenerator(new MovingMnistOptions { DigitsPerSequence = MovingMnistOptions.MaxDigitsPerSequence + 1 }));
        StringAssert.Contains(tooMany.Message, $"DigitsPerSequence must be between 1 and {MovingMnistOptions.MaxDigitsPerSequence}");

        foreach (int digits in new[] { 1, MovingMnistOptions.MaxDigitsPerSequence })
        {
            var generator = new MovingMnistGenerator(new MovingMnistOptions { SequenceCount = 1, FrameCount = 2, DigitsPerSequence = digits });
            float[] frames = generator.Generate(0);
            Assert.AreEqual(generator.SequenceLength, frames.Length);
            Assert.AreEqual(1f, frames.Max(), $"{digits} digits");
        }
    }

    private static double Speed(DigitMotion m) => Math.Sqrt((double)m.VelocityX * m.VelocityX + (double)m.VelocityY * m.VelocityY);

    private static LabeledImageSet SolidDigits(int size, params byte[] values)
    {
        byte[] pixels = values.SelectMany(v => Enumerable.Repeat(v, size * size)).ToArray();
        return new LabeledImageSet(pixels, Enumerable.Range(0, values.Length).Select(i => (byte)i).ToArray(), size, size);
    }
}
