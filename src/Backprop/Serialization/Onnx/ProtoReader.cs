using System.Buffers.Binary;
using System.Text;

namespace Backprop.Serialization.Onnx;

/// <summary>
/// Reads protocol-buffer wire format from memory, field by field. Every length is checked against what is left, so a
/// truncated or hostile file ends in one <see cref="InvalidDataException"/> naming the file and the message being read,
/// never an out-of-range read or a huge allocation.
/// </summary>
internal sealed class ProtoReader
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;

    private readonly ReadOnlyMemory<byte> _data;
    private readonly string _source;
    private readonly string _what;
    private int _position;

    public ProtoReader(ReadOnlyMemory<byte> data, string source, string what)
    {
        _data = data;
        _source = source;
        _what = what;
    }

    /// <summary>Whether any field is left.</summary>
    public bool More => _position < _data.Length;

    /// <summary>The next field's number and wire type.</summary>
    public (int Field, int WireType) Tag()
    {
        ulong tag = ReadVarint();
        int field = (int)Math.Min(tag >> 3, int.MaxValue);
        int wireType = (int)(tag & 7);
        if (field == 0 || wireType is 3 or 4 or 6 or 7)
        {
            throw Bad($"field {field} has wire type {wireType}");
        }
        return (field, wireType);
    }

    /// <summary>A varint field's value as int64 (int32 and enum fields too).</summary>
    public long Int64(int wireType)
    {
        Expect(wireType, Varint);
        return (long)ReadVarint();
    }

    /// <summary>A float field (fixed32).</summary>
    public float Float(int wireType)
    {
        Expect(wireType, Fixed32);
        return BinaryPrimitives.ReadSingleLittleEndian(Take(4).Span);
    }

    /// <summary>A bytes field.</summary>
    public ReadOnlyMemory<byte> Bytes(int wireType)
    {
        Expect(wireType, LengthDelimited);
        ulong length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw Bad($"a field claims {length} bytes but only {_data.Length - _position} are left");
        }
        return Take((int)length);
    }

    /// <summary>A string field (UTF-8, checked).</summary>
    public string String(int wireType)
    {
        ReadOnlyMemory<byte> bytes = Bytes(wireType);
        try
        {
            return new UTF8Encoding(false, true).GetString(bytes.Span);
        }
        catch (DecoderFallbackException)
        {
            throw Bad("a string is not valid UTF-8");
        }
    }

    /// <summary>An embedded message.</summary>
    public ProtoReader Message(int wireType, string what) => new(Bytes(wireType), _source, what);

    /// <summary>A repeated int64 field, packed (length-delimited) or one value.</summary>
    public void Int64s(int wireType, List<long> into)
    {
        if (wireType == Varint)
        {
            into.Add((long)ReadVarint());
            return;
        }
        var packed = new ProtoReader(Bytes(wireType), _source, _what);
        while (packed.More)
        {
            into.Add((long)packed.ReadVarint());
        }
    }

    /// <summary>A repeated float field, packed or one value.</summary>
    public void Floats(int wireType, List<float> into)
    {
        if (wireType == Fixed32)
        {
            into.Add(BinaryPrimitives.ReadSingleLittleEndian(Take(4).Span));
            return;
        }
        ReadOnlyMemory<byte> bytes = Bytes(wireType);
        if (bytes.Length % 4 != 0)
        {
            throw Bad($"packed floats of {bytes.Length} bytes");
        }
        for (int i = 0; i < bytes.Length; i += 4)
        {
            into.Add(BinaryPrimitives.ReadSingleLittleEndian(bytes.Span.Slice(i, 4)));
        }
    }

    /// <summary>Passes over a field this reader does not use.</summary>
    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case Varint: ReadVarint(); break;
            case Fixed64: Take(8); break;
            case LengthDelimited: Bytes(wireType); break;
            case Fixed32: Take(4); break;
            default: throw Bad($"wire type {wireType}");
        }
    }

    /// <summary>An error naming the file and the message being read.</summary>
    public InvalidDataException Bad(string problem) => new($"{_source}: not a valid ONNX file ({_what}: {problem})");

    private void Expect(int wireType, int expected)
    {
        if (wireType != expected)
        {
            throw Bad($"wire type {wireType} where {expected} was expected");
        }
    }

    private ReadOnlyMemory<byte> Take(int count)
    {
        if (count > _data.Length - _position)
        {
            throw Bad("the data ends in the middle of a field (truncated)");
        }
        ReadOnlyMemory<byte> slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }

    private ulong ReadVarint()
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw Bad("the data ends in the middle of a number (truncated)");
            }
            byte b = _data.Span[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
        throw Bad("a number is longer than ten bytes");
    }
}
