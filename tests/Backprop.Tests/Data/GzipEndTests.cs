using System.Text;

namespace Backprop.Tests.Data;

/// <summary>
/// gzip input that decompresses without an error but was cut short is reported, never read as fewer rows or a shorter
/// last number; whole files of several members, or with bytes after the last member, still load.
/// </summary>
public class GzipEndTests
{
    private static byte[] Csv(int rows)
    {
        var text = new StringBuilder("x,y,label\n");
        for (int r = 0; r < rows; r++)
        {
            text.Append(r).Append(',').Append(r * 7 % 1000).Append(r % 3 == 0 ? ",a\n" : ",b\n");
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    [Fact]
    public void The_crc32_is_that_of_gzip()
    {
        // The check value of CRC-32/ISO-HDLC, and the CRC a gzip trailer records for the same bytes.
        var crc = new Crc32();
        crc.Append("123456789"u8);
        Assert.Equal(0xCBF43926u, crc.Value);
        byte[] gz = IdxFiles.Gzip("123456789"u8.ToArray());
        Assert.Equal(crc.Value, BitConverter.ToUInt32(gz, gz.Length - 8));
    }

    [Fact]
    public void The_crc32_appended_in_pieces_equals_the_whole()
    {
        byte[] data = Csv(300);
        var whole = new Crc32();
        whole.Append(data);
        var pieces = new Crc32();
        for (int i = 0; i < data.Length; i += 37)
        {
            pieces.Append(data.AsSpan(i, Math.Min(37, data.Length - i)));
        }
        Assert.Equal(whole.Value, pieces.Value);
    }

    [Fact]
    public void No_cut_of_a_gzip_file_loads_silently()
    {
        byte[] gz = IdxFiles.Gzip(Csv(400));
        using var dir = new TempDirectory();
        // Every cut past the 10-byte header: the decompressor alone reads most of these as a shorter file.
        for (int cut = 10; cut < gz.Length; cut++)
        {
            string path = dir.Write($"cut{cut}.csv.gz", gz[..cut]);
            var e = Assert.ThrowsAny<Exception>(() => CsvDatasetReader.Read<float>(path));
            Assert.True(e is InvalidDataException or FormatException, $"cut at {cut}: {e.GetType().Name}: {e.Message}");
            Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_cut_file_is_reported_as_truncated()
    {
        byte[] gz = IdxFiles.Gzip(Csv(400));
        using var dir = new TempDirectory();
        string path = dir.Write("cut.csv.gz", gz[..^8]);
        var e = Assert.Throws<InvalidDataException>(() => CsvDatasetReader.Read<float>(path));
        Assert.Equal($"{path}: the gzip data is truncated: its last member ends without its trailer, after {Csv(400).Length} bytes of content", e.Message);
    }

    [Fact]
    public void Members_joined_into_one_file_load_whole()
    {
        byte[] first = Csv(200);
        byte[] rest = Encoding.UTF8.GetBytes("7,8,a\n9,10,b\n");
        using var dir = new TempDirectory();
        string path = dir.Write("joined.csv.gz", [.. IdxFiles.Gzip(first), .. IdxFiles.Gzip(rest)]);
        Dataset<float> data = CsvDatasetReader.Read<float>(path);
        Assert.Equal(202, data.Count);
        Assert.Equal([9f, 10f], data.Row(201).ToArray());
    }

    [Fact]
    public void A_cut_second_member_is_reported()
    {
        byte[] second = IdxFiles.Gzip(Csv(300)[10..]);
        using var dir = new TempDirectory();
        string path = dir.Write("joined.csv.gz", [.. IdxFiles.Gzip(Csv(5)), .. second[..(second.Length / 2)]]);
        var e = Assert.ThrowsAny<Exception>(() => CsvDatasetReader.Read<float>(path));
        Assert.True(e is InvalidDataException or FormatException, e.Message);
        Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Bytes_after_a_whole_member_are_skipped_as_before(bool zeros)
    {
        byte[] padding = zeros ? new byte[512] : "trailing text\n"u8.ToArray();
        using var dir = new TempDirectory();
        string path = dir.Write("padded.csv.gz", [.. IdxFiles.Gzip(Csv(50)), .. padding]);
        Assert.Equal(50, CsvDatasetReader.Read<float>(path).Count);
    }

    [Fact]
    public void A_whole_file_through_a_pipe_loads()
    {
        using var dir = new TempDirectory();
        using var pipe = new NamedPipe(Path.Combine(dir.Path, "data.csv.gz"), IdxFiles.Gzip(Csv(60)));
        Assert.Equal(60, CsvDatasetReader.Read<float>(pipe.Path).Count);
    }

    [Fact]
    public void A_cut_file_through_a_pipe_is_reported()
    {
        byte[] gz = IdxFiles.Gzip(Csv(400));
        using var dir = new TempDirectory();
        using var pipe = new NamedPipe(Path.Combine(dir.Path, "data.csv.gz"), gz[..^8]);
        var e = Assert.Throws<InvalidDataException>(() => CsvDatasetReader.Read<float>(pipe.Path));
        Assert.StartsWith($"{pipe.Path}: the gzip data does not end with the trailer of its", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Joined_members_through_a_pipe_are_reported_with_the_way_out()
    {
        using var dir = new TempDirectory();
        using var pipe = new NamedPipe(Path.Combine(dir.Path, "data.csv.gz"), [.. IdxFiles.Gzip(Csv(5)), .. IdxFiles.Gzip("1,2,a\n"u8.ToArray())]);
        var e = Assert.Throws<InvalidDataException>(() => CsvDatasetReader.Read<float>(pipe.Path));
        Assert.Contains("several gzip members", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("decompress it first", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_idx_file_cut_in_its_trailer_is_reported()
    {
        byte[] gz = IdxFiles.Gzip(IdxFiles.Images(20, 4, 4, i => (byte)i));
        using var dir = new TempDirectory();
        string path = dir.Write("images-idx3-ubyte.gz", gz[..^4]);
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages<float>(path));
        Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
    }
}
