using System.Buffers.Binary;

namespace Backprop.Serialization.Onnx;

/// <summary>The parts of an ONNX ModelProto the importer reads; everything else in the file is skipped.</summary>
internal sealed record OnnxModelProto(long IrVersion, IReadOnlyDictionary<string, long> Opsets, string ProducerName, OnnxGraphProto Graph,
    IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>Decodes a whole file; <paramref name="source"/> names it in errors.</summary>
    public static OnnxModelProto Parse(ReadOnlyMemory<byte> bytes, string source)
    {
        if (bytes.IsEmpty)
        {
            throw new InvalidDataException($"{source}: the ONNX file is empty");
        }
        var r = new ProtoReader(bytes, source, "ModelProto");
        long ir = 0;
        var opsets = new Dictionary<string, long>(StringComparer.Ordinal);
        string producer = "";
        OnnxGraphProto? graph = null;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        while (r.More)
        {
            (int field, int wire) = r.Tag();
            switch (field)
            {
                case OnnxProto.Model.IrVersion: ir = r.Int64(wire); break;
                case OnnxProto.Model.ProducerName: producer = r.String(wire); break;
                case OnnxProto.Model.Graph: graph = OnnxGraphProto.Parse(r.Message(wire, "GraphProto")); break;
                case OnnxProto.Model.OpsetImport:
                    {
                        ProtoReader o = r.Message(wire, "OperatorSetIdProto");
                        string domain = "";
                        long version = 0;
                        while (o.More)
                        {
                            (int f, int w) = o.Tag();
                            switch (f)
                            {
                                case OnnxProto.OperatorSet.Domain: domain = o.String(w); break;
                                case OnnxProto.OperatorSet.Version: version = o.Int64(w); break;
                                default: o.Skip(w); break;
                            }
                        }
                        opsets[domain == "ai.onnx" ? "" : domain] = version;
                        break;
                    }
                case OnnxProto.Model.MetadataProps:
                    {
                        ProtoReader e = r.Message(wire, "StringStringEntryProto");
                        string key = "", value = "";
                        while (e.More)
                        {
                            (int f, int w) = e.Tag();
                            switch (f)
                            {
                                case OnnxProto.StringEntry.Key: key = e.String(w); break;
                                case OnnxProto.StringEntry.Value: value = e.String(w); break;
                                default: e.Skip(w); break;
                            }
                        }
                        metadata[key] = value;
                        break;
                    }
                default: r.Skip(wire); break;
            }
        }
        if (graph is null || ir <= 0)
        {
            throw new InvalidDataException($"{source}: not an ONNX model (no {(graph is null ? "graph" : "IR version")})");
        }
        return new OnnxModelProto(ir, opsets, producer, graph, metadata);
    }
}

/// <summary>A graph: nodes in topological order, initializers (constant tensors, here the weights), inputs and outputs.</summary>
internal sealed record OnnxGraphProto(IReadOnlyList<OnnxNodeProto> Nodes, IReadOnlyDictionary<string, OnnxTensorProto> Initializers,
    IReadOnlyList<OnnxValueInfoProto> Inputs, IReadOnlyList<OnnxValueInfoProto> Outputs)
{
    public static OnnxGraphProto Parse(ProtoReader r)
    {
        var nodes = new List<OnnxNodeProto>();
        var initializers = new Dictionary<string, OnnxTensorProto>(StringComparer.Ordinal);
        var inputs = new List<OnnxValueInfoProto>();
        var outputs = new List<OnnxValueInfoProto>();
        while (r.More)
        {
            (int field, int wire) = r.Tag();
            switch (field)
            {
                case OnnxProto.Graph.Node: nodes.Add(OnnxNodeProto.Parse(r.Message(wire, $"node {nodes.Count + 1}"))); break;
                case OnnxProto.Graph.Initializer:
                    OnnxTensorProto t = OnnxTensorProto.Parse(r.Message(wire, $"initializer {initializers.Count + 1}"));
                    initializers[t.Name] = t;
                    break;
                case OnnxProto.Graph.Input: inputs.Add(OnnxValueInfoProto.Parse(r.Message(wire, "graph input"))); break;
                case OnnxProto.Graph.Output: outputs.Add(OnnxValueInfoProto.Parse(r.Message(wire, "graph output"))); break;
                default: r.Skip(wire); break;
            }
        }
        return new OnnxGraphProto(nodes, initializers, inputs, outputs);
    }
}

/// <summary>One operator application.</summary>
internal sealed record OnnxNodeProto(string Name, string OpType, string Domain, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs,
    IReadOnlyDictionary<string, OnnxAttributeProto> Attributes)
{
    /// <summary>How errors name the node: "'name' (OpType)", or the op type alone for an unnamed node.</summary>
    public string Describe() => Name.Length > 0 ? $"'{Name}' ({OpType})" : OpType;

    public static OnnxNodeProto Parse(ProtoReader r)
    {
        string name = "", op = "", domain = "";
        var inputs = new List<string>();
        var outputs = new List<string>();
        var attributes = new Dictionary<string, OnnxAttributeProto>(StringComparer.Ordinal);
        while (r.More)
        {
            (int field, int wire) = r.Tag();
            switch (field)
            {
                case OnnxProto.Node.Input: inputs.Add(r.String(wire)); break;
                case OnnxProto.Node.Output: outputs.Add(r.String(wire)); break;
                case OnnxProto.Node.Name: name = r.String(wire); break;
                case OnnxProto.Node.OpType: op = r.String(wire); break;
                case OnnxProto.Node.Domain: domain = r.String(wire); break;
                case OnnxProto.Node.Attribute:
                    OnnxAttributeProto a = OnnxAttributeProto.Parse(r.Message(wire, "attribute"));
                    attributes[a.Name] = a;
                    break;
                default: r.Skip(wire); break;
            }
        }
        return new OnnxNodeProto(name, op, domain == "ai.onnx" ? "" : domain, inputs, outputs, attributes);
    }
}

/// <summary>A node attribute; only the scalar and list kinds an MLP uses are kept.</summary>
internal sealed record OnnxAttributeProto(string Name, float F, long I, string S, IReadOnlyList<long> Ints, IReadOnlyList<float> Floats)
{
    public static OnnxAttributeProto Parse(ProtoReader r)
    {
        string name = "", s = "";
        float f = 0;
        long i = 0;
        var ints = new List<long>();
        var floats = new List<float>();
        while (r.More)
        {
            (int field, int wire) = r.Tag();
            switch (field)
            {
                case OnnxProto.Attribute.Name: name = r.String(wire); break;
                case OnnxProto.Attribute.F: f = r.Float(wire); break;
                case OnnxProto.Attribute.I: i = r.Int64(wire); break;
                case OnnxProto.Attribute.S: s = r.String(wire); break;
                case OnnxProto.Attribute.Ints: r.Int64s(wire, ints); break;
                case OnnxProto.Attribute.Floats: r.Floats(wire, floats); break;
                default: r.Skip(wire); break;
            }
        }
        return new OnnxAttributeProto(name, f, i, s, ints, floats);
    }
}

/// <summary>A graph input or output: its name, element type and dimensions (null for a symbolic one such as the batch).</summary>
internal sealed record OnnxValueInfoProto(string Name, int ElementType, IReadOnlyList<long?> Dims)
{
    public static OnnxValueInfoProto Parse(ProtoReader r)
    {
        string name = "";
        int elementType = 0;
        var dims = new List<long?>();
        while (r.More)
        {
            (int field, int wire) = r.Tag();
            if (field == OnnxProto.ValueInfo.Name)
            {
                name = r.String(wire);
            }
            else if (field == OnnxProto.ValueInfo.Type)
            {
                ProtoReader type = r.Message(wire, "TypeProto");
                while (type.More)
                {
                    (int tf, int tw) = type.Tag();
                    if (tf != OnnxProto.Type.TensorType)
                    {
                        type.Skip(tw);
                        continue;
                    }
                    ProtoReader tensor = type.Message(tw, "TypeProto.Tensor");
                    while (tensor.More)
                    {
                        (int f, int w) = tensor.Tag();
                        if (f == OnnxProto.TensorType.ElemType)
                        {
                            elementType = (int)tensor.Int64(w);
                        }
                        else if (f == OnnxProto.TensorType.Shape)
                        {
                            ProtoReader shape = tensor.Message(w, "TensorShapeProto");
                            while (shape.More)
                            {
                                (int sf, int sw) = shape.Tag();
                                if (sf != OnnxProto.Shape.Dim)
                                {
                                    shape.Skip(sw);
                                    continue;
                                }
                                ProtoReader dim = shape.Message(sw, "Dimension");
                                long? value = null;
                                while (dim.More)
                                {
                                    (int df, int dw) = dim.Tag();
                                    if (df == OnnxProto.Dimension.Value)
                                    {
                                        value = dim.Int64(dw);
                                    }
                                    else
                                    {
                                        dim.Skip(dw);
                                    }
                                }
                                dims.Add(value);
                            }
                        }
                        else
                        {
                            tensor.Skip(w);
                        }
                    }
                }
            }
            else
            {
                r.Skip(wire);
            }
        }
        return new OnnxValueInfoProto(name, elementType, dims);
    }
}

/// <summary>A constant tensor (an initializer). Its values are decoded on demand, after its size is checked.</summary>
internal sealed record OnnxTensorProto(string Name, IReadOnlyList<long> Dims, int DataType, ReadOnlyMemory<byte> Raw, IReadOnlyList<float> FloatData,
    IReadOnlyList<long> Int64Data, bool External)
{
    public static OnnxTensorProto Parse(ProtoReader r)
    {
        string name = "";
        int dataType = 0;
        bool external = false;
        ReadOnlyMemory<byte> raw = default;
        var dims = new List<long>();
        var floats = new List<float>();
        var longs = new List<long>();
        while (r.More)
        {
            (int field, int wire) = r.Tag();
            switch (field)
            {
                case OnnxProto.Tensor.Dims: r.Int64s(wire, dims); break;
                case OnnxProto.Tensor.DataType: dataType = (int)r.Int64(wire); break;
                case OnnxProto.Tensor.FloatData: r.Floats(wire, floats); break;
                case OnnxProto.Tensor.Int64Data: r.Int64s(wire, longs); break;
                case OnnxProto.Tensor.Name: name = r.String(wire); break;
                case OnnxProto.Tensor.RawData: raw = r.Bytes(wire); break;
                case OnnxProto.Tensor.DataLocation: external = r.Int64(wire) == 1; break;
                default: r.Skip(wire); break;
            }
        }
        return new OnnxTensorProto(name, dims, dataType, raw, floats, longs, external);
    }

    /// <summary>The number of elements, or -1 when a dimension is negative or the product overflows.</summary>
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (long d in Dims)
            {
                if (d < 0 || (d != 0 && n > int.MaxValue / d))
                {
                    return -1;
                }
                n *= d;
            }
            return n;
        }
    }

    /// <summary>The values of a float tensor, row-major.</summary>
    /// <exception cref="InvalidDataException">It is not float, is stored outside the file, or its data and shape disagree.</exception>
    public float[] Floats(string source)
    {
        if (External)
        {
            throw new InvalidDataException($"{source}: initializer '{Name}' is stored in an external file, which import does not read");
        }
        if (DataType != OnnxProto.Float)
        {
            throw new InvalidDataException($"{source}: initializer '{Name}' has ONNX data type {DataType}; import reads float (1) weights");
        }
        long count = ElementCount;
        long stored = Raw.IsEmpty ? FloatData.Count : Raw.Length / 4;
        if (count < 0 || count != stored || (!Raw.IsEmpty && Raw.Length % 4 != 0))
        {
            throw new InvalidDataException($"{source}: initializer '{Name}' has shape [{string.Join(", ", Dims)}] but holds {(Raw.IsEmpty ? FloatData.Count + " floats" : Raw.Length + " bytes")}");
        }
        var values = new float[count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Raw.IsEmpty ? FloatData[i] : BinaryPrimitives.ReadSingleLittleEndian(Raw.Span.Slice(i * 4, 4));
            if (!float.IsFinite(values[i]))
            {
                throw new InvalidDataException($"{source}: initializer '{Name}' value {i} is not finite");
            }
        }
        return values;
    }
}
