using LstmAe.Model;

namespace LstmAe.Benchmarks;

/// <summary>
/// The matrix products a minibatch runs through the model on LstmAe's step-by-step CPU runner (StackedLstmRunner),
/// counted analytically: each with its shape, so that the FLOPs are exact and a GEMM reference can be measured at
/// the model's own shapes.
/// </summary>
/// <remarks>
/// A forward product <c>Y[M,N] = X[M,K] W^T</c> costs two in the backward pass: the weight gradient
/// <c>dW[N,K] = dY^T X</c> (always: every multiplied weight is trained), and the input gradient <c>dX[M,K] = dY W</c>,
/// only where X needs a gradient. It does not for the frames (the encoder's first layer, a teacher-forced decoder's
/// first layer), the zero state the encoder starts from, and the zero frame a conditional decoder starts from, so
/// training costs less than three forward passes. An unconditioned decoder's first layer multiplies nothing.
/// </remarks>
public static class ModelProducts
{
    private const int Gates = 4;

    /// <summary>Products of encoding <paramref name="batch"/> sequences (forward pass of the encoder).</summary>
    public static IReadOnlyList<MatrixProduct> Encoding(LstmAutoEncoderModelOptions options, int batch)
    {
        var products = new List<MatrixProduct>();
        Encoder(options, batch, products, backward: false);
        return products;
    }

    /// <summary>Products of one training step on <paramref name="batch"/> sequences: forward and backward passes.</summary>
    public static IReadOnlyList<MatrixProduct> Training(LstmAutoEncoderModelOptions options, int batch)
    {
        var products = new List<MatrixProduct>();
        Encoder(options, batch, products, backward: true);
        if (options.HasReconstructionDecoder) Decoder("reconstruction", options, options.InputFrames, batch, products);
        if (options.HasPredictionDecoder) Decoder("prediction", options, options.FutureFrames, batch, products);
        return products;
    }

    /// <summary>Sum of the products' FLOPs.</summary>
    public static double Flops(IEnumerable<MatrixProduct> products) => products.Sum(p => p.Flops);

    private static void Encoder(LstmAutoEncoderModelOptions o, int batch, List<MatrixProduct> products, bool backward)
    {
        int steps = o.InputFrames, h = o.HiddenSize;
        for (int layer = 0; layer < o.Layers; layer++)
        {
            int input = layer == 0 ? o.FrameSize : h;
            // Every step's input gates in one product: the whole sequence is known before the layer runs.
            Add(products, $"encoder l{layer} input", (long)batch * steps, Gates * h, input, 1, backward,
                inputGradients: layer == 0 ? 0 : 1);
            // h0 is a constant zero state: its product runs, its gradient does not.
            Add(products, $"encoder l{layer} recurrent", batch, Gates * h, h, steps, backward, inputGradients: steps - 1);
        }
    }

    private static void Decoder(string name, LstmAutoEncoderModelOptions o, int steps, int batch, List<MatrixProduct> products)
    {
        int h = o.HiddenSize;
        bool stepwise = o.Conditioning == DecoderConditioning.Conditional;
        // A conditional decoder's step needs the previous step's output, so each product covers one step's batch.
        (long rows, int count) = stepwise ? (batch, steps) : ((long)batch * steps, 1);
        for (int layer = 0; layer < o.Layers; layer++)
        {
            if (layer > 0)
                Add(products, $"{name} l{layer} input", rows, Gates * h, h, count, backward: true, inputGradients: count);
            else if (o.Conditioning == DecoderConditioning.TeacherForced)
                Add(products, $"{name} l0 input", rows, Gates * h, o.FrameSize, 1, backward: true, inputGradients: 0);
            else if (stepwise)
                // Step 0 reads a constant zero frame; later steps read the previous output, which carries a gradient.
                Add(products, $"{name} l0 input", rows, Gates * h, o.FrameSize, count, backward: true, inputGradients: count - 1);
            // The decoders start from the encoder's state, which needs its gradient.
            Add(products, $"{name} l{layer} recurrent", batch, Gates * h, h, steps, backward: true, inputGradients: steps);
        }
        Add(products, $"{name} output", rows, o.FrameSize, h, count, backward: true, inputGradients: count);
    }

    /// <summary>A forward product and, when <paramref name="backward"/>, its weight gradient and
    /// <paramref name="inputGradients"/> input gradients.</summary>
    private static void Add(List<MatrixProduct> products, string name, long m, long n, long k, long count, bool backward,
        long inputGradients)
    {
        products.Add(new MatrixProduct(name, m, n, k, count));
        if (!backward) return;
        products.Add(new MatrixProduct($"{name}, dW", n, k, m, count));
        if (inputGradients > 0) products.Add(new MatrixProduct($"{name}, dX", m, k, n, inputGradients));
    }
}
