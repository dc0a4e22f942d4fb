using System.Buffers.Binary;

namespace Backprop.Serialization.Onnx;

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
