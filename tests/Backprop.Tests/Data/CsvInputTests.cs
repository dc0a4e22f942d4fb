using System.Text;

namespace Backprop.Tests.Data;

/// <summary>What reaches the CSV parser: wide lines, quoting mistakes, pipes, gzip, IDX and other binary content, progress.</summary>
public class CsvInputTests
{
    private static string WideCsv(int columns, int rows, string cell)
    {
        var text = new StringBuilder();
        text.AppendJoin(',', Enumerable.Range(0, columns).Select(c => $"f{c}")).Append(",label\n");
        for (int r = 0; r < rows; r++)
        {
            text.AppendJoin(',', Enumerable.Repeat(cell, columns)).Append(r % 2 == 0 ? ",a\n" : ",b\n");
        }
        return text.ToString();
    }

    [Fact]
    public void A_file_of_5000_columns_loads()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("wide.csv", WideCsv(5000, 3, "0.123456789"));
        Dataset<float> data = CsvDatasetReader.Read<float>(path);
        Assert.Equal(5000, data.FeatureCount);
        Assert.Equal(3, data.Count);
        Assert.Equal(0.123456789f, data.Row(2)[4999]);
    }

    [Fact]
    public void A_line_of_a_megabyte_loads()
    {
        using var dir = new TempDirectory();
        string cell = "0." + new string('1', 198);
        string path = dir.Write("long.csv", WideCsv(5000, 2, cell));
        Dataset<float> data = CsvDatasetReader.Read<float>(path);
        Assert.True(new FileInfo(path).Length > 2_000_000);
        Assert.Equal(0.11111111f, data.Row(1)[0]);
    }

    [Fact]
    public void A_line_beyond_the_limit_names_the_file_and_the_line()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("huge.csv", "a,label\n1,x\n2,\"" + new string('y', CsvDatasetReader.MaxRecordChars + 10) + "\"\n");
        var e = Assert.Throws<InvalidDataException>(() => CsvDatasetReader.Read<float>(path));
        Assert.StartsWith($"{path}: line 3 is longer than {CsvDatasetReader.MaxRecordChars} characters", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a,b,label\n1,2,x\n3,\"4,y\n5,6,x\n")]
    [InlineData("a,b,label\n1,2,x\n3,4\"\"5,y\n5,6,x\n")]
    [InlineData("a,b,label\n1,2,x\n3,\"4\"5,y\n5,6,x\n")]
    public void An_unbalanced_quote_names_the_file_and_the_line(string content)
    {
        using var dir = new TempDirectory();
        string path = dir.Write("quote.csv", content);
        var e = Assert.Throws<InvalidDataException>(() => CsvDatasetReader.Read<float>(path));
        Assert.StartsWith($"{path}: line 3", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_named_pipe_is_read_like_a_file()
    {
        using var dir = new TempDirectory();
        using var pipe = new NamedPipe(Path.Combine(dir.Path, "pipe.csv"), "a,b,label\n1,2,x\n3,4,y\n"u8.ToArray());
        Dataset<float> data = CsvDatasetReader.Read<float>(pipe.Path);
        Assert.Equal([1f, 2f, 3f, 4f], data.Features.ToArray());
    }

    [Fact]
    public void Gzipped_idx_files_are_read_from_named_pipes()
    {
        using var dir = new TempDirectory();
        using var pipe = new NamedPipe(Path.Combine(dir.Path, "labels.idx"), IdxFiles.Gzip(IdxFiles.Labels(3, 1, 4)));
        Assert.Equal([3, 1, 4], IdxReader.ReadLabels(pipe.Path));
    }

    [Fact]
    public void A_gzipped_csv_file_is_decompressed()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("data.csv.gz", IdxFiles.Gzip("a,b,label\n1,2,x\n3,4,y\n"u8.ToArray()));
        Dataset<float> data = CsvDatasetReader.Read<float>(path);
        Assert.Equal([1f, 2f, 3f, 4f], data.Features.ToArray());
        Assert.Equal(["x", "y"], data.ClassNames);
    }

    [Fact]
    public void A_corrupt_gzip_file_names_the_file()
    {
        using var dir = new TempDirectory();
        byte[] gzip = IdxFiles.Gzip(Encoding.UTF8.GetBytes(WideCsv(20, 50, "1.5")));
        gzip.AsSpan(12, 40).Fill(0xAA);
        string path = dir.Write("data.csv.gz", gzip);
        var e = Assert.Throws<InvalidDataException>(() => CsvDatasetReader.Read<float>(path));
        Assert.StartsWith($"{path}: the gzip data is corrupt", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_idx_file_is_named_as_one(bool gzip)
    {
        using var dir = new TempDirectory();
        byte[] idx = IdxFiles.Images(2, 2, 2, i => (byte)i);
        string path = dir.Write("images.idx", gzip ? IdxFiles.Gzip(idx) : idx);
        var e = Assert.Throws<InvalidDataException>(() => CsvDatasetReader.Read<float>(path));
        Assert.StartsWith($"{path}: this is an IDX file", e.Message, StringComparison.Ordinal);
        Assert.Contains("magic number 0x00000803", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_idx_file_with_a_bad_magic_number_is_a_binary_file()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("images.idx", IdxFiles.Images(2, 2, 2, i => (byte)i, magic: 0x00000903));
        var e = Assert.Throws<InvalidDataException>(() => CsvDatasetReader.Read<float>(path));
        Assert.Equal($"{path}: this is a binary file, not CSV text (it starts with the bytes 00 00 09 03 and holds NUL bytes)", e.Message);
    }

    [Fact]
    public void A_zip_archive_is_named_as_one()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("book.xlsx", [.. "PK\u0003\u0004"u8, .. new byte[40]]);
        var e = Assert.Throws<InvalidDataException>(() => CsvDatasetReader.Read<float>(path));
        Assert.StartsWith($"{path}: this is a zip archive", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_nul_byte_after_text_is_binary_content()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("odd.csv", [.. "a,b,label\n1,2,x\n"u8, 0, .. "3,4,y\n"u8]);
        var e = Assert.Throws<InvalidDataException>(() => CsvDatasetReader.Read<float>(path));
        Assert.StartsWith($"{path}: this is a binary file, not CSV text", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Progress_reports_bytes_read_up_to_the_file_size()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("big.csv", WideCsv(50, 4000, "0.25"));
        long size = new FileInfo(path).Length;
        var reports = new List<ReadProgress>();
        CsvDatasetReader.Read<float>(path, new CsvDatasetOptions { Progress = new Recorder(reports) });

        Assert.True(reports.Count >= 2, $"{reports.Count} reports for {size} bytes");
        Assert.All(reports, r => Assert.Equal(size, r.TotalBytes));
        Assert.Equal(size, reports[^1].BytesRead);
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.First.BytesRead < p.Second.BytesRead), "bytes read must grow");
    }

    [Fact]
    public void Progress_of_a_stream_has_no_total_when_it_cannot_seek()
    {
        var reports = new List<ReadProgress>();
        using var stream = new ForwardOnlyStream(Encoding.UTF8.GetBytes("a,b,label\n1,2,x\n3,4,y\n"));
        CsvDatasetReader.Read<float>(stream, "<stdin>", new CsvDatasetOptions { Progress = new Recorder(reports) });
        Assert.Equal(new ReadProgress(22, null), Assert.Single(reports));
    }

    /// <summary>Records reports synchronously (Progress&lt;T&gt; would post them to the thread pool).</summary>
    private sealed class Recorder(List<ReadProgress> reports) : IProgress<ReadProgress>
    {
        public void Report(ReadProgress value) => reports.Add(value);
    }

    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
