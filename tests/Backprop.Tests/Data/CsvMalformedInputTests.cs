namespace Backprop.Tests.Data;

/// <summary>Each malformed file gives one <see cref="InvalidDataException"/> whose message names the file, line and column.</summary>
public class CsvMalformedInputTests
{
    private static string ErrorFor(string content, CsvDatasetOptions? options = null, string name = "bad.csv")
    {
        using var dir = new TempDirectory();
        string path = dir.Write(name, content);
        var e = Assert.Throws<InvalidDataException>(() => CsvDatasetReader.Read<float>(path, options));
        Assert.StartsWith(path + ":", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        return e.Message;
    }

    [Fact]
    public void An_empty_file_is_reported()
        => Assert.Contains("empty", ErrorFor(""));

    [Fact]
    public void A_header_without_rows_is_reported()
        => Assert.Contains("no data rows", ErrorFor("a,b,label\n"));

    [Fact]
    public void A_row_with_too_few_fields_names_its_line()
        => Assert.Contains("line 3 has 2 fields but the header has 3", ErrorFor("a,b,label\n1,2,x\n3,y\n"));

    [Fact]
    public void A_row_with_too_many_fields_names_its_line()
        => Assert.Contains("line 2 has 4 fields but the header has 3", ErrorFor("a,b,label\n1,2,x,9\n"));

    [Fact]
    public void A_non_numeric_cell_names_line_column_and_text()
        => Assert.Contains("line 3, column 'b': 'abc' is not a number", ErrorFor("a,b,label\n1,2,x\n3,abc,y\n"));

    [Fact]
    public void An_empty_cell_names_line_and_column()
        => Assert.Contains("line 3, column 'a': the cell is empty", ErrorFor("a,b,label\n1,2,x\n,4,y\n"));

    [Fact]
    public void An_empty_cell_in_the_first_row_is_an_empty_cell_not_a_text_column()
        => Assert.Contains("line 2, column 'b': the cell is empty", ErrorFor("a,b,label\n1,,x\n3,4,y\n"));

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("1e400")]
    public void A_non_finite_cell_is_reported(string cell)
        => Assert.Contains($"line 3, column 'b': '{cell}' is not a finite number", ErrorFor($"a,b,label\n1,2,x\n3,{cell},y\n"));

    [Fact]
    public void A_value_beyond_single_precision_is_reported()
        => Assert.Contains("'1e39' is not a finite number in single precision", ErrorFor("a,b,label\n1,2,x\n3,1e39,y\n"));

    [Fact]
    public void A_bad_first_cell_of_a_numeric_column_is_not_taken_for_a_text_column()
        => Assert.Contains("line 2, column 'b': 'x1' is not a number (2 of the column's 3 cells are)", ErrorFor("a,b,label\n1,x1,x\n3,4,y\n5,6,x\n"));

    [Fact]
    public void A_file_whose_first_line_is_empty_is_reported()
        => Assert.Contains("first line is empty", ErrorFor("\n\n1,2,x\n"));

    [Fact]
    public void A_missing_label_column_lists_the_columns()
        => Assert.Contains("no label column 'species' (the columns are a, b, label)", ErrorFor("a,b,label\n1,2,x\n", new CsvDatasetOptions { Label = "species" }));

    [Fact]
    public void An_empty_label_names_line_and_column_when_rows_without_labels_are_refused()
        => Assert.Contains("line 3, column 'label': the label is empty", ErrorFor("a,b,label\n1,2,x\n3,4,\n", new CsvDatasetOptions { DropMissingLabels = false }));

    [Fact]
    public void A_repeated_column_name_is_reported()
        => Assert.Contains("column name 'a' appears twice (columns 1 and 2)", ErrorFor("a,a,label\n1,2,x\n"));

    [Fact]
    public void A_header_of_one_column_suggests_the_delimiter()
        => Assert.Contains("--delimiter", ErrorFor("a:b:label\n1:2:x\n"));

    [Fact]
    public void No_numeric_column_is_reported()
        => Assert.Contains("no numeric feature column", ErrorFor("name,label\nann,x\n"));

    [Fact]
    public void A_column_the_model_reads_that_is_missing_is_named_with_both_counts()
    {
        string message = ErrorFor("a,b,label\n1,2,x\n", new CsvDatasetOptions { FeatureColumns = ["a", "b", "c"] });
        Assert.Contains("no column 'c'; the model reads 3 features (a, b, c) and the file has columns a, b, label", message);
    }

    [Fact]
    public void A_class_the_model_does_not_know_names_its_first_line()
    {
        string message = ErrorFor("a,label\n1,p\n2,q\n3,zz\n", new CsvDatasetOptions { ClassNames = ["p", "q"] });
        Assert.Contains("line 4, column 'label': class 'zz' is not one of the model's classes (p, q)", message);
    }

    [Fact]
    public void A_missing_file_is_a_file_not_found_error_naming_it()
    {
        var e = Assert.Throws<FileNotFoundException>(() => CsvDatasetReader.Read<float>("/nonexistent/x.csv"));
        Assert.Contains("/nonexistent/x.csv", e.Message);
    }
}
