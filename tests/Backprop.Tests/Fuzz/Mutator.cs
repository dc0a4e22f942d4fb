using System.Buffers.Binary;
using System.Text;

namespace Backprop.Tests.Fuzz;

/// <summary>
/// A deterministic byte-level mutator (in the manner of AFL's havoc stage): from a seed, one to four stacked mutations of a
/// corpus file (bit flips, interesting bytes and 32-bit integers, inserted, deleted and duplicated runs, truncation,
/// splicing with another corpus file) plus JSON-aware ones (numbers replaced by 1e39, NaN, -0, huge integers; one
/// string copied over another). The same seed and corpus always give the same bytes, so a failure is replayed by its seed.
/// </summary>
internal static class Mutator
{
    private static readonly byte[] InterestingBytes = [0, 0xFF, 0x7F, 0x80, (byte)'"', (byte)',', (byte)'\n', (byte)'\r', (byte)'-', (byte)'9', (byte)'e', (byte)'.', (byte)';', 0xC3, 0xEF];

    private static readonly int[] InterestingInts = [0, 1, -1, 2, 255, 256, 65535, 65536, 0x7FFFFFFF, unchecked((int)0x80000000), 0x40000000, 0x7F000000, 50_000_000, 16_777_216];

    private static readonly string[] InterestingNumbers =
    [
        "1e39", "-1e39", "1e308", "1e309", "-0", "0", "-1", "NaN", "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "2147483648", "2000000000",
        "50000000", "99999999999999999999", "1.5", "5e-324", "-2.5", "1e-45", "0.0", "00", "1.", ".5", "+1", "9".PadRight(400, '9'),
    ];

    private static readonly string[] InterestingStrings = ["\"\"", "\" \"", "\"\\u0000\"", "\"\\ud800\"", "\"x\"", "null", "[]", "{}", "true"];

    /// <summary>The mutant of <paramref name="input"/> for <paramref name="seed"/>; <paramref name="steps"/> says what was done.</summary>
    public static byte[] Mutate(byte[] input, IReadOnlyList<byte[]> others, long seed, List<string> steps)
    {
        var rng = new Rng(seed);
        var data = new List<byte>(input);
        int count = 1 + rng.Next(4);
        for (int m = 0; m < count; m++)
        {
            steps.Add(MutateOnce(data, others, rng));
        }
        return [.. data];
    }

    private static string MutateOnce(List<byte> data, IReadOnlyList<byte[]> others, Rng rng)
    {
        int kind = rng.Next(12);
        if (data.Count == 0 && kind is not (5 or 8))
        {
            kind = 5;
        }
        switch (kind)
        {
            case 0:
            {
                int at = rng.Next(data.Count);
                int bit = rng.Next(8);
                data[at] ^= (byte)(1 << bit);
                return $"flip bit {bit} of byte {at}";
            }
            case 1:
            {
                int at = rng.Next(data.Count);
                byte value = InterestingBytes[rng.Next(InterestingBytes.Length)];
                data[at] = value;
                return $"set byte {at} to 0x{value:X2}";
            }
            case 2:
            {
                // Big-endian, as IDX headers are; mostly in the first 16 bytes, where an IDX header is.
                if (data.Count < 4)
                {
                    return "set int (too short)";
                }
                int at = rng.Next(rng.Next(2) == 0 ? Math.Min(13, data.Count - 3) : data.Count - 3);
                int value = InterestingInts[rng.Next(InterestingInts.Length)];
                Span<byte> word = stackalloc byte[4];
                BinaryPrimitives.WriteInt32BigEndian(word, value);
                for (int i = 0; i < 4; i++)
                {
                    data[at + i] = word[i];
                }
                return $"set int at {at} to {value}";
            }
            case 3:
            {
                int at = rng.Next(data.Count + 1);
                // Mostly short runs; sometimes one longer than a 16 KB buffer.
                int length = rng.Next(8) == 0 ? 16_000 + rng.Next(8_000) : 1 + rng.Next(64);
                bool random = rng.Next(2) == 0;
                byte fill = InterestingBytes[rng.Next(InterestingBytes.Length)];
                var run = new byte[length];
                for (int i = 0; i < length; i++)
                {
                    run[i] = random ? (byte)rng.Next(256) : fill;
                }
                data.InsertRange(at, run);
                return random ? $"insert {length} random bytes at {at}" : $"insert {length} × 0x{fill:X2} at {at}";
            }
            case 4:
            {
                int at = rng.Next(data.Count);
                int length = Math.Min(data.Count - at, 1 + rng.Next(rng.Next(4) == 0 ? 1024 : 16));
                data.RemoveRange(at, length);
                return $"delete {length} bytes at {at}";
            }
            case 5:
            {
                int length = data.Count == 0 ? 0 : rng.Next(data.Count);
                data.RemoveRange(length, data.Count - length);
                return $"truncate to {length} bytes";
            }
            case 6:
            {
                int from = rng.Next(data.Count);
                int length = Math.Min(data.Count - from, 1 + rng.Next(256));
                int to = rng.Next(data.Count + 1);
                byte[] run = [.. data.GetRange(from, length)];
                int times = rng.Next(4) == 0 ? 1 + rng.Next(64) : 1;
                for (int t = 0; t < times; t++)
                {
                    data.InsertRange(to, run);
                }
                return $"duplicate {length} bytes from {from} at {to}, {times} times";
            }
            case 7:
            {
                byte[] other = others[rng.Next(others.Count)];
                int keep = rng.Next(data.Count + 1);
                int from = rng.Next(other.Length + 1);
                data.RemoveRange(keep, data.Count - keep);
                data.AddRange(other.AsSpan(from).ToArray());
                return $"splice: first {keep} bytes, then another corpus file from byte {from}";
            }
            case 8 or 9:
                return ReplaceToken(data, rng, number: true);
            case 10:
                return ReplaceToken(data, rng, number: false);
            default:
                return CopyString(data, rng);
        }
    }

    /// <summary>Replaces a JSON number token (or a string/literal token) with an interesting one.</summary>
    private static string ReplaceToken(List<byte> data, Rng rng, bool number)
    {
        List<(int Start, int Length)> tokens = number ? NumberTokens(data) : StringTokens(data);
        if (tokens.Count == 0)
        {
            return number ? "no number to replace" : "no string to replace";
        }
        (int start, int length) = tokens[rng.Next(tokens.Count)];
        string replacement = number ? InterestingNumbers[rng.Next(InterestingNumbers.Length)] : InterestingStrings[rng.Next(InterestingStrings.Length)];
        data.RemoveRange(start, length);
        data.InsertRange(start, Encoding.UTF8.GetBytes(replacement));
        return $"replace the token at {start} with {(replacement.Length > 20 ? replacement[..20] + "…" : replacement)}";
    }

    /// <summary>Copies one string token over another: duplicate names, a class named like a feature.</summary>
    private static string CopyString(List<byte> data, Rng rng)
    {
        List<(int Start, int Length)> tokens = StringTokens(data);
        if (tokens.Count < 2)
        {
            return "too few strings to copy";
        }
        (int fromStart, int fromLength) = tokens[rng.Next(tokens.Count)];
        (int toStart, int toLength) = tokens[rng.Next(tokens.Count)];
        byte[] copy = [.. data.GetRange(fromStart, fromLength)];
        data.RemoveRange(toStart, toLength);
        data.InsertRange(toStart, copy);
        return $"copy the string at {fromStart} over the one at {toStart}";
    }

    private static List<(int, int)> NumberTokens(List<byte> data)
    {
        var tokens = new List<(int, int)>();
        int i = 0;
        while (i < data.Count)
        {
            byte b = data[i];
            bool starts = b is (byte)'-' or >= (byte)'0' and <= (byte)'9' && (i == 0 || !IsWordByte(data[i - 1]));
            if (!starts)
            {
                i++;
                continue;
            }
            int start = i;
            while (i < data.Count && data[i] is (byte)'-' or (byte)'+' or (byte)'.' or (byte)'e' or (byte)'E' or >= (byte)'0' and <= (byte)'9')
            {
                i++;
            }
            tokens.Add((start, i - start));
        }
        return tokens;
    }

    private static bool IsWordByte(byte b) => b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or (byte)'_' or >= (byte)'0' and <= (byte)'9';

    private static List<(int, int)> StringTokens(List<byte> data)
    {
        var tokens = new List<(int, int)>();
        int i = 0;
        while (i < data.Count)
        {
            if (data[i] != (byte)'"')
            {
                i++;
                continue;
            }
            int start = i++;
            while (i < data.Count && data[i] != (byte)'"')
            {
                i += data[i] == (byte)'\\' ? 2 : 1;
            }
            if (i >= data.Count)
            {
                break;
            }
            i++;
            tokens.Add((start, i - start));
        }
        return tokens;
    }
}
