using LstmAe.Benchmarks;
using LstmAe.Model;

namespace LstmAe.Benchmarks.Tests;

/// <summary>The benchmark's FLOP count, worked by hand on small shapes: frames of F = 2 x 3 = 6 pixels, H = 5 units,
/// T = 3 input frames, S = 2 future frames, batch B = 7. No timing.</summary>
[TestClass]
public sealed class ModelProductsTests
{
    private const int B = 7, F = 6, H = 5, T = 3, S = 2, G = 4 * H;

    private static readonly LstmAutoEncoderModelOptions Small = new()
    {
        FrameHeight = 2,
        FrameWidth = 3,
        HiddenSize = H,
        InputFrames = T,
        FutureFrames = S,
    };

    [TestMethod]
    public void EncodingCountsTheEncodersForwardProductsOnly()
    {
        // Input gates of all steps [B T x F] x [F x 4H], then T recurrent [B x H] x [H x 4H].
        double expected = (2.0 * B * T * G * F) + (T * 2.0 * B * G * H);
        Assert.AreEqual(expected, ModelProducts.Flops(ModelProducts.Encoding(Small, B)));
    }

    [TestMethod]
    public void UnconditionedTrainingSkipsTheGradientsThatNeverRun()
    {
        double encoderInput = 2.0 * B * T * G * F, encoderRecurrentStep = 2.0 * B * G * H;
        // Encoder: forward; weight gradients of both products; input gradients of the recurrent products except
        // the first step's (h0 is a constant), and none for the frames.
        double encoder = encoderInput + (T * encoderRecurrentStep) + encoderInput + (T * encoderRecurrentStep) + ((T - 1) * encoderRecurrentStep);
        // An unconditioned decoder of n steps: no input product; recurrent and output products, each three times.
        double Decoder(int n) => 3 * ((n * 2.0 * B * G * H) + (2.0 * B * n * F * H));
        double expected = encoder + Decoder(T) + Decoder(S);
        Assert.AreEqual(expected, ModelProducts.Flops(ModelProducts.Training(Small, B)));
        // The old "3 x forward" count was larger by the frames' input gradient and h0's gradient.
        double forward = encoderInput + (T * encoderRecurrentStep) + (Decoder(T) / 3) + (Decoder(S) / 3);
        Assert.AreEqual(3 * forward, expected + encoderInput + encoderRecurrentStep);
    }

    [TestMethod]
    public void ConditionalDecodersRunStepByStepWithGradientThroughTheirFeedback()
    {
        var conditional = Small with { Mode = AutoEncoderMode.PredictionOnly, Conditioning = DecoderConditioning.Conditional };
        IReadOnlyList<MatrixProduct> products = ModelProducts.Training(conditional, B);
        double encoder = (2 * 2.0 * B * T * G * F) + ((2 * T) + T - 1) * 2.0 * B * G * H;
        // S steps of [B x F] x [F x 4H]: forward and dW each step, dX from step 1 (step 0 reads a zero frame).
        double input = ((2 * S) + (S - 1)) * 2.0 * B * G * F;
        double recurrent = 3 * S * 2.0 * B * G * H, output = 3 * S * 2.0 * B * F * H;
        Assert.AreEqual(encoder + input + recurrent + output, ModelProducts.Flops(products));
        // One step's batch per product.
        Assert.IsTrue(products.Where(p => p.Name.StartsWith("prediction l0 input", StringComparison.Ordinal))
            .All(p => p.Count == S || p.Count == S - 1));
        Assert.AreEqual(B, products.Single(p => p.Name == "prediction l0 input").M);
    }

    [TestMethod]
    public void TeacherForcedAndStackedLayersCountTheirInputProducts()
    {
        var options = Small with { Layers = 2, Mode = AutoEncoderMode.ReconstructionOnly, Conditioning = DecoderConditioning.TeacherForced };
        double Recurrent(int n, int gradients) => (2 * n + gradients) * 2.0 * B * G * H;
        double encoder = (2 * 2.0 * B * T * G * F) + Recurrent(T, T - 1)        // layer 0
            + (3 * 2.0 * B * T * G * H) + Recurrent(T, T - 1);                    // layer 1: its input carries a gradient
        double decoder = (2 * 2.0 * B * T * G * F) + Recurrent(T, T)              // layer 0: targets need no gradient
            + (3 * 2.0 * B * T * G * H) + Recurrent(T, T)                         // layer 1
            + (3 * 2.0 * B * T * F * H);                                          // output layer
        Assert.AreEqual(encoder + decoder, ModelProducts.Flops(ModelProducts.Training(options, B)));
    }

    [TestMethod]
    public void CpuDefaultTrainingIsBelowThreeForwardPassesByTheFramesGradient()
    {
        LstmAutoEncoderModelOptions o = LstmAutoEncoderModelOptions.CpuDefault;
        double training = ModelProducts.Flops(ModelProducts.Training(o, 1));
        double threeForward = 3 * ((o.InputFrames * 2.0 * 4 * o.HiddenSize * (o.FrameSize + o.HiddenSize))
            + (2 * o.InputFrames * ((2.0 * 4 * o.HiddenSize * o.HiddenSize) + (2.0 * o.HiddenSize * o.FrameSize))));
        // Issue 13: the old count was 21.6 % too high; h0's gradient adds a little more.
        Assert.AreEqual(1.216, threeForward / training, 0.005);
    }
}
