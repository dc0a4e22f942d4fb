using System.Text;

namespace Backprop.Tests.Data;

/// <summary>Bytes are decoded strictly: invalid UTF-8 is an error naming line and byte offset; other encodings are chosen explicitly.</summary>
public class CsvEncodingTests
{
    // "café" and "cafè" in Windows-1252 (and Latin-1): é is 0xE9, è is 0xE8; neither byte is valid UTF-8 on its own.
    private static readonly byte[] Latin1Cafes = [.. "x,y,drink\n1,2,caf"u8, 0xE9, .. "\n3,4,caf"u8, 0xE8, .. "\n5,6,tea\n"u8];

    [Fact]
    public void Invalid_utf8_names_the_file_the_line_and_the_byte_offset()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("cafes.csv", Latin1Cafes);
        var e = Assert.Throws<InvalidDataException>(() => CsvDatasetReader.Read<float>(path));
        // Line 2 is "1,2,caf\xE9": the header takes bytes 0-9, so 0xE9 is at offset 10 + 7.
        Assert.StartsWith($"{path}: line 2, byte offset 17: invalid UTF-8 (0xE9)", e.Message, StringComparison.Ordinal);
        Assert.Contains("--encoding", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_deep_in_a_large_file_is_found_with_its_line()
    {
        using var dir = new TempDirectory();
        var text = new StringBuilder("a,b,label\n");
        for (int i = 0; i < 20_000; i++)
        {
            text.Append("1.5,2.5,é\n");
        }
        byte[] good = Encoding.UTF8.GetBytes(text.ToString());
        string path = dir.Write("late.csv", [.. good, .. "7,8,"u8, 0xC3, 0x28, .. "\n"u8]);
        var e = Assert.Throws<InvalidDataException>(() => CsvDatasetReader.Read<float>(path));
        Assert.StartsWith($"{path}: line 20002, byte offset {good.Length + 4}: invalid UTF-8 (0xC3)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_utf8_sequence_cut_off_at_the_end_of_the_file_is_invalid()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("cut.csv", [.. "a,b,label\n1,2,x\n3,4,"u8, 0xE2, 0x82]);
        var e = Assert.Throws<InvalidDataException>(() => CsvDatasetReader.Read<float>(path));
        Assert.StartsWith($"{path}: line 3, byte offset 20: invalid UTF-8", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TextEncoding.Latin1)]
    [InlineData(TextEncoding.Windows1252)]
    public void Latin1_and_windows_1252_keep_cafe_and_cafe_grave_apart(TextEncoding encoding)
    {
        using var dir = new TempDirectory();
        string path = dir.Write("cafes.csv", Latin1Cafes);
        Dataset<float> data = CsvDatasetReader.Read<float>(path, new CsvDatasetOptions { Encoding = encoding });
        Assert.Equal(["cafè", "café", "tea"], data.ClassNames); // ordinal order: è is U+00E8, é is U+00E9
        Assert.Equal([1, 0, 2], data.Labels.ToArray());
    }

    [Fact]
    public void Windows_1252_maps_0x80_to_0x9F_to_its_own_characters_and_latin1_does_not()
    {
        // 0x80 is € and 0x93/0x94 are curly quotes in Windows-1252; in Latin-1 they are C1 control codes.
        using var dir = new TempDirectory();
        string path = dir.Write("quotes.csv", [.. "a,b,label\n1,2,"u8, 0x80, .. "\n3,4,"u8, 0x93, 0x94, .. "\n"u8]);
        Dataset<float> cp1252 = CsvDatasetReader.Read<float>(path, new CsvDatasetOptions { Encoding = TextEncoding.Windows1252 });
        Dataset<float> latin1 = CsvDatasetReader.Read<float>(path, new CsvDatasetOptions { Encoding = TextEncoding.Latin1 });
        Assert.Equal(["\u201C\u201D", "\u20AC"], cp1252.ClassNames);
        Assert.Equal(["\u0080", "\u0093\u0094"], latin1.ClassNames);
    }

    [Fact]
    public void Windows_1252_agrees_with_the_code_page_table_for_every_byte()
    {
        // The reference is .NET's own code page 1252 (System.Text.Encoding.CodePages, in the shared framework).
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        Encoding reference = Encoding.GetEncoding(1252);
        var bytes = new List<byte>("a,b,label\n"u8.ToArray());
        var expected = new List<string>();
        for (int b = 0x80; b <= 0xFF; b++)
        {
            // Brackets keep the no-break space (0xA0) and NEL (0x85 in Latin-1) from being trimmed as white space.
            bytes.AddRange("1,2,<"u8.ToArray());
            bytes.Add((byte)b);
            bytes.AddRange(">\n"u8.ToArray());
            expected.Add("<" + reference.GetString([(byte)b]) + ">");
        }
        using var dir = new TempDirectory();
        string path = dir.Write("all.csv", [.. bytes]);
        Dataset<float> data = CsvDatasetReader.Read<float>(path, new CsvDatasetOptions { Encoding = TextEncoding.Windows1252 });
        string[] read = [.. data.Labels.ToArray().Select(l => data.ClassNames[l])];
        Assert.Equal(expected, read);
    }

    [Fact]
    public void Utf8_text_with_accents_reads_unchanged()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("utf8.csv", "x,y,drink\n1,2,café\n3,4,cafè\n5,6,日本茶\n");
        Dataset<float> data = CsvDatasetReader.Read<float>(path);
        Assert.Equal(["cafè", "café", "日本茶"], data.ClassNames);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_utf16_file_with_a_byte_order_mark_is_read(bool bigEndian)
    {
        using var dir = new TempDirectory();
        var encoding = new UnicodeEncoding(bigEndian, byteOrderMark: true);
        string path = dir.Write("utf16.csv", [.. encoding.GetPreamble(), .. encoding.GetBytes("a\tb\tlabel\r\n1\t2\tcafé\r\n3\t4\tthé\r\n")]);
        Dataset<float> data = CsvDatasetReader.Read<float>(path);
        Assert.Equal(["café", "thé"], data.ClassNames);
        Assert.Equal([1f, 2f, 3f, 4f], data.Features.ToArray());
    }
}
