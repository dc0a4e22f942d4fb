using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Backprop.Cli.Commands;

/// <summary>
/// Identifies the data a run trained on: the row count and a SHA-256 of every value as read (features, labels, column
/// and class names), before splitting and scaling. Two loads of the same file give the same fingerprint; a file with
/// one changed cell, another row order or another label column does not.
/// </summary>
internal sealed record DataFingerprint(long Rows, string Sha256)
{
    /// <summary>No fingerprint (nothing to compare).</summary>
    public static DataFingerprint None { get; } = new(0, "");

    /// <summary>The fingerprint of <paramref name="data"/> followed by <paramref name="test"/> (a data set's own test set), when there is one.</summary>
    public static DataFingerprint Of(Dataset<float> data, Dataset<float>? test)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Add(hash, data);
        if (test is not null)
        {
            Add(hash, test);
        }
        return new DataFingerprint(data.Count + (long)(test?.Count ?? 0), Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private static void Add(IncrementalHash hash, Dataset<float> data)
    {
        Span<byte> number = stackalloc byte[8];
        foreach (long n in new long[] { data.Count, data.FeatureCount, data.OutputCount })
        {
            BinaryPrimitives.WriteInt64LittleEndian(number, n);
            hash.AppendData(number);
        }
        foreach (string name in data.FeatureNames.Append(data.LabelName).Concat(data.ClassNames))
        {
            // Length-prefixed, so ["ab", "c"] and ["a", "bc"] differ.
            BinaryPrimitives.WriteInt64LittleEndian(number, name.Length);
            hash.AppendData(number);
            hash.AppendData(Encoding.UTF8.GetBytes(name));
        }
        // The values' bytes in memory order: little-endian on every platform .NET runs on.
        hash.AppendData(MemoryMarshal.AsBytes(data.Features));
        if (data.IsClassification)
        {
            hash.AppendData(MemoryMarshal.AsBytes(data.Labels));
        }
    }
}
