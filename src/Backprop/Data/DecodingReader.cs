using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Backprop.Data;

/// <summary>
/// Turns an input's bytes into text in one <see cref="TextEncoding"/>, strictly: a byte sequence that is not valid in
/// that encoding is an <see cref="InvalidDataException"/> naming the source, the line and the byte offset, never a
/// silent U+FFFD (which would merge "café" and "cafè" into one class). A UTF-8 byte-order mark is skipped; a UTF-16
/// one switches to UTF-16. The stream stays open (the caller owns it).
/// </summary>
internal sealed class DecodingReader : TextReader
{
    private const int BlockBytes = 1 << 16;

    // Windows-1252 differs from Latin-1 only in 0x80–0x9F; its five unassigned bytes keep their C1 code points, as
    // Windows itself does.
    private static readonly char[] Windows1252High =
    [
        '\u20AC', '\u0081', '\u201A', '\u0192', '\u201E', '\u2026', '\u2020', '\u2021', '\u02C6', '\u2030', '\u0160', '\u2039', '\u0152', '\u008D', '\u017D', '\u008F',
        '\u0090', '\u2018', '\u2019', '\u201C', '\u201D', '\u2022', '\u2013', '\u2014', '\u02DC', '\u2122', '\u0161', '\u203A', '\u0153', '\u009D', '\u017E', '\u0178',
    ];

    private readonly Stream _stream;
    private readonly string _source;
    private readonly byte[] _bytes = new byte[BlockBytes];
    private readonly char[] _chars = new char[BlockBytes];
    private TextEncoding _encoding;
    private Decoder? _utf16;
    private int _byteStart;
    private int _byteEnd;
    private bool _endOfInput;
    private int _charStart;
    private int _charEnd;
    private long _offset;
    private long _line = 1;

    public DecodingReader(InputStream stream, string source, TextEncoding encoding)
    {
        _stream = stream;
        _source = source;
        _encoding = encoding;
        ReadOnlySpan<byte> start = stream.Peek(3);
        if (start.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) && encoding == TextEncoding.Utf8)
        {
            Skip(stream, 3);
        }
        else if (HasUtf16Mark(start) && encoding == TextEncoding.Utf8)
        {
            _utf16 = new UnicodeEncoding(bigEndian: start[0] == 0xFE, byteOrderMark: false, throwOnInvalidBytes: true).GetDecoder();
            Skip(stream, 2);
        }
    }

    /// <summary>True when the input has a UTF-16 byte-order mark (its text then has no NUL bytes to speak of).</summary>
    public static bool HasUtf16Mark(ReadOnlySpan<byte> start)
        => start.Length >= 2 && ((start[0] == 0xFF && start[1] == 0xFE) || (start[0] == 0xFE && start[1] == 0xFF));

    private void Skip(Stream stream, int count)
    {
        stream.ReadExactly(_bytes.AsSpan(0, count));
        _offset = count;
    }

    public override int Peek() => Fill() ? _chars[_charStart] : -1;

    public override int Read() => Fill() ? _chars[_charStart++] : -1;

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        if (buffer.IsEmpty || !Fill())
        {
            return 0;
        }
        int n = Math.Min(buffer.Length, _charEnd - _charStart);
        _chars.AsSpan(_charStart, n).CopyTo(buffer);
        _charStart += n;
        return n;
    }

    /// <summary>Decodes the next block when the decoded text is used up; false at the end of the input.</summary>
    private bool Fill()
    {
        while (_charStart == _charEnd)
        {
            if (_byteStart == _byteEnd && _endOfInput)
            {
                return false;
            }
            if (!_endOfInput && _byteEnd - _byteStart < 4)
            {
                // Move a partial character to the front and read more behind it.
                _bytes.AsSpan(_byteStart, _byteEnd - _byteStart).CopyTo(_bytes);
                _byteEnd -= _byteStart;
                _byteStart = 0;
                int n = _stream.Read(_bytes.AsSpan(_byteEnd));
                _endOfInput = n == 0;
                _byteEnd += n;
            }
            _charStart = 0;
            _charEnd = 0;
            Decode();
        }
        return true;
    }

    private void Decode()
    {
        ReadOnlySpan<byte> bytes = _bytes.AsSpan(_byteStart, _byteEnd - _byteStart);
        int read;
        if (_utf16 is not null)
        {
            try
            {
                _utf16.Convert(bytes, _chars, _endOfInput, out read, out _charEnd, out _);
            }
            catch (DecoderFallbackException e)
            {
                throw Invalid("UTF-16", Math.Max(0, e.Index), e.BytesUnknown);
            }
        }
        else if (_encoding == TextEncoding.Utf8)
        {
            OperationStatus status = Utf8.ToUtf16(bytes, _chars, out read, out _charEnd, replaceInvalidSequences: false, isFinalBlock: _endOfInput);
            if (status == OperationStatus.InvalidData)
            {
                Rune.DecodeFromUtf8(bytes[read..], out _, out int length);
                throw Invalid("UTF-8", read, bytes.Slice(read, Math.Max(1, length)).ToArray());
            }
        }
        else
        {
            read = Math.Min(bytes.Length, _chars.Length);
            for (int i = 0; i < read; i++)
            {
                byte b = bytes[i];
                _chars[i] = _encoding == TextEncoding.Windows1252 && b is >= 0x80 and <= 0x9F ? Windows1252High[b - 0x80] : (char)b;
            }
            _charEnd = read;
        }
        _line += bytes[..read].Count((byte)'\n');
        _offset += read;
        _byteStart += read;
    }

    private InvalidDataException Invalid(string encoding, int index, byte[]? found)
    {
        ReadOnlySpan<byte> bytes = _bytes.AsSpan(_byteStart, _byteEnd - _byteStart);
        long line = _line + bytes[..index].Count((byte)'\n');
        string what = found is { Length: > 0 } ? $" ({string.Join(" ", found.Select(b => $"0x{b:X2}"))})" : "";
        string hint = encoding == "UTF-8" ? "; if the file is in another encoding, give it with --encoding latin1 or --encoding windows-1252" : "";
        return new InvalidDataException($"{_source}: line {line}, byte offset {_offset + index}: invalid {encoding}{what}{hint}");
    }
}
