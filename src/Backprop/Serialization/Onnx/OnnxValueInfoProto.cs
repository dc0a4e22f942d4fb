namespace Backprop.Serialization.Onnx;

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
