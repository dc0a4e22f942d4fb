using System.Globalization;
using System.Text;

namespace Backprop.Tests.Cli;

/// <summary>
/// A real table through the CLI: text columns one-hot, missing cells filled, id and constant columns dropped, the
/// column table and the warnings; the preprocessing saved in the model and applied by predict and evaluate; bad input.
/// </summary>
public sealed class FeatureCommandTests : IDisposable
{
    private readonly string _dir = TestData.TempDirectory();

    public void Dispose() => Directory.Delete(_dir, true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static string Soybean => Path.Combine(AppContext.BaseDirectory, "Data", "Files", "soybean.csv");

    /// <summary>A penguins-like table: an id, an island and a sex (text, with NA), two measurements (with NA and empty cells), a constant year.</summary>
    private string WritePenguins(string name = "penguins.csv", bool withLabel = true, string? island = null)
    {
        var rng = new Random(5);
        var text = new StringBuilder("id,island,bill_length_mm,flipper_length_mm,sex,year" + (withLabel ? ",species" : "") + "\n");
        (string Species, string Island, double Bill, double Flipper)[] kinds = [("Adelie", "Torgersen", 38.8, 190), ("Gentoo", "Biscoe", 47.5, 217), ("Chinstrap", "Dream", 48.8, 196)];
        int id = 0;
        foreach ((string species, string home, double bill, double flipper) in kinds)
        {
            for (int i = 0; i < 30; i++)
            {
                id++;
                string where = island ?? (rng.NextDouble() < 0.8 ? home : kinds[rng.Next(3)].Island);
                string b = rng.NextDouble() < 0.05 ? "NA" : (bill + rng.NextDouble() * 4 - 2).ToString("F1", CultureInfo.InvariantCulture);
                string f = rng.NextDouble() < 0.05 ? "" : (flipper + rng.NextDouble() * 10 - 5).ToString("F0", CultureInfo.InvariantCulture);
                string sex = rng.NextDouble() < 0.1 ? "NA" : rng.Next(2) == 0 ? "male" : "female";
                text.Append(CultureInfo.InvariantCulture, $"p{id},{where},{b},{f},{sex},2007").Append(withLabel ? "," + species : "").Append('\n');
            }
        }
        File.WriteAllText(PathOf(name), text.ToString());
        return PathOf(name);
    }

    [Fact]
    public void A_penguins_table_trains_predicts_and_evaluates_with_its_preprocessing()
    {
        string data = WritePenguins();
        CliRunner.Result train = CliRunner.InProcess("train", "--data", data, "--label", "species", "--epochs", "60", "--seed", "1", "--out", PathOf("m.json"));
        Assert.True(train.ExitCode == 0, train.Error);
        Assert.Contains("warning: " + data + ": 2 columns are dropped: id (every value distinct, an id), year (constant)", train.Error, StringComparison.Ordinal);
        Assert.Contains("Columns: 6 read from 90 rows, 7 features", train.Out, StringComparison.Ordinal);
        Assert.Matches(@"island\s+text\s+one-hot\s+0\s+3", train.Out);
        Assert.Matches(@"sex\s+text\s+one-hot\s+\d+\s+(male|female)\s+2", train.Out);
        Assert.Matches(@"bill_length_mm\s+numeric\s+numeric\s+\d+\s+[0-9.]+\s+1", train.Out);
        double accuracy = TestAccuracy(train.Out);
        Assert.True(accuracy >= 0.8, train.Out);

        Model model = Model.Load(PathOf("m.json"));
        Assert.Equal(["island", "bill_length_mm", "flipper_length_mm", "sex"], model.Preprocessing!.InputColumns);

        CliRunner.Result evaluate = CliRunner.InProcess("evaluate", "--model", PathOf("m.json"), "--data", data);
        Assert.True(evaluate.ExitCode == 0, evaluate.Error);
        Assert.Contains("Rows      90", evaluate.Out, StringComparison.Ordinal);

        // New rows without the label and without the dropped columns; an island never seen in training.
        string fresh = PathOf("fresh.csv");
        File.WriteAllLines(fresh, ["sex,flipper_length_mm,island,bill_length_mm", "male,215,Biscoe,47", "NA,,Atlantis,NA"]);
        CliRunner.Result predict = CliRunner.InProcess("predict", "--model", PathOf("m.json"), "--data", fresh);
        Assert.True(predict.ExitCode == 0, predict.Error);
        string[] lines = predict.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("Gentoo,", lines[1], StringComparison.Ordinal);
        Assert.Equal($"warning: {fresh}: 1 cell of the rows hold categories not seen in training, encoded as all zeros: island 1\n", predict.Error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Warnings_about_dropped_columns_are_written_even_with_quiet()
    {
        string data = WritePenguins();
        CliRunner.Result r = CliRunner.InProcess("train", "--data", data, "--label", "species", "--epochs", "1", "--quiet");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal($"warning: {data}: 2 columns are dropped: id (every value distinct, an id), year (constant)\n", r.Error.ReplaceLineEndings("\n"));
        Assert.DoesNotContain("Columns:", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Soybean_with_one_hot_codes_and_most_frequent_fills_reaches_0_90()
    {
        string model = PathOf("soy.json");
        CliRunner.Result r = CliRunner.InProcess("train", "--data", Soybean, "--label", "Class", "--categorical", "all", "--impute", "most-frequent",
            "--seed", "0", "--quiet", "--out", model);
        Assert.True(r.ExitCode == 0, r.Error);
        double accuracy = TestAccuracy(r.Out);
        Assert.True(accuracy >= 0.90, r.Out);
        Model m = Model.Load(model);
        Assert.Equal(19, m.ClassNames.Count);
        Assert.All(m.Preprocessing!.Columns.Where(c => c.IsUsed), c => Assert.Equal(ColumnTreatment.OneHot, c.Treatment));
        Assert.Contains(m.Preprocessing.Columns, c => c.MissingCount > 0 && c.FillCategory is not null);
    }

    [Fact]
    public void A_numeric_table_trains_bit_for_bit_as_before_and_stores_no_preprocessing()
    {
        Dataset<float> blobs = TestData.Blobs(20, classes: 3, features: 4, seed: 1);
        OutputFileTests.WriteCsv(PathOf("blobs.csv"), blobs);
        CliRunner.Result r = CliRunner.InProcess("train", "--data", PathOf("blobs.csv"), "--hidden", "6", "--epochs", "5", "--seed", "2", "--quiet", "--out", PathOf("b.json"));
        Assert.True(r.ExitCode == 0, r.Error);
        Model cli = Model.Load(PathOf("b.json"));
        Assert.Null(cli.Preprocessing);

        // The same run through the plain numeric reader, as `train` read CSV files before tables.
        Dataset<float> data = CsvDatasetReader.Read<float>(PathOf("blobs.csv"));
        DatasetSplits<float> splits = StratifiedSplit.Split(data, 0.2, 0, 2);
        FeatureScaler scaler = FeatureScaler.Fit(splits.Train, ScalingKind.Standard);
        splits.Train.Rescale(scaler);
        var run = new ClassifierRun(new ClassifierOptions { HiddenLayers = [6], Epochs = 5, Seed = 2, Scaling = ScalingKind.Standard }, splits.Train);
        run.Trainer.Fit(splits.Train, (Dataset<float>?)null, null);
        Assert.Equal(run.Network.Parameters.ToArray(), cli.Network.Parameters.ToArray());
        Assert.Equal(scaler.Offset, cli.Scaler.Offset);
    }

    [Fact]
    public void A_column_past_the_cap_is_one_line_saying_what_the_cap_does_and_writes_nothing()
    {
        var text = new StringBuilder("x,city,y\n");
        for (int i = 0; i < 600; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i % 7},c{i % 60},{(i % 2 == 0 ? "p" : "q")}\n");
        }
        File.WriteAllText(PathOf("cities.csv"), text.ToString());
        CliRunner.Result r = CliRunner.InProcess("train", "--data", PathOf("cities.csv"), "--epochs", "1", "--quiet", "--out", PathOf("c.json"));
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(
            $"error: {PathOf("cities.csv")}: column 'city' has 60 categories, more than the 50 one-hot columns a column may have; --max-categories N keeps the N − 1 most frequent and folds the rest into one column 'city=(other)'\n",
            r.Error.ReplaceLineEndings("\n"));
        Assert.False(File.Exists(PathOf("c.json")));

        r = CliRunner.InProcess("train", "--data", PathOf("cities.csv"), "--epochs", "1", "--quiet", "--max-categories", "10", "--out", PathOf("c.json"));
        Assert.True(r.ExitCode == 0, r.Error);
        Model m = Model.Load(PathOf("c.json"));
        Assert.Equal(11, m.FeatureNames.Count); // x and city's 9 + (other)
        Assert.Equal("city=(other)", m.FeatureNames[^1]);
    }

    [Fact]
    public void An_all_missing_column_and_bad_options_are_one_line_each()
    {
        File.WriteAllText(PathOf("gaps.csv"), "a,b,y\n1,NA,p\n2,,q\n3,?,p\n4,NA,q\n");
        CliRunner.Result r = CliRunner.InProcess("train", "--data", PathOf("gaps.csv"), "--epochs", "1", "--quiet", "--out", PathOf("g.json"));
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"error: {PathOf("gaps.csv")}: column 'b' has no values: all 4 of its cells in the training rows are missing\n", r.Error.ReplaceLineEndings("\n"));
        Assert.False(File.Exists(PathOf("g.json")));

        (string[] Args, string Message)[] cases =
        [
            (["--impute", "zero"], "error: --impute: unknown strategy 'zero' (expected mean, median, most-frequent or none)"),
            (["--max-categories", "1"], "error: --max-categories must be at least 2"),
            (["--categorical", "c"], $"error: --categorical: {PathOf("gaps.csv")} has no feature column 'c' (its columns are a, b)"),
        ];
        foreach ((string[] args, string message) in cases)
        {
            r = CliRunner.InProcess(["train", "--data", PathOf("gaps.csv"), "--epochs", "1", "--quiet", "--out", PathOf("g.json"), .. args]);
            Assert.Equal(2, r.ExitCode);
            Assert.StartsWith(message, r.Error, StringComparison.Ordinal);
            Assert.False(File.Exists(PathOf("g.json")));
        }

        r = CliRunner.InProcess("train", "--dataset", "iris", "--impute", "median", "--epochs", "1", "--quiet");
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("error: --impute applies to --data files, not to --dataset iris", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Impute_none_keeps_a_missing_cell_an_error_and_na_values_sets_the_list()
    {
        string data = WritePenguins();
        CliRunner.Result r = CliRunner.InProcess("train", "--data", data, "--label", "species", "--epochs", "1", "--quiet", "--impute", "none");
        Assert.Equal(1, r.ExitCode);
        Assert.Matches(@"^error: .*penguins\.csv: line \d+, column '[a-z_]+': ('NA' is a missing value|the cell is empty)\n$", r.Error.ReplaceLineEndings("\n"));

        File.WriteAllText(PathOf("dash.csv"), "a,b,y\n1,-,p\n2,5,q\n3,6,p\n4,7,q\n5,-,p\n6,9,q\n");
        r = CliRunner.InProcess("train", "--data", PathOf("dash.csv"), "--epochs", "1", "--quiet", "--na-values", "-", "--out", PathOf("d.json"));
        Assert.True(r.ExitCode == 0, r.Error);
        PreprocessedColumn b = Model.Load(PathOf("d.json")).Preprocessing!.Columns.Single(c => c.Name == "b");
        Assert.Equal(ColumnTreatment.Numeric, b.Treatment);
        Assert.Equal(2, b.MissingCount);
    }

    [Fact]
    public void A_missing_label_is_a_row_left_out_and_counted_but_an_error_under_impute_none()
    {
        File.WriteAllText(PathOf("nolabel.csv"), "a,b,y\n1,2,p\n2,5,q\n3,6,\n4,7,q\n5,1,p\n6,9,q\n7,3,p\n8,8,q\n");
        CliRunner.Result r = CliRunner.InProcess("train", "--data", PathOf("nolabel.csv"), "--label", "y", "--epochs", "1", "--out", PathOf("n.json"));
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("1 row without a label left out", r.Out, StringComparison.Ordinal);

        r = CliRunner.InProcess("train", "--data", PathOf("nolabel.csv"), "--label", "y", "--epochs", "1", "--quiet", "--impute", "none", "--out", PathOf("m.json"));
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("error: " + PathOf("nolabel.csv") + ": line 4, column 'y': the label is empty\n", r.Error.ReplaceLineEndings("\n"));
        Assert.False(File.Exists(PathOf("m.json")));
    }

    [Fact]
    public void Regression_and_multi_label_tables_keep_their_target_names_through_the_preprocessing()
    {
        // mass follows island and bill; the two yes/no labels follow island and sex. One bill is missing.
        var lines = new List<string> { "island,sex,bill,mass,big,male" };
        string[] islands = ["Biscoe", "Dream", "Torgersen"];
        for (int i = 0; i < 60; i++)
        {
            string island = islands[i % 3];
            string sex = i % 2 == 0 ? "m" : "f";
            double bill = 35 + (i * 7 % 13);
            double mass = 3000 + 400 * (i % 3) + 30 * bill;
            string billText = i == 5 ? "NA" : bill.ToString(CultureInfo.InvariantCulture);
            lines.Add($"{island},{sex},{billText},{mass.ToString(CultureInfo.InvariantCulture)},{(i % 3 == 2 ? "yes" : "no")},{(sex == "m" ? "yes" : "no")}");
        }
        File.WriteAllLines(PathOf("table.csv"), lines);

        CliRunner.Result r = CliRunner.InProcess("train", "--data", PathOf("table.csv"), "--label", "mass", "--epochs", "30", "--quiet", "--out", PathOf("r.json"));
        Assert.True(r.ExitCode == 0, r.Error);
        Model regression = Model.Load(PathOf("r.json"));
        Assert.Equal(LearningTask.Regression, regression.Task);
        Assert.Equal(["mass"], regression.LabelNames);
        Assert.NotNull(regression.Preprocessing);
        r = CliRunner.InProcess("predict", "--model", PathOf("r.json"), "--data", PathOf("table.csv"), "--out", PathOf("r.csv"));
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal("mass", File.ReadLines(PathOf("r.csv")).First());
        r = CliRunner.InProcess("evaluate", "--model", PathOf("r.json"), "--data", PathOf("table.csv"));
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("mass", r.Out, StringComparison.Ordinal);

        r = CliRunner.InProcess("train", "--data", PathOf("table.csv"), "--label", "big,male", "--epochs", "30", "--quiet", "--out", PathOf("m.json"));
        Assert.True(r.ExitCode == 0, r.Error);
        Model multi = Model.Load(PathOf("m.json"));
        Assert.Equal(LearningTask.MultiLabel, multi.Task);
        Assert.Equal(["big", "male"], multi.LabelNames);
        Assert.DoesNotContain(multi.FeatureNames, f => f.StartsWith("mass", StringComparison.Ordinal) && f != "mass");
        r = CliRunner.InProcess("predict", "--model", PathOf("m.json"), "--data", PathOf("table.csv"), "--out", PathOf("m.csv"));
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal("big,male,p_big,p_male", File.ReadLines(PathOf("m.csv")).First());
    }

    [Fact]
    public void Export_writes_a_model_with_one_hot_columns_that_takes_the_tables_columns()
    {
        string data = WritePenguins();
        Assert.Equal(0, CliRunner.InProcess("train", "--data", data, "--label", "species", "--epochs", "40", "--seed", "1", "--quiet", "--out", PathOf("m.json")).ExitCode);
        CliRunner.Result r = CliRunner.InProcess("export", "--model", PathOf("m.json"), "--out", PathOf("m.onnx"));
        Assert.True(r.ExitCode == 0, r.Error);
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(PathOf("m.onnx"));
        Assert.Equal(["island", "bill_length_mm", "flipper_length_mm", "sex"], session.InputMetadata.Keys);
        Assert.Equal([typeof(string), typeof(float), typeof(float), typeof(string)], session.InputMetadata.Values.Select(m => m.ElementType));

        // New rows, one with an unseen island and missing cells: the graph names the class predict names.
        File.WriteAllLines(PathOf("fresh.csv"), ["sex,flipper_length_mm,island,bill_length_mm", "male,215,Biscoe,47", "NA,,Atlantis,NA", "female,190,Torgersen,39"]);
        CliRunner.Result predict = CliRunner.InProcess("predict", "--model", PathOf("m.json"), "--data", PathOf("fresh.csv"));
        Assert.True(predict.ExitCode == 0, predict.Error);
        string[] expected = [.. predict.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(line => line.Split(',')[0])];
        Assert.Equal(["Gentoo", "Adelie"], new[] { expected[0], expected[2] });
        Microsoft.ML.OnnxRuntime.NamedOnnxValue Text(string name, params string[] cells)
            => Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor(name, new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<string>(cells, [cells.Length, 1]));
        Microsoft.ML.OnnxRuntime.NamedOnnxValue Number(string name, params float[] cells)
            => Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor(name, new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(cells, [cells.Length, 1]));
        using var results = session.Run(
        [
            Text("island", "Biscoe", "Atlantis", "Torgersen"), Number("bill_length_mm", 47, float.NaN, 39),
            Number("flipper_length_mm", 215, float.NaN, 190), Text("sex", "male", "NA", "female"),
        ]);
        Assert.Equal(expected, results.Single(v => v.Name == "class").AsTensor<string>());
    }

    private static double TestAccuracy(string output)
    {
        string line = output.Split('\n').Single(l => l.StartsWith("Test accuracy", StringComparison.Ordinal));
        return double.Parse(line.Split(' ')[2].TrimEnd(','), CultureInfo.InvariantCulture);
    }
}
