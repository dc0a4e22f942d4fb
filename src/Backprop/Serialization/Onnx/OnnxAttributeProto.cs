namespace Backprop.Serialization.Onnx;

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
