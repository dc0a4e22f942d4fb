namespace Backprop.Tests.Data;

public class CsvDatasetReaderTests
{
    [Fact]
    public void Reads_features_into_one_block_and_sorts_string_classes_ordinally()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("flowers.csv", "a,b,kind\n1,2,zeta\n3,4,alpha\n5,6,zeta\n7,8,Beta\n");
        Dataset<float> data = CsvDatasetReader.Read<float>(path);

        Assert.Equal(4, data.Count);
        Assert.Equal(2, data.FeatureCount);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f], data.Features.ToArray());
        Assert.Equal(["Beta", "alpha", "zeta"], data.ClassNames);
        Assert.Equal([2, 1, 2, 0], data.Labels.ToArray());
        Assert.Equal(["a", "b"], data.FeatureNames);
        Assert.Equal("kind", data.LabelName);
    }

    [Fact]
    public void Numeric_labels_are_classes_sorted_by_value_and_equal_numbers_are_one_class()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("n.csv", "x,y\n0.5,10\n1.5,2\n2.5,2.0\n3.5,-1\n");
        Dataset<float> data = CsvDatasetReader.Read<float>(path);

        Assert.Equal(["-1", "2", "10"], data.ClassNames);
        Assert.Equal([2, 1, 1, 0], data.Labels.ToArray());
    }

    [Fact]
    public void The_label_column_is_chosen_by_name()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("l.csv", "kind,a,b\nx,1,2\ny,3,4\n");
        Dataset<float> data = CsvDatasetReader.Read<float>(path, new CsvDatasetOptions { Label = "kind" });

        Assert.Equal(["a", "b"], data.FeatureNames);
        Assert.Equal([0, 1], data.Labels.ToArray());
        Assert.Equal([1f, 2f, 3f, 4f], data.Features.ToArray());
    }

    [Theory]
    [InlineData("comma", "a,b,c\r\n1,2,p\r\n3,4,q\r\n")]
    [InlineData("semicolon", "a;b;c\n1;2;p\n3;4;q\n")]
    [InlineData("tab", "a\tb\tc\n1\t2\tp\n3\t4\tq\n")]
    [InlineData("quoted", "\"a\",\"b\",\"c\"\n\"1\",\" 2 \",\"p\"\n3,4,\"q\"\n")]
    [InlineData("no final newline", "a,b,c\n1,2,p\n3,4,q")]
    [InlineData("blank lines", "a,b,c\n1,2,p\n\n3,4,q\n\n")]
    public void Dialects_read_the_same(string dialect, string text)
    {
        using var dir = new TempDirectory();
        Dataset<double> data = CsvDatasetReader.Read<double>(dir.Write("d.csv", text));

        Assert.True(data.Count == 2, dialect);
        Assert.Equal([1.0, 2.0, 3.0, 4.0], data.Features.ToArray());
        Assert.Equal(["a", "b"], data.FeatureNames);
        Assert.Equal(["p", "q"], data.ClassNames);
    }

    [Fact]
    public void A_utf8_byte_order_mark_is_not_part_of_the_first_column_name()
    {
        using var dir = new TempDirectory();
        byte[] bom = [0xEF, 0xBB, 0xBF];
        string path = dir.Write("bom.csv", [.. bom, .. System.Text.Encoding.UTF8.GetBytes("first,second,label\r\n1,2,a\r\n3,4,b\r\n")]);
        Dataset<float> data = CsvDatasetReader.Read<float>(path);

        Assert.Equal(["first", "second"], data.FeatureNames);
    }

    [Fact]
    public void A_quoted_label_may_hold_the_delimiter_and_a_line_break()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("q.csv", "a,label\n1,\"x, y\"\n2,\"two\nlines\"\n");
        Dataset<float> data = CsvDatasetReader.Read<float>(path);

        Assert.Equal(["two\nlines", "x, y"], data.ClassNames);
        Assert.Equal([1, 0], data.Labels.ToArray());
    }

    [Fact]
    public void An_explicit_delimiter_overrides_detection()
    {
        using var dir = new TempDirectory();
        // The header has more commas than semicolons, so detection alone would pick ','.
        string path = dir.Write("s.csv", "a,1;b,2;c\n1;2;p\n3;4;q\n");
        Dataset<float> data = CsvDatasetReader.Read<float>(path, new CsvDatasetOptions { Delimiter = ';' });

        Assert.Equal(["a,1", "b,2"], data.FeatureNames);
    }

    [Fact]
    public void Text_columns_are_ignored_and_listed()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("t.csv", "name,height,weight,kind\nann,1.5,50,p\nbob,1.8,80,q\n7,1.6,60,p\n");
        Dataset<float> data = CsvDatasetReader.Read<float>(path);

        Assert.Equal(["height", "weight"], data.FeatureNames);
        Assert.Equal(["name"], data.IgnoredColumns);
        Assert.Equal([1.5f, 50f, 1.8f, 80f, 1.6f, 60f], data.Features.ToArray());
    }

    [Fact]
    public void Feature_columns_by_name_are_read_in_the_given_order_and_classes_in_the_given_order()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("m.csv", "b,extra,a,kind\n2,x,1,q\n4,y,3,p\n");
        Dataset<float> data = CsvDatasetReader.Read<float>(path, new CsvDatasetOptions
        {
            Label = "kind",
            FeatureColumns = ["a", "b"],
            ClassNames = ["q", "p", "r"],
        });

        Assert.Equal([1f, 2f, 3f, 4f], data.Features.ToArray());
        Assert.Equal([0, 1], data.Labels.ToArray());
        Assert.Equal(3, data.OutputCount);
    }

    [Fact]
    public void A_missing_optional_label_column_gives_unlabelled_rows()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("u.csv", "a,b\n1,2\n3,4\n");
        Dataset<float> data = CsvDatasetReader.Read<float>(path, new CsvDatasetOptions
        {
            Label = "kind",
            FeatureColumns = ["a", "b"],
            ClassNames = ["p", "q"],
            LabelOptional = true,
        });

        Assert.False(data.IsLabelled);
        Assert.Equal(2, data.Count);
        Assert.Equal([1f, 2f, 3f, 4f], data.Features.ToArray());
        Assert.Equal(["p", "q"], data.ClassNames);
    }

    [Fact]
    public void Many_rows_grow_the_block_and_keep_every_value()
    {
        var text = new System.Text.StringBuilder("i,j,label\n");
        for (int r = 0; r < 5000; r++)
        {
            text.Append(r).Append(',').Append(-r).Append(',').Append(r % 3).Append('\n');
        }
        Dataset<double> data = CsvDatasetReader.Read<double>(new StringReader(text.ToString()), "big");

        Assert.Equal(5000, data.Count);
        Assert.Equal(10000, data.Features.Length);
        Assert.Equal(4999.0, data.Row(4999)[0]);
        Assert.Equal(-4999.0, data.Row(4999)[1]);
        Assert.Equal(4999 % 3, data.Labels[4999]);
    }
}
