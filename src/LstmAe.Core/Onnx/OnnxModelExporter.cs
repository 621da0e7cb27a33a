using System.Reflection;
using LstmAe.Model;
using Onnx;
using static LstmAe.Onnx.OnnxGraphBuilder;

namespace LstmAe.Onnx;

/// <summary>
/// Builds the ONNX graph of a composite LSTM autoencoder's inference: the encoder's feature vector and, on request,
/// the decoders' frames, with the standard <c>LSTM</c> operator (one node per layer; per step and layer for a decoder
/// that feeds back its output, unrolled since the step counts are fixed). Batch is the graph's one symbolic dimension.
/// Every weight is stored as float32, whatever <see cref="LstmAutoEncoderModelOptions.MatrixPrecision"/> the model
/// runs its products in.
/// </summary>
internal static class OnnxModelExporter
{
    private const long IrVersion = 8;

    /// <summary>Bytes a protobuf message may hold; ONNX's external-data files, which lift this, are not written.</summary>
    private const long ProtobufLimitBytes = int.MaxValue;

    /// <summary>Room kept under <see cref="ProtobufLimitBytes"/> for everything but the weights.</summary>
    private const long GraphOverheadBytes = 64L << 20;

    /// <summary>Builds the model; <paramref name="export"/> must be valid for <paramref name="model"/>.</summary>
    /// <exception cref="NotSupportedException">The weights exceed what one ONNX protobuf file holds.</exception>
    public static ModelProto Build(LstmAutoEncoder model, OnnxExportOptions export)
    {
        LstmAutoEncoderModelOptions options = model.Options;
        Int128 weightBytes = ModelStateLayout.ParameterCount(options) * sizeof(float);
        if (weightBytes > ProtobufLimitBytes - GraphOverheadBytes)
        {
            throw new NotSupportedException(
                $"The model's weights take {weightBytes} bytes; one ONNX file holds at most about 2 GiB (protobuf's limit), " +
                "and LstmAe does not write ONNX external-data files.");
        }

        var weights = model.Module.state_dict().ToDictionary(
            p => p.Key, p => p.Value.detach().cpu().contiguous().data<float>().ToArray(), StringComparer.Ordinal);
        var builder = new OnnxGraphBuilder();
        new Graph(builder, options, export, weights).Build();

        var onnx = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "LstmAe",
            ProducerVersion = typeof(OnnxModelExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "",
            DocString = "Composite LSTM autoencoder (Srivastava et al., 2015) exported by LstmAe: encoder features" +
                (export.IncludeReconstruction || export.IncludeReconstructionError || export.IncludePrediction ? " and decoder outputs." : "."),
            Graph = builder.Graph,
        };
        onnx.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxExportOptions.OpsetVersion });
        onnx.MetadataProps.Add(new StringStringEntryProto { Key = "lstmae.model_options", Value = options.ToJson() });
        onnx.MetadataProps.Add(new StringStringEntryProto { Key = "lstmae.encoder_features", Value = export.Features.ToString() });
        return onnx;
    }

    /// <summary>The graph of one export, built node by node.</summary>
    private sealed class Graph(OnnxGraphBuilder g, LstmAutoEncoderModelOptions options, OnnxExportOptions export, Dictionary<string, float[]> weights)
    {
        private readonly int _frameSize = options.FrameSize;
        private readonly int _hidden = options.HiddenSize;
        private readonly int _layers = options.Layers;
        private string _batch = "";

        public void Build()
        {
            int inputFrames = options.InputFrames;
            int storedFrames = export.InputIncludesFutureFrames ? inputFrames + options.FutureFrames : inputFrames;
            g.Graph.Input.Add(FloatValue(export.InputName, (long)storedFrames * _frameSize));

            // [batch, stored frames x frame size] -> the input frames [batch, input frames x frame size].
            string inputRows = storedFrames == inputFrames
                ? export.InputName
                : g.Single("Slice", [export.InputName, g.Int64s("zero", 0), g.Int64s("input_length", options.InputSequenceLength), g.Int64s("axis1", 1)]);
            _batch = g.Single("Shape", [inputRows], attributes: [Int("start", 0), Int("end", 1)]);
            string batchMajor = g.Single("Reshape", [inputRows, g.Int64s("frames_shape", 0, inputFrames, _frameSize)]);
            string timeMajor = g.Single("Transpose", [batchMajor], attributes: Ints("perm", 1, 0, 2));

            var encoder = new StackedLstm(g, weights, "encoder.lstm.", _hidden, _layers, zeroInput: false);
            (string topOutputs, string[] h, string[] c) = encoder.Run(timeMajor, initialHidden: null, initialCell: null);
            AddFeatures(topOutputs, h, c);

            if (export.IncludeReconstruction || export.IncludeReconstructionError)
            {
                // The decoder draws the input frames in reverse order; Gather puts them back in natural order.
                string reversed = Decode("reconstruct_decoder.", inputFrames, h, c);
                string natural = g.Single("Gather", [reversed, g.Int64s("reverse_steps", Enumerable.Range(0, inputFrames).Reverse().Select(i => (long)i).ToArray())],
                    attributes: Int("axis", 0));
                string reconstruction = BatchRows(natural, inputFrames, export.IncludeReconstruction ? export.ReconstructionName : null);
                if (export.IncludeReconstruction)
                    g.Graph.Output.Add(FloatValue(export.ReconstructionName, options.InputSequenceLength));
                if (export.IncludeReconstructionError)
                {
                    string difference = g.Single("Sub", [reconstruction, inputRows]);
                    string squared = g.Single("Mul", [difference, difference]);
                    g.Single("ReduceMean", [squared], export.ReconstructionErrorName, Ints("axes", 1), Int("keepdims", 0));
                    g.Graph.Output.Add(FloatValue(export.ReconstructionErrorName));
                }
            }
            if (export.IncludePrediction)
            {
                string prediction = Decode("predict_decoder.", options.FutureFrames, h, c);
                BatchRows(prediction, options.FutureFrames, export.PredictionName);
                g.Graph.Output.Add(FloatValue(export.PredictionName, (long)options.FutureFrames * _frameSize));
            }
        }

        /// <summary>The features output: parts of the encoder's final (h, c), each [1, batch, hidden] per layer, or the
        /// mean over time of the top layer's outputs [steps, batch, hidden].</summary>
        private void AddFeatures(string topOutputs, string[] h, string[] c)
        {
            if (export.Features == EncoderFeatures.LastLayerHiddenMeanOverTime)
            {
                g.Single("ReduceMean", [topOutputs], export.FeaturesName, Ints("axes", 0), Int("keepdims", 0));
                g.Graph.Output.Add(FloatValue(export.FeaturesName, options.FeatureSize(export.Features)));
                return;
            }

            string axis0 = g.Int64s("axis0", 0);
            string Rows(string state) => g.Single("Squeeze", [state, axis0]);
            string[] parts = export.Features switch
            {
                EncoderFeatures.LastLayerHidden => [h[^1]],
                EncoderFeatures.LastLayerHiddenAndCell => [h[^1], c[^1]],
                EncoderFeatures.AllLayersHidden => h,
                EncoderFeatures.AllLayersHiddenAndCell => [.. h, .. c],
                _ => throw new InvalidOperationException($"Unknown encoder feature set {export.Features}."),
            };
            if (parts.Length == 1)
                g.Single("Squeeze", [parts[0], axis0], export.FeaturesName);
            else
                g.Single("Concat", parts.Select(Rows).ToArray(), export.FeaturesName, Int("axis", 1));
            g.Graph.Output.Add(FloatValue(export.FeaturesName, options.FeatureSize(export.Features)));
        }

        /// <summary>
        /// Runs the decoder under <paramref name="prefix"/> for <paramref name="steps"/> steps from the encoder's final
        /// state; returns its frames as pixel values, time-major [steps, batch, frame size], in the decoder's order.
        /// </summary>
        private string Decode(string prefix, int steps, string[] h, string[] c)
        {
            var fcWeight = g.Floats(prefix + "fc_weight_t", OnnxLstmWeights.Transpose(weights[prefix + "fc.weight"], _frameSize, _hidden), _hidden, _frameSize);
            var fcBias = g.Floats(prefix + "fc_bias", weights[prefix + "fc.bias"], _frameSize);
            string Pixels(string topHidden)
            {
                string logits = g.Single("Add", [g.Single("MatMul", [topHidden, fcWeight]), fcBias]);
                return options.Objective == TrainingObjective.BinaryCrossEntropy ? g.Single("Sigmoid", [logits]) : logits;
            }

            if (options.Conditioning == DecoderConditioning.Unconditioned)
            {
                // A zero input at every step: a [steps, batch, 1] zero input against zero input weights adds
                // nothing to the gates, as the real zero frame does, without the frame-sized product.
                var lstm = new StackedLstm(g, weights, prefix + "lstm.", _hidden, _layers, zeroInput: true);
                (string output, _, _) = lstm.Run(Zeros(steps, 1), h, c);
                return Pixels(output);
            }

            // Conditional (and teacher-forced, which at inference feeds back like conditional): each step's input is
            // the previous step's frame as pixel values, so the steps are unrolled.
            var stepLstm = new StackedLstm(g, weights, prefix + "lstm.", _hidden, _layers, zeroInput: false);
            string input = Zeros(1, _frameSize);
            var frames = new string[steps];
            for (int t = 0; t < steps; t++)
            {
                (string output, h, c) = stepLstm.Run(input, h, c);
                frames[t] = Pixels(output);
                input = frames[t];
            }
            return steps == 1 ? frames[0] : g.Single("Concat", frames, attributes: Int("axis", 0));
        }

        /// <summary>Zeros of [<paramref name="steps"/>, batch, <paramref name="width"/>].</summary>
        private string Zeros(int steps, int width)
        {
            string shape = g.Single("Concat", [g.Int64s("steps", steps), _batch, g.Int64s("width", width)], attributes: Int("axis", 0));
            return g.Single("ConstantOfShape", [shape], attributes: FloatScalarTensor("value", 0f));
        }

        /// <summary>Time-major frames [steps, batch, frame size] as rows [batch, steps x frame size].</summary>
        private string BatchRows(string timeMajor, int steps, string? output)
        {
            string batchMajor = g.Single("Transpose", [timeMajor], attributes: Ints("perm", 1, 0, 2));
            return g.Single("Reshape", [batchMajor, g.Int64s("rows_shape", 0, (long)steps * _frameSize)], output);
        }
    }
}
