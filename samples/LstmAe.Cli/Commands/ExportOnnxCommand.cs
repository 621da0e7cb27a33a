using System.CommandLine;
using LstmAe.Cli.Options;
using LstmAe.Model;
using LstmAe.Onnx;

namespace LstmAe.Cli.Commands;

/// <summary><c>lstmae export-onnx</c>: a model file's inference as an ONNX model that ONNX Runtime and ML.NET's
/// <c>ApplyOnnxModel</c> run without TorchSharp.</summary>
internal static class ExportOnnxCommand
{
    public static Command Create(TextWriter output)
    {
        var model = ModelOptions.CreateModelOption();
        var target = new OutputOptions("The ONNX file to write (*.onnx).");
        var features = new Option<EncoderFeatures>("--features")
        {
            Description = "Which encoder state the 'Features' output holds: LastLayerHidden, LastLayerHiddenAndCell, AllLayersHidden, AllLayersHiddenAndCell or LastLayerHiddenMeanOverTime.",
            DefaultValueFactory = _ => EncoderFeatures.LastLayerHiddenAndCell, // LstmAutoEncode's default
        };
        var withFuture = new Option<bool>("--input-with-future")
        {
            Description = "Input rows hold the input frames followed by the future frames (as a column a predicting model was trained on); only the input frames are read.",
        };
        var reconstruction = new Option<bool>("--reconstruction") { Description = "Add the 'Reconstruction' output (input frames rebuilt, pixel values)." };
        var reconstructionError = new Option<bool>("--reconstruction-error") { Description = "Add the 'ReconstructionError' output (mean squared error per pixel)." };
        var prediction = new Option<bool>("--prediction") { Description = "Add the 'Prediction' output (future frames, pixel values)." };
        var command = new Command("export-onnx", "Write a model's encoder (and optionally decoders) as an ONNX model: input 'Frames' [batch, frames x height x width], output 'Features'.")
        {
            model, features, withFuture, reconstruction, reconstructionError, prediction,
        };
        target.AddTo(command);
        command.SetAction(parsed =>
        {
            string path = target.File(parsed);
            using var autoEncoder = ModelFile.Load(parsed.GetRequiredValue(model));
            var export = new OnnxExportOptions
            {
                Features = parsed.GetValue(features),
                InputIncludesFutureFrames = parsed.GetValue(withFuture),
                IncludeReconstruction = parsed.GetValue(reconstruction),
                IncludeReconstructionError = parsed.GetValue(reconstructionError),
                IncludePrediction = parsed.GetValue(prediction),
            };
            try
            {
                autoEncoder.ExportOnnx(path, export);
            }
            catch (ArgumentException e)
            {
                throw new CliException(e.Message, ExitCodes.Usage);
            }
            LstmAutoEncoderModelOptions options = autoEncoder.Options;
            int frames = export.InputIncludesFutureFrames ? options.InputFrames + options.FutureFrames : options.InputFrames;
            output.WriteLine($"Wrote {parsed.GetRequiredValue(model)} as ONNX (opset {OnnxExportOptions.OpsetVersion}) to {path}.");
            output.WriteLine($"Input '{export.InputName}': [batch, {frames} x {options.FrameHeight} x {options.FrameWidth} = {(long)frames * options.FrameSize}] pixel values.");
            output.WriteLine($"Output '{export.FeaturesName}': [batch, {options.FeatureSize(export.Features)}] ({export.Features}).");
            if (options.MatrixPrecision != MatrixPrecision.Float32)
                output.WriteLine($"The model runs its products in {options.MatrixPrecision}; the ONNX model holds its float32 weights and runs in float32.");
            return ExitCodes.Success;
        });
        return command;
    }
}
