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
