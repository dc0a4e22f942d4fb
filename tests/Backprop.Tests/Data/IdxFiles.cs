using System.Buffers.Binary;
using System.IO.Compression;

namespace Backprop.Tests.Data;

/// <summary>Builds IDX files byte by byte for the reader tests.</summary>
internal static class IdxFiles
{
    public static byte[] Images(int count, int rows, int columns, Func<int, byte> pixel, int magic = IdxReader.ImagesMagic)
    {
        var bytes = new List<byte>();
        bytes.AddRange(BigEndian(magic));
        bytes.AddRange(BigEndian(count));
        bytes.AddRange(BigEndian(rows));
        bytes.AddRange(BigEndian(columns));
        for (int i = 0; i < count * rows * columns; i++)
        {
            bytes.Add(pixel(i));
        }
        return [.. bytes];
    }

    public static byte[] Labels(params byte[] labels) => [.. BigEndian(IdxReader.LabelsMagic), .. BigEndian(labels.Length), .. labels];

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }
        return output.ToArray();
    }

    private static byte[] BigEndian(int value)
    {
        var word = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, value);
        return word;
    }
}
