using System.Buffers.Binary;
using System.IO.Compression;

namespace Backprop.Data;

/// <summary>
/// Whether gzip data that decompressed without an error really ended, or was cut short. The decompressor underneath
/// <see cref="GZipStream"/> checks each member's trailer (CRC-32 and length) when it reaches it, but where the input
/// simply stops inside a member it reports the end of the content, silently: a CSV file cut at a line end would lose
/// its last rows, one cut inside a number would end in a shorter one. A complete member ends in an 8-byte trailer:
/// the CRC-32 of its content, then its length modulo 2³², little-endian (RFC 1952).
/// </summary>
internal static class GzipEnd
{
    /// <summary>
    /// The quick test, for input read to its end: whether its last 4 bytes, a single member's recorded length, equal
    /// the length of everything that came out, modulo 2³². Data cut short ends inside the compressed stream, whose last
    /// 4 bytes match by chance once in 2³² cuts. A file of several members, or with bytes after its last member, fails
    /// this test too; <see cref="Complete"/> then decides.
    /// </summary>
    public static bool RecordsLength(ReadOnlySpan<byte> lastBytes, long contentLength)
        => lastBytes.Length >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(lastBytes[^4..]) == (uint)contentLength;

    /// <summary>
    /// The thorough test, for a file that can be read again: whether its last gzip member is whole. The candidates are
    /// the places where a member can start (1f 8b 08 and a flag byte with its reserved bits clear), from the last: a
    /// candidate passes when it decompresses without an error and its content's CRC-32 and length, as a trailer,
    /// follow it in the file, so that after the trailer there is at most something the decompressor skips. A cut
    /// member has no such trailer (its content stops where the input does); a candidate that is only those bytes by
    /// chance, inside compressed data, fails to decompress or does not find its trailer. The earlier members were read
    /// whole by the first pass: the decompressor goes on to a next member only when the one before it ended.
    /// </summary>
    public static bool Complete(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        List<long> starts = MemberStarts(file);
        for (int i = starts.Count - 1; i >= 0; i--)
        {
            if (MemberEndsWithTrailer(file, starts[i]))
            {
                return true;
            }
        }
        return false;
    }

    // Every offset where a gzip member could start: the magic bytes, deflate as the method, no reserved flag bit.
    private static List<long> MemberStarts(FileStream file)
    {
        var starts = new List<long>();
        var buffer = new byte[1 << 20];
        long offset = 0;
        int kept = 0;
        file.Position = 0;
        while (true)
        {
            int n = file.Read(buffer, kept, buffer.Length - kept);
            int have = kept + n;
            int last = n == 0 ? have : have - 3;
            for (int i = 0; i + 3 < have && i < last; i++)
            {
                if (buffer[i] == 0x1f && buffer[i + 1] == 0x8b && buffer[i + 2] == 8 && (buffer[i + 3] & 0xE0) == 0)
                {
                    starts.Add(offset + i);
                }
            }
            if (n == 0)
            {
                return starts;
            }
            // The last three bytes may begin a signature that the next read completes.
            int carry = Math.Min(3, have);
            Array.Copy(buffer, have - carry, buffer, 0, carry);
            offset += have - carry;
            kept = carry;
        }
    }

    // Decompresses from `start` to the end of the file and looks for the content's trailer after `start`.
    private static bool MemberEndsWithTrailer(FileStream file, long start)
    {
        uint crc;
        long length = 0;
        file.Position = start;
        try
        {
            using var member = new GZipStream(file, CompressionMode.Decompress, leaveOpen: true);
            var crc32 = new Crc32();
            var buffer = new byte[1 << 16];
            int n;
            while ((n = member.Read(buffer)) > 0)
            {
                crc32.Append(buffer.AsSpan(0, n));
                length += n;
            }
            crc = crc32.Value;
        }
        catch (InvalidDataException)
        {
            return false;
        }
        Span<byte> trailer = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, crc);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer[4..], (uint)length);
        return Contains(file, start + 12, trailer);
    }

    // Whether `pattern` occurs in the file at or after `from`.
    private static bool Contains(FileStream file, long from, ReadOnlySpan<byte> pattern)
    {
        if (from >= file.Length)
        {
            return false;
        }
        file.Position = from;
        var buffer = new byte[1 << 20];
        int kept = 0;
        while (true)
        {
            int n = file.Read(buffer, kept, buffer.Length - kept);
            int have = kept + n;
            if (buffer.AsSpan(0, have).IndexOf(pattern) >= 0)
            {
                return true;
            }
            if (n == 0)
            {
                return false;
            }
            int carry = Math.Min(pattern.Length - 1, have);
            Array.Copy(buffer, have - carry, buffer, 0, carry);
            kept = carry;
        }
    }
}

/// <summary>
/// The CRC-32 of gzip, zip and PNG (reflected polynomial 0xEDB88320, initial value and final XOR 0xFFFFFFFF), a byte at
/// a time through a 256-entry table. Only the check of a gzip file's end uses it, on the rare files that need it.
/// </summary>
internal sealed class Crc32
{
    private static readonly uint[] s_table = BuildTable();

    private uint _state = 0xFFFFFFFF;

    /// <summary>The CRC-32 of everything appended so far.</summary>
    public uint Value => ~_state;

    /// <summary>Adds <paramref name="data"/> to the checksum.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        uint state = _state;
        foreach (byte b in data)
        {
            state = s_table[(byte)(state ^ b)] ^ (state >> 8);
        }
        _state = state;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }
            table[i] = c;
        }
        return table;
    }
}
