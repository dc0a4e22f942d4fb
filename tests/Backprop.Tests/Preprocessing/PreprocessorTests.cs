namespace Backprop.Tests.Preprocessing;

/// <summary>
/// A table's columns to features: kinds read from the cells, fills fitted on the training rows only, one-hot encoding
/// with unseen categories counted, folding past the cap, id-like and constant columns dropped, and the model file.
/// </summary>
public sealed class PreprocessorTests
{
    private const string Penguins =
        "id,island,bill,sex,year,species\n"
        + "p1,Biscoe,40,male,2007,A\n"
        + "p2,Dream,NA,female,2007,A\n"
        + "p3,Biscoe,46,NA,2007,B\n"
        + "p4,Torgersen,,male,2007,B\n"
        + "p5,Dream,50,female,2007,A\n"
        + "p6,Biscoe,?,female,2007,B\n";

    private static Dataset<float> Read(string csv, TableReading? reading = null, string label = "species")
        => CsvDatasetReader.Read<float>(new StringReader(csv), "t.csv", new CsvDatasetOptions { Label = label, Table = reading ?? new TableReading() });

    private static PreprocessedColumn Column(Preprocessor p, string name) => p.Columns.Single(c => c.Name == name);

    [Fact]
    public void A_table_is_read_with_text_as_codes_and_missing_cells_as_NaN()
    {
        Dataset<float> table = Read(Penguins);
        Assert.Equal(["id", "island", "bill", "sex", "year"], table.FeatureNames);
        TableColumnInfo island = table.Columns![1];
        Assert.True(island.IsText);
        Assert.Equal(["Biscoe", "Dream", "Torgersen"], island.Values);
        Assert.False(table.Columns[2].IsText);
        Assert.Equal(3, table.Columns[2].MissingCount); // NA, the empty cell and ?
        Assert.Equal(1, table.Columns[3].MissingCount);
        Assert.True(float.IsNaN(table.Row(1)[2]));
        Assert.Equal(46f, table.Row(2)[2]);
        Assert.Equal(2f, table.Row(3)[1]); // Torgersen
    }

    [Fact]
    public void Id_like_and_constant_columns_are_dropped_and_text_is_one_hot()
    {
        Preprocessor p = Preprocessor.Fit(Read(Penguins));
        Assert.Equal(ColumnTreatment.DroppedIdentifier, Column(p, "id").Treatment);
        Assert.Equal(ColumnTreatment.DroppedConstant, Column(p, "year").Treatment);
        Assert.Equal(ColumnTreatment.OneHot, Column(p, "island").Treatment);
        Assert.Equal(ColumnTreatment.Numeric, Column(p, "bill").Treatment);
        Assert.Equal(["island=Biscoe", "island=Dream", "island=Torgersen", "bill", "sex=female", "sex=male"], p.FeatureNames);
        Assert.Equal(["island", "bill", "sex"], p.InputColumns);
        Assert.False(p.IsIdentity);
    }

    [Fact]
    public void Fills_are_fitted_on_the_training_rows_only()
    {
        Dataset<float> table = Read(Penguins);
        // Rows 0, 2 and 4 hold bills 40, 46 and 50 and the sexes male, NA, female; row 1 (NA) trains too.
        Dataset<float> train = table.Subset([0, 1, 2, 4]);
        Preprocessor mean = Preprocessor.Fit(train);
        Assert.Equal((40 + 46 + 50) / 3.0, Column(mean, "bill").Fill, 12);
        Preprocessor median = Preprocessor.Fit(table.Subset([0, 2]), new PreprocessingOptions { Impute = ImputeStrategy.Median });
        Assert.Equal(43, Column(median, "bill").Fill);
        // The most frequent sex of rows 0, 1, 2, 4 is female (2 of 3); of the whole table it is female too, so check male-heavy rows.
        Preprocessor male = Preprocessor.Fit(table.Subset([0, 2, 3, 4]));
        Assert.Equal("male", Column(male, "sex").FillCategory);

        PreprocessedData data = mean.Transform(table);
        int bill = mean.FeatureNames.ToList().IndexOf("bill");
        Assert.Equal((float)((40 + 46 + 50) / 3.0), data.Data.Row(3)[bill]);
        Assert.Equal(3, data.FilledCells["bill"]);
        Assert.Equal(1, data.FilledCells["sex"]);
    }

    [Fact]
    public void An_unseen_category_becomes_all_zeros_and_is_counted()
    {
        Dataset<float> table = Read(Penguins);
        Preprocessor p = Preprocessor.Fit(table.Subset([0, 1, 2, 4, 5])); // no Torgersen
        Assert.Equal(["Biscoe", "Dream"], Column(p, "island").Categories);
        PreprocessedData data = p.Transform(table);
        Assert.Equal(1, data.UnseenCategories["island"]);
        Assert.Equal([0f, 0f], data.Data.Row(3)[..2].ToArray());
        Assert.Equal([1f, 0f], data.Data.Row(0)[..2].ToArray());
        Assert.Equal(6, data.Data.Count);
        Assert.Equal(table.Labels.ToArray(), data.Data.Labels.ToArray());
    }

    [Fact]
    public void Past_the_cap_a_column_is_an_error_or_its_rare_values_fold_into_other()
    {
        string csv = "colour,y\n" + string.Concat("a a a a a b b b b c d".Split(' ').Select((c, i) => $"{c},{(i % 2 == 0 ? "p" : "q")}\n"));
        Dataset<float> table = Read(csv, label: "y");
        var e = Assert.Throws<InvalidDataException>(() => Preprocessor.Fit(table, new PreprocessingOptions { MaxCategories = 3 }));
        Assert.Contains("column 'colour' has 4 categories, more than the 3 one-hot columns", e.Message, StringComparison.Ordinal);
        Assert.Contains("--max-categories N keeps the N − 1 most frequent and folds the rest into one column 'colour=(other)'", e.Message, StringComparison.Ordinal);

        Preprocessor p = Preprocessor.Fit(table, new PreprocessingOptions { MaxCategories = 3, FoldRareCategories = true });
        Assert.Equal(["colour=a", "colour=b", "colour=(other)"], p.FeatureNames);
        PreprocessedData data = p.Transform(table);
        Assert.Equal([0f, 0f, 1f], data.Data.Row(9).ToArray()); // c
        Assert.Equal([0f, 1f, 0f], data.Data.Row(5).ToArray()); // b
        Assert.Empty(data.UnseenCategories);
    }

    [Fact]
    public void A_column_with_no_value_in_the_training_rows_is_an_error_naming_it()
    {
        var e = Assert.Throws<InvalidDataException>(() => Preprocessor.Fit(Read("a,b,y\n1,NA,p\n2,,q\n3,?,p\n", label: "y")));
        Assert.Equal("column 'b' has no values: all 3 of its cells in the training rows are missing", e.Message);
    }

    [Fact]
    public void With_missing_as_an_error_the_reader_names_the_line_and_column()
    {
        var e = Assert.Throws<InvalidDataException>(() => Read(Penguins, new TableReading { MissingIsError = true }));
        Assert.Equal("t.csv: line 3, column 'bill': 'NA' is a missing value", e.Message);
    }

    [Fact]
    public void Categorical_codes_are_read_as_text_and_a_mostly_numeric_column_with_text_is_an_error()
    {
        Dataset<float> codes = Read("code,y\n1,p\n2,q\n1,p\n3,q\n", new TableReading { Categorical = ["code"] }, "y");
        Assert.True(codes.Columns![0].IsText);
        Assert.Equal(["code=1", "code=2", "code=3"], Preprocessor.Fit(codes).FeatureNames);

        var e = Assert.Throws<InvalidDataException>(() => Read("v,y\n1,p\n2,q\nabc,p\n3,q\n", label: "y"));
        Assert.Equal("t.csv: line 4, column 'v': 'abc' is not a number (3 of the column's 4 cells are)", e.Message);

        // A column whose text comes after numbers turns to text: its numbers become categories.
        Dataset<float> mixed = Read("v,y\n1,p\nx,q\nx,p\n1,q\nz,p\n", label: "y");
        Assert.Equal(["1", "x", "z"], mixed.Columns![0].Values);
        Assert.Equal([0f, 1f, 1f, 0f, 2f], Enumerable.Range(0, 5).Select(r => mixed.Row(r)[0]).ToArray());
    }

    [Fact]
    public void The_scaler_scales_numeric_features_and_leaves_one_hot_ones()
    {
        Dataset<float> table = Read(Penguins);
        Preprocessor p = Preprocessor.Fit(table);
        Dataset<float> features = p.Transform(table).Data;
        FeatureScaler scaler = p.FitScaler(features, ScalingKind.Standard);
        int bill = p.FeatureNames.ToList().IndexOf("bill");
        for (int j = 0; j < p.FeatureNames.Count; j++)
        {
            Assert.Equal(j == bill, scaler.Offset[j] != 0 || scaler.Scale[j] != 1);
        }
    }

    [Fact]
    public void A_model_with_preprocessing_reads_back_and_predicts_the_same()
    {
        Dataset<float> table = Read(Penguins);
        Preprocessor p = Preprocessor.Fit(table);
        Dataset<float> features = p.Transform(table).Data;
        FeatureScaler scaler = p.FitScaler(features, ScalingKind.Standard);
        var network = new Network<float>([features.FeatureCount, 4, 2], [Activation.Tanh, Activation.Softmax], Loss.CrossEntropy);
        Initializer.Randomize(network, 3);
        var model = new Model(network, features.FeatureNames, "species", features.ClassNames, scaler) { Preprocessing = p };

        var stream = new MemoryStream();
        model.Save(stream);
        stream.Position = 0;
        Model loaded = Model.Load(stream, "m.json");

        Preprocessor q = loaded.Preprocessing!;
        Assert.Equal(p.FeatureNames, q.FeatureNames);
        Assert.Equal(p.MissingValues, q.MissingValues);
        Assert.Equal(p.Columns.Select(c => (c.Name, c.Treatment, c.IsCategorical, c.MissingCount, c.FillText)), q.Columns.Select(c => (c.Name, c.Treatment, c.IsCategorical, c.MissingCount, c.FillText)));
        Assert.Equal(Column(p, "bill").Fill, Column(q, "bill").Fill);
        Assert.Equal(model.PredictProbabilities(p.Transform(table).Data), loaded.PredictProbabilities(q.Transform(table).Data));
        Assert.Throws<ArgumentException>(() => model.Preprocessing = Preprocessor.Fit(table.Subset([0, 1, 2, 4, 5])));

        // A file whose preprocessing no longer gives its features is refused in one line.
        string text = System.Text.Encoding.UTF8.GetString(stream.ToArray()).Replace("\"Torgersen\"", "\"Mars\"", StringComparison.Ordinal);
        var e = Assert.Throws<InvalidDataException>(() => Model.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)), "m.json"));
        Assert.StartsWith("m.json: preprocessing gives the features island=Biscoe, island=Dream, island=Mars, bill", e.Message, StringComparison.Ordinal);
        text = text.Replace("\"one_hot\"", "\"two_hot\"", StringComparison.Ordinal);
        e = Assert.Throws<InvalidDataException>(() => Model.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)), "m.json"));
        Assert.Equal("m.json: preprocessing.columns[1].treatment 'two_hot' is unknown (expected numeric, one_hot, dropped_constant or dropped_id)", e.Message);
    }
}
