namespace Backprop.Serialization.Onnx;

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
