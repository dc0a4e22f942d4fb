namespace Backprop.Serialization.Onnx;

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
