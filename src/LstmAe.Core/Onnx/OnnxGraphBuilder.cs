using System.Buffers.Binary;
using Google.Protobuf;
using Onnx;

namespace LstmAe.Onnx;

/// <summary>
/// Adds nodes, constants and weights to an ONNX <see cref="GraphProto"/> (OnnxSharp's generated protobuf classes),
/// naming every intermediate tensor uniquely under <see cref="InternalPrefix"/>.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    /// <summary>Prefix of every tensor name the exporter makes up; user-chosen names may not start with it.</summary>
    public const string InternalPrefix = "lstmae/";

    private readonly Dictionary<string, int> _counters = new(StringComparer.Ordinal);

    /// <summary>The graph being built.</summary>
    public GraphProto Graph { get; } = new() { Name = "LstmAe" };

    /// <summary>Floats stored in weights and constants so far.</summary>
    public long StoredFloats { get; private set; }

    /// <summary>A fresh tensor name with <paramref name="hint"/> in it.</summary>
    public string Name(string hint)
    {
        _counters.TryGetValue(hint, out int count);
        _counters[hint] = count + 1;
        return count == 0 ? InternalPrefix + hint : $"{InternalPrefix}{hint}_{count}";
    }

    /// <summary>Adds a node of <paramref name="opType"/> and returns its outputs' names, fresh ones when
    /// <paramref name="outputs"/> is a count.</summary>
    public string[] Node(string opType, IEnumerable<string> inputs, int outputs, params AttributeProto[] attributes) =>
        Node(opType, inputs, Enumerable.Range(0, outputs).Select(i => Name($"{opType.ToLowerInvariant()}_out{i}")).ToArray(), attributes);

    /// <summary>Adds a node of <paramref name="opType"/> writing <paramref name="outputs"/>; returns them.</summary>
    public string[] Node(string opType, IEnumerable<string> inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = Name(opType.ToLowerInvariant()) };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return outputs;
    }

    /// <summary>A node with one output; returns its name (fresh unless <paramref name="output"/> is given).</summary>
    public string Single(string opType, IEnumerable<string> inputs, string? output = null, params AttributeProto[] attributes) =>
        output is null ? Node(opType, inputs, 1, attributes)[0] : Node(opType, inputs, [output], attributes)[0];

    /// <summary>Adds a float32 initializer of <paramref name="dims"/> holding <paramref name="values"/> (row-major).</summary>
    public string Floats(string hint, ReadOnlySpan<float> values, params long[] dims)
    {
        long count = dims.Aggregate(1L, (a, b) => a * b);
        if (count != values.Length)
            throw new InvalidOperationException($"Initializer '{hint}' has {values.Length} values for shape [{string.Join(", ", dims)}].");
        var bytes = new byte[checked(values.Length * sizeof(float))];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        var tensor = new TensorProto { Name = Name(hint), DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(dims);
        Graph.Initializer.Add(tensor);
        StoredFloats += values.Length;
        return tensor.Name;
    }

    /// <summary>Adds a 1-D int64 initializer (shapes, axes, indices).</summary>
    public string Int64s(string hint, params long[] values)
    {
        var tensor = new TensorProto { Name = Name(hint), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Declares a float32 graph input or output named <paramref name="name"/> of shape
    /// [batch, <paramref name="dims"/>...], the batch dimension symbolic.</summary>
    public static ValueInfoProto FloatValue(string name, params long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        foreach (long dim in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = dim });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    /// <summary>An integer attribute.</summary>
    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>An integer list attribute.</summary>
    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>A tensor attribute holding one float32 (ConstantOfShape's value).</summary>
    public static AttributeProto FloatScalarTensor(string name, float value)
    {
        var tensor = new TensorProto { DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.Add(1);
        tensor.FloatData.Add(value);
        return new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = tensor };
    }
}
