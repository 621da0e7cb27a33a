using LstmAe.Model;
using LstmAe.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LstmAe.Core.Tests.TestSupport;

/// <summary>Runs an exported model in ONNX Runtime, an engine independent of libtorch.</summary>
internal sealed class OnnxRuntimeScorer : IDisposable
{
    private readonly InferenceSession _session;

    private OnnxRuntimeScorer(byte[] model)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        _session = new InferenceSession(model, options);
    }

    /// <summary>Exports <paramref name="model"/> with <paramref name="export"/> (in memory) and loads it.</summary>
    public static OnnxRuntimeScorer Export(LstmAutoEncoder model, OnnxExportOptions export)
    {
        using var stream = new MemoryStream();
        model.ExportOnnx(stream, export);
        return new OnnxRuntimeScorer(stream.ToArray());
    }

    /// <summary>Loads a file written by <c>ExportOnnx</c>.</summary>
    public static OnnxRuntimeScorer Load(string path) => new(File.ReadAllBytes(path));

    public IReadOnlyDictionary<string, NodeMetadata> InputMetadata => _session.InputMetadata;

    public IReadOnlyDictionary<string, NodeMetadata> OutputMetadata => _session.OutputMetadata;

    /// <summary>Runs the graph on <paramref name="batch"/> rows of <paramref name="rows"/>; every output as floats.</summary>
    public Dictionary<string, float[]> Run(string inputName, float[] rows, int batch)
    {
        var input = new DenseTensor<float>(rows, [batch, rows.Length / batch]);
        using var results = _session.Run([NamedOnnxValue.CreateFromTensor(inputName, input)]);
        return results.ToDictionary(r => r.Name, r => r.AsTensor<float>().ToArray());
    }

    public void Dispose() => _session.Dispose();
}
