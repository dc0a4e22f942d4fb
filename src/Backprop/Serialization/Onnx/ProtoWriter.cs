using System.Buffers.Binary;
using System.Text;

namespace Backprop.Serialization.Onnx;

/// <summary>
/// Writes protocol-buffer messages field by field (wire format only: varints, fixed32 and length-delimited fields).
/// Enough for the handful of ONNX messages an exported model needs; nested messages are built in their own writer and
/// copied in with their length.
/// </summary>
internal sealed class ProtoWriter
{
    private const int Varint = 0;
    private const int LengthDelimited = 2;
    private const int Fixed32 = 5;
    private readonly MemoryStream _buffer = new();

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> Written => _buffer.GetBuffer().AsSpan(0, (int)_buffer.Length);

    /// <summary>An int32, int64 or enum field; negative values take ten bytes, as protobuf specifies.</summary>
    public void Int(int field, long value)
    {
        Tag(field, Varint);
        WriteVarint((ulong)value);
    }

    /// <summary>A float field (fixed32, little-endian).</summary>
    public void Float(int field, float value)
    {
        Tag(field, Fixed32);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        _buffer.Write(bytes);
    }

    /// <summary>A string field, UTF-8.</summary>
    public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>A bytes field.</summary>
    public void Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, LengthDelimited);
        WriteVarint((ulong)value.Length);
        _buffer.Write(value);
    }

    /// <summary>An embedded message, written by <paramref name="write"/> into a writer of its own.</summary>
    public void Message(int field, Action<ProtoWriter> write)
    {
        var child = new ProtoWriter();
        write(child);
        Bytes(field, child.Written);
    }

    /// <summary>A repeated int64 field, packed.</summary>
    public void PackedInts(int field, IEnumerable<long> values)
    {
        var child = new ProtoWriter();
        foreach (long v in values)
        {
            child.WriteVarint((ulong)v);
        }
        Bytes(field, child.Written);
    }

    /// <summary>Floats as little-endian bytes (TensorProto.raw_data).</summary>
    public void RawFloats(int field, ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }
        Bytes(field, bytes);
    }

    private void Tag(int field, int wireType) => WriteVarint((ulong)((field << 3) | wireType));

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _buffer.WriteByte((byte)value);
    }
}
