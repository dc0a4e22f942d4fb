namespace Backprop.Tests.Data;

/// <summary>Files written with a decimal comma are read with DecimalSeparator ',' and stopped, not half-read, without it.</summary>
public class CsvDecimalSeparatorTests
{
    // As a spreadsheet in a decimal-comma locale saves it: ';' between fields, ',' in numbers, integers beside them.
    private const string Wine = "alcohol;malic;ash;magnesium;class\n14,23;1,71;2,43;127;1\n13,2;1,78;2,14;100;1\n12,37;0,94;1,36;88;2\n12,33;1,1;2,28;101;2\n";

    [Fact]
    public void A_decimal_comma_file_is_stopped_with_a_message_naming_the_option()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("wine.csv", Wine);
        var e = Assert.Throws<InvalidDataException>(() => CsvDatasetReader.Read<float>(path));
        Assert.StartsWith($"{path}: line 2, column 'alcohol': '14,23' is a number with a decimal comma (4 of the column's 4 cells are)", e.Message, StringComparison.Ordinal);
        Assert.Contains("--decimal-separator ,", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_decimal_comma_file_is_read_with_the_comma_separator()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("wine.csv", Wine);
        Dataset<float> data = CsvDatasetReader.Read<float>(path, new CsvDatasetOptions { DecimalSeparator = ',' });
        Assert.Equal(["alcohol", "malic", "ash", "magnesium"], data.FeatureNames);
        Assert.Empty(data.IgnoredColumns);
        Assert.Equal([14.23f, 1.71f, 2.43f, 127f], data.Row(0).ToArray());
        Assert.Equal([12.33f, 1.1f, 2.28f, 101f], data.Row(3).ToArray());
    }

    [Fact]
    public void With_the_comma_separator_a_decimal_point_is_not_a_number()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("points.csv", "a;b;label\n1,5;2.5;x\n3,5;4.5;y\n");
        var e = Assert.Throws<InvalidDataException>(() => CsvDatasetReader.Read<float>(path, new CsvDatasetOptions { DecimalSeparator = ',' }));
        Assert.Contains("column 'b': '2.5' is a number with a decimal point", e.Message, StringComparison.Ordinal);
        Assert.Contains("--decimal-separator .", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_text_column_with_an_occasional_comma_is_still_text()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("notes.csv", "a;note;label\n1;2,3;x\n2;ok;y\n3;fine;x\n");
        Dataset<float> data = CsvDatasetReader.Read<float>(path);
        Assert.Equal(["note"], data.IgnoredColumns);
    }

    [Fact]
    public void Another_decimal_separator_is_refused()
        => Assert.Throws<ArgumentException>(() => CsvDatasetReader.Read<float>(new StringReader("a,label\n1,x\n"), "t", new CsvDatasetOptions { DecimalSeparator = ':' }));
}
