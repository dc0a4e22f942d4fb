namespace Backprop.Tests.Data;

/// <summary>The label side of the CSV reader: the task chosen from the labels, several label columns, missing labels.</summary>
public sealed class CsvLabelTests
{
    private static Dataset<float> Read(string csv, CsvDatasetOptions? options = null)
        => CsvDatasetReader.Read<float>(new StringReader(csv), "t.csv", options);

    private static string ErrorFor(string csv, CsvDatasetOptions? options = null)
        => Assert.Throws<InvalidDataException>(() => Read(csv, options)).Message;

    private static string Column(params string[] labels) => "x,y\n" + string.Concat(labels.Select((l, i) => $"{i},{l}\n"));

    [Theory]
    [InlineData(LearningTask.Classification, "cat", "dog", "cat")]
    [InlineData(LearningTask.Classification, "0", "1", "1")]
    [InlineData(LearningTask.Classification, "3", "5.0", "7")]
    [InlineData(LearningTask.Regression, "1.5", "2", "3")]
    [InlineData(LearningTask.Regression, "-0.25", "1e3", "7")]
    public void One_label_column_is_classification_unless_it_holds_numbers_that_are_not_a_few_integers(LearningTask expected, params string[] labels)
        => Assert.Equal(expected, Read(Column(labels)).Task);

    [Fact]
    public void Twenty_distinct_integers_are_classes_and_twenty_one_are_a_regression_target()
    {
        Dataset<float> twenty = Read(Column([.. Enumerable.Range(0, 20).Select(i => (i * 10).ToString(System.Globalization.CultureInfo.InvariantCulture))]));
        Assert.Equal(LearningTask.Classification, twenty.Task);
        Assert.Equal(20, twenty.OutputCount);
        Dataset<float> many = Read(Column([.. Enumerable.Range(0, 21).Select(i => (i * 10).ToString(System.Globalization.CultureInfo.InvariantCulture))]));
        Assert.Equal(LearningTask.Regression, many.Task);
        Assert.Equal(1, many.OutputCount);
        Assert.Equal(200f, many.Targets[20]);
        Assert.Equal(["y"], many.TargetNames);
    }

    [Fact]
    public void Several_yes_no_columns_are_multi_label_with_one_zero_or_one_target_each()
    {
        Dataset<float> data = Read("x,a,b,c\n1,yes,TRUE,0\n2,No,false,1\n3,yes,True,1\n", new CsvDatasetOptions { Labels = ["a", "b", "c"] });
        Assert.Equal(LearningTask.MultiLabel, data.Task);
        Assert.Equal(["a", "b", "c"], data.TargetNames);
        Assert.Equal("a,b,c", data.LabelName);
        Assert.Equal(1, data.FeatureCount);
        Assert.Equal([1f, 1, 0, 0, 0, 1, 1, 1, 1], data.Targets.ToArray());
    }

    [Fact]
    public void Several_numeric_columns_are_regression_targets()
    {
        Dataset<float> data = Read("x,a,b\n1,0,2.5\n2,1,3\n", new CsvDatasetOptions { Labels = ["b", "a"] });
        Assert.Equal(LearningTask.Regression, data.Task);
        Assert.Equal(["b", "a"], data.TargetNames);
        Assert.Equal([2.5f, 0, 3, 1], data.Targets.ToArray());
        Assert.Equal(["x"], data.FeatureNames);
    }

    [Fact]
    public void Several_columns_with_text_that_is_not_yes_or_no_are_refused_naming_the_column()
        => Assert.Contains("line 3, column 'b': 'maybe' is neither a number nor 0/1, yes/no or true/false",
            ErrorFor("x,a,b\n1,0,no\n2,1,maybe\n", new CsvDatasetOptions { Labels = ["a", "b"] }));

    [Fact]
    public void A_multi_label_column_with_a_third_value_is_refused_naming_line_column_and_value()
        => Assert.Contains("t.csv: line 4, column 'b': '2' is not 0/1, yes/no or true/false",
            ErrorFor("x,a,b\n1,0,1\n2,1,0\n3,1,2\n", new CsvDatasetOptions { Labels = ["a", "b"], Task = LearningTask.MultiLabel }));

    [Theory]
    [InlineData("NaN", "'NaN' is not a finite number")]
    [InlineData("Infinity", "'Infinity' is not a finite number")]
    [InlineData("1e39", "'1e39' is not a finite number in single precision")]
    [InlineData("tall", "'tall' is not a number")]
    public void A_regression_target_that_is_not_a_finite_number_is_refused_naming_the_column(string value, string expected)
    {
        string message = ErrorFor($"x,t\n1,2.5\n2,{value}\n", new CsvDatasetOptions { Task = LearningTask.Regression });
        Assert.Contains($"line 3, column 't': {expected}", message);
        Assert.Contains("regression target", message);
    }

    [Fact]
    public void An_integer_column_read_as_regression_keeps_its_values()
    {
        Dataset<float> data = Read(Column("3", "5", "3"), new CsvDatasetOptions { Task = LearningTask.Regression });
        Assert.Equal([3f, 5, 3], data.Targets.ToArray());
    }

    [Fact]
    public void Rows_whose_label_is_missing_are_left_out_and_counted()
    {
        Dataset<float> data = Read("x,y\n1,a\n2,\n3,NA\n4,b\n5,?\n6,a\n");
        Assert.Equal(3, data.Count);
        Assert.Equal(3, data.DroppedRows);
        Assert.Equal([1f, 4, 6], data.Features.ToArray());
        Assert.Equal(["a", "b"], data.ClassNames);
        Dataset<float> regression = Read("x,y\n1,1.5\n2,\n3,2.5\n", new CsvDatasetOptions { Task = LearningTask.Regression });
        Assert.Equal([1.5f, 2.5f], regression.Targets.ToArray());
        Assert.Equal(1, regression.DroppedRows);
    }

    [Fact]
    public void Without_dropping_a_missing_label_is_an_error_naming_line_and_column()
    {
        var refuse = new CsvDatasetOptions { DropMissingLabels = false };
        Assert.Contains("line 3, column 'y': the label is empty", ErrorFor("x,y\n1,a\n2,\n", refuse));
        Assert.Contains("line 2, column 'y': the label is missing ('NA')", ErrorFor("x,y\n1,NA\n2,b\n", refuse));
    }

    [Fact]
    public void A_file_whose_every_label_is_missing_says_so()
        => Assert.Contains("every row's label is missing (2 rows)", ErrorFor("x,y\n1,\n2,NA\n"));

    [Fact]
    public void Rows_to_predict_on_are_kept_when_a_label_is_missing_and_come_unlabelled()
    {
        Dataset<float> data = Read("x,y\n1,a\n2,\n", new CsvDatasetOptions { Label = "y", LabelOptional = true });
        Assert.Equal(2, data.Count);
        Assert.False(data.IsLabelled);
    }

    [Fact]
    public void Other_label_columns_are_not_read_as_features()
    {
        Dataset<float> data = Read("a,b,c,d\n1,2,0,1\n3,4,1,1\n", new CsvDatasetOptions { Labels = ["c", "d"] });
        Assert.Equal(["a", "b"], data.FeatureNames);
        Assert.Equal(LearningTask.MultiLabel, data.Task);
    }

    [Fact]
    public void A_missing_label_column_among_several_is_named()
        => Assert.Contains("no label columns 'e', 'f'", ErrorFor("a,b,c\n1,2,3\n", new CsvDatasetOptions { Labels = ["c", "e", "f"] }));
}
