using System.CommandLine;
using Backprop.Cli;
using Backprop.Cli.Commands;
using Backprop.Tests.Data;

namespace Backprop.Tests.Commands;

public class DataOptionsTests
{
    private static (DataOptions Options, ParseResult Parse) Parse(string args, TextReader? stdin = null)
    {
        var options = new DataOptions { StandardInput = stdin };
        var command = new RootCommand();
        options.AddTo(command);
        ParseResult parse = command.Parse(args.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Empty(parse.Errors);
        return (options, parse);
    }

    private static LoadedData Train(string args, long seed = 1)
    {
        (DataOptions options, ParseResult parse) = Parse(args);
        return options.LoadForTraining(parse, seed);
    }

    private static string CliLine(Exception e, int expectedExit)
    {
        var stderr = new StringWriter();
        Assert.Equal(expectedExit, Backprop.Cli.Cli.Report(e, stderr));
        string text = stderr.ToString();
        Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        return text;
    }

    [Fact]
    public void Iris_is_split_stratified_and_scaled_with_statistics_of_the_training_rows_only()
    {
        LoadedData loaded = Train("--dataset iris --test-fraction 0.2 --validation-fraction 0.1", seed: 7);

        Assert.Equal(105, loaded.Train.Count);
        Assert.Equal(15, loaded.Validation!.Count);
        Assert.Equal(30, loaded.Test!.Count);
        Assert.Equal("species", loaded.LabelName);
        Assert.Equal(ScalingKind.Standard, loaded.Scaler.Kind);

        // The same split of the raw data: the scaler's offsets are the training rows' means, not all rows'.
        Dataset<float> rawTrain = StratifiedSplit.Split(BuiltInDatasets.Iris<float>(), 0.2, 0.1, 7).Train;
        for (int j = 0; j < 4; j++)
        {
            double mean = Enumerable.Range(0, rawTrain.Count).Average(r => (double)rawTrain.Row(r)[j]);
            Assert.Equal(mean, loaded.Scaler.Offset[j], 1e-9);
            double scaledMean = Enumerable.Range(0, loaded.Train.Count).Average(r => (double)loaded.Train.Row(r)[j]);
            Assert.Equal(0, scaledMean, 1e-5);
        }
        double allMean = Enumerable.Range(0, 150).Average(r => (double)BuiltInDatasets.Iris<float>().Row(r)[0]);
        Assert.NotEqual(allMean, loaded.Scaler.Offset[0], 6);

        // The held-out splits went through the same scaler.
        Dataset<float> rawTest = StratifiedSplit.Split(BuiltInDatasets.Iris<float>(), 0.2, 0.1, 7).Test!;
        Assert.Equal((rawTest.Row(0)[2] - loaded.Scaler.Offset[2]) / loaded.Scaler.Scale[2], loaded.Test.Row(0)[2], 1e-5);
        Assert.Contains("iris: 150 rows, 4 features, 3 classes", loaded.Description);
    }

    [Fact]
    public void No_scaling_leaves_the_values_alone()
    {
        LoadedData loaded = Train("--dataset xor --scale none --test-fraction 0");
        Assert.Equal([0f, 0f, 0f, 1f, 1f, 0f, 1f, 1f], loaded.Train.Features.ToArray());
        Assert.Null(loaded.Test);
    }

    [Fact]
    public void A_csv_file_with_label_and_delimiter_options_is_read()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("d.txt", "kind;a;b\n" + string.Concat(Enumerable.Range(0, 20).Select(i => $"{(i % 2 == 0 ? "even" : "odd")};{i};{i * i}\n")));
        LoadedData loaded = Train($"--data {path} --label kind --delimiter ; --scale minmax --test-fraction 0.5");

        Assert.Equal(10, loaded.Train.Count);
        Assert.Equal(10, loaded.Test!.Count);
        Assert.Equal(["even", "odd"], loaded.Train.ClassNames);
        Assert.Equal("kind", loaded.LabelName);
        Assert.Equal(ScalingKind.MinMax, loaded.Scaler.Kind);
    }

    [Fact]
    public void Synthetic_sets_take_rows_noise_and_data_seed()
    {
        LoadedData a = Train("--dataset spirals --rows 90 --noise 0 --data-seed 3 --test-fraction 0 --scale none");
        Assert.Equal(90, a.Train.Count);
        Assert.Equal(3, a.Train.OutputCount);
        Assert.Equal(SyntheticDatasets.Spirals<float>(90, 0, 3).Features.ToArray(), a.Train.Features.ToArray());
    }

    [Fact]
    public void Fashion_mnist_keeps_its_own_test_set_and_cuts_validation_from_training_rows()
    {
        using var dir = new TempDirectory();
        dir.Write("train-images-idx3-ubyte", IdxFiles.Images(20, 28, 28, i => (byte)(i % 251)));
        dir.Write("train-labels-idx1-ubyte", IdxFiles.Labels([.. Enumerable.Range(0, 20).Select(i => (byte)(i % 2))]));
        dir.Write("t10k-images-idx3-ubyte", IdxFiles.Images(3, 28, 28, _ => 9));
        dir.Write("t10k-labels-idx1-ubyte", IdxFiles.Labels(0, 1, 5));

        LoadedData loaded = Train($"--dataset fashion-mnist --data-dir {dir.Path} --test-fraction 0.5 --validation-fraction 0.2 --scale none");

        Assert.Equal(3, loaded.Test!.Count);
        Assert.Equal(4, loaded.Validation!.Count);
        Assert.Equal(16, loaded.Train.Count);
        Assert.Contains("own test set", loaded.Description);
    }

    [Fact]
    public void A_model_is_given_fashion_mnists_test_split_without_its_training_images_being_read()
    {
        using var dir = new TempDirectory();
        // Training files that could not be read: only the test split may be touched.
        dir.Write("train-images-idx3-ubyte", IdxFiles.Images(20, 28, 28, _ => 0)[..100]);
        dir.Write("train-labels-idx1-ubyte", [1, 2, 3]);
        dir.Write("t10k-images-idx3-ubyte", IdxFiles.Images(3, 28, 28, i => (byte)(i % 7)));
        dir.Write("t10k-labels-idx1-ubyte", IdxFiles.Labels(0, 1, 5));
        var schema = new DataSchema([.. Enumerable.Range(0, 784).Select(i => $"pixel{i}")], "label", FashionMnist.ClassNames,
            new FeatureScaler(ScalingKind.None, new double[784], [.. Enumerable.Repeat(1.0, 784)]));
        (DataOptions options, ParseResult parse) = Parse($"--dataset fashion-mnist --data-dir {dir.Path}");

        Dataset<float> data = options.LoadForModel(parse, schema);

        Dataset<float> expected = FashionMnist.LoadTest<float>(dir.Path);
        Assert.Equal(3, data.Count);
        Assert.Equal(expected.Features.ToArray(), data.Features.ToArray());
        Assert.Equal([0, 1, 5], data.Labels.ToArray());
        Assert.Throws<InvalidDataException>(() => FashionMnist.LoadTrain<float>(dir.Path));
    }

    [Fact]
    public void A_single_class_is_one_line_naming_file_and_column()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("one.csv", "a,b,label\n1,2,x\n3,4,x\n");
        var e = Assert.Throws<InvalidDataException>(() => Train($"--data {path}"));
        Assert.Contains($"{path}: column 'label' has a single class ('x')", CliLine(e, 1));
    }

    [Fact]
    public void A_malformed_file_reaches_the_user_as_one_line_with_exit_code_1()
    {
        using var dir = new TempDirectory();
        // NaN is a missing value (filled); infinity is no number to fill.
        string path = dir.Write("bad.csv", "a,b,label\n1,2,x\n3,Infinity,y\n");
        var e = Assert.Throws<InvalidDataException>(() => Train($"--data {path}"));
        Assert.Equal($"error: {path}: line 3, column 'b': 'Infinity' is not a finite number\n", CliLine(e, 1).ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("--dataset iris --data x.csv", "give one of them")]
    [InlineData("", "no data")]
    [InlineData("--dataset iris --rows 50", "--rows and --noise apply to the synthetic data sets")]
    [InlineData("--dataset moons --noise -1", "--noise must be a finite number")]
    [InlineData("--dataset moons --rows 3", "--rows must be at least 10")]
    [InlineData("--dataset iris --label species", "--label applies to --data files")]
    [InlineData("--dataset iris --data-dir /tmp", "--data-dir applies to --dataset fashion-mnist")]
    [InlineData("--dataset iris --test-fraction 0.6 --validation-fraction 0.4", "they must leave rows for training")]
    [InlineData("--dataset iris --test-fraction 1.5", "--test-fraction must be in [0, 1)")]
    [InlineData("--dataset iris --scale log", "--scale: unknown scaling 'log'")]
    [InlineData("--dataset nope", "unknown data set 'nope'")]
    [InlineData("--data x.csv --delimiter ab", "--delimiter: 'ab' is not a delimiter")]
    public void Contradicting_or_out_of_range_options_are_usage_errors(string args, string message)
    {
        var e = Assert.Throws<UsageException>(() => Train(args));
        Assert.Contains(message, CliLine(e, 2));
    }

    [Fact]
    public void A_missing_fashion_mnist_says_how_to_install_it()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<FileNotFoundException>(() => Train($"--dataset fashion-mnist --data-dir {dir.Path}"));
        Assert.Contains("apt-get install dataset-fashion-mnist", CliLine(e, 1));
    }

    private static DataSchema IrisSchema(FeatureScaler scaler, IReadOnlyList<string>? classes = null)
        => new(["petal_length_cm", "sepal_length_cm"], "species", classes ?? ["setosa", "versicolor", "virginica"], scaler);

    [Fact]
    public void A_model_reads_its_columns_by_name_maps_its_classes_and_applies_its_scaler()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("new.csv", "id,sepal_length_cm,species,petal_length_cm,other\nr1,5.0,virginica,1.5,9\nr2,6.0,setosa,4.5,9\n");
        var scaler = new FeatureScaler(ScalingKind.Standard, [1.0, 5.0], [2.0, 0.5]);
        (DataOptions options, ParseResult parse) = Parse($"--data {path}");

        Dataset<float> data = options.LoadForModel(parse, IrisSchema(scaler, ["virginica", "setosa", "versicolor"]));

        Assert.Equal(["petal_length_cm", "sepal_length_cm"], data.FeatureNames);
        Assert.Equal([(1.5f - 1f) / 2f, (5.0f - 5f) / 0.5f, (4.5f - 1f) / 2f, (6.0f - 5f) / 0.5f], data.Features.ToArray());
        Assert.Equal([0, 1], data.Labels.ToArray());
        Assert.Equal(["virginica", "setosa", "versicolor"], data.ClassNames);
    }

    [Fact]
    public void The_label_option_overrides_the_models_label_column()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("new.csv", "petal_length_cm,sepal_length_cm,truth\n1,2,setosa\n");
        (DataOptions options, ParseResult parse) = Parse($"--data {path} --label truth");
        Dataset<float> data = options.LoadForModel(parse, IrisSchema(new FeatureScaler(ScalingKind.None, [0, 0], [1, 1])));
        Assert.Equal("truth", data.LabelName);
        Assert.Equal([0], data.Labels.ToArray());
    }

    [Fact]
    public void Evaluating_needs_the_label_column_but_predicting_does_not()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("x.csv", "petal_length_cm,sepal_length_cm\n1,2\n3,4\n");
        DataSchema schema = IrisSchema(new FeatureScaler(ScalingKind.None, [0, 0], [1, 1]));
        (DataOptions options, ParseResult parse) = Parse($"--data {path}");

        var e = Assert.Throws<InvalidDataException>(() => options.LoadForModel(parse, schema));
        Assert.Contains($"{path}: no label column 'species'", CliLine(e, 1));

        ModelInput rows = options.LoadFeaturesForModel(parse, schema);
        Assert.False(rows.HasLabels);
        Assert.Equal(2, rows.Data.Count);
        Assert.Equal(3, rows.Data.OutputCount);
        Assert.Equal([1f, 2f, 3f, 4f], rows.Data.Features.ToArray());
    }

    [Fact]
    public void Rows_to_predict_can_come_from_standard_input()
    {
        var stdin = new StringReader("sepal_length_cm,petal_length_cm\r\n5,1\r\n");
        (DataOptions options, ParseResult parse) = Parse("--data -", stdin);
        ModelInput rows = options.LoadFeaturesForModel(parse, IrisSchema(new FeatureScaler(ScalingKind.None, [0, 0], [1, 1])));
        Assert.Equal([1f, 5f], rows.Data.Features.ToArray());
        Assert.Contains("<stdin>", rows.Description);
    }

    [Fact]
    public void Data_without_a_column_the_model_reads_is_reported_with_both_feature_counts()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("x.csv", "petal_length_cm,species\n1,setosa\n");
        (DataOptions options, ParseResult parse) = Parse($"--data {path}");
        var e = Assert.Throws<InvalidDataException>(() => options.LoadForModel(parse, IrisSchema(new FeatureScaler(ScalingKind.None, [0, 0], [1, 1]))));
        Assert.Contains("no column 'sepal_length_cm'; the model reads 2 features", CliLine(e, 1));
    }

    [Fact]
    public void A_class_the_model_does_not_know_is_reported_with_line_and_column()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("x.csv", "petal_length_cm,sepal_length_cm,species\n1,2,setosa\n1,2,rosa\n");
        (DataOptions options, ParseResult parse) = Parse($"--data {path}");
        var e = Assert.Throws<InvalidDataException>(() => options.LoadForModel(parse, IrisSchema(new FeatureScaler(ScalingKind.None, [0, 0], [1, 1]))));
        Assert.Contains("line 3, column 'species': class 'rosa' is not one of the model's classes", CliLine(e, 1));
    }

    [Fact]
    public void A_built_in_set_is_aligned_to_the_models_columns_and_classes()
    {
        (DataOptions options, ParseResult parse) = Parse("--dataset iris");
        Dataset<float> data = options.LoadForModel(parse, IrisSchema(new FeatureScaler(ScalingKind.None, [0, 0], [1, 1]), ["virginica", "versicolor", "setosa"]));
        Dataset<float> iris = BuiltInDatasets.Iris<float>();

        Assert.Equal(150, data.Count);
        Assert.Equal([iris.Row(0)[2], iris.Row(0)[0]], data.Row(0).ToArray());
        Assert.Equal(2, data.Labels[0]);
        Assert.Equal(0, data.Labels[149]);
    }

    [Fact]
    public void A_built_in_set_with_fewer_features_than_the_model_is_reported()
    {
        (DataOptions options, ParseResult parse) = Parse("--dataset xor");
        var schema = new DataSchema(["a", "b", "c"], "label", ["0", "1"], new FeatureScaler(ScalingKind.None, [0, 0, 0], [1, 1, 1]));
        var e = Assert.Throws<InvalidDataException>(() => options.LoadForModel(parse, schema));
        Assert.Contains("xor: no column 'c'; the model reads 3 features (a, b, c) and the data set has 2 (a, b)", CliLine(e, 1));
    }

    [Fact]
    public void A_scaler_of_another_width_than_the_model_is_reported()
    {
        (DataOptions options, ParseResult parse) = Parse("--dataset xor");
        var schema = new DataSchema(["a", "b"], "label", ["0", "1"], new FeatureScaler(ScalingKind.None, [0], [1]));
        var e = Assert.Throws<InvalidDataException>(() => options.LoadForModel(parse, schema));
        Assert.Contains("scaler has 1 features but the model reads 2", CliLine(e, 1));
    }

    [Fact]
    public void A_model_that_recorded_its_split_is_evaluated_on_that_splits_test_rows()
    {
        LoadedData trained = Train("--dataset iris --test-fraction 0.2", seed: 11);
        Assert.Equal(new SplitRecipe(0.2, 0, 11), trained.Split);

        var schema = new DataSchema(trained.Train.FeatureNames, trained.LabelName, trained.Train.ClassNames, trained.Scaler) { Split = trained.Split };
        (DataOptions options, ParseResult parse) = Parse("--dataset iris");
        Dataset<float> evaluated = options.LoadForModel(parse, schema);

        Assert.Equal(trained.Test!.Features.ToArray(), evaluated.Features.ToArray());
        Assert.Equal(trained.Test.Labels.ToArray(), evaluated.Labels.ToArray());
    }

    [Fact]
    public void Csv_files_record_no_split()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("d.csv", "a,label\n1,x\n2,y\n3,x\n4,y\n");
        Assert.Null(Train($"--data {path} --test-fraction 0").Split);
    }

    private static void WriteIdxPair(TempDirectory dir, bool withLabels)
    {
        dir.Write("train-images-idx3-ubyte.gz", IdxFiles.Gzip(IdxFiles.Images(10, 2, 2, i => (byte)(i % 256))));
        if (withLabels)
        {
            dir.Write("train-labels-idx1-ubyte.gz", IdxFiles.Gzip(IdxFiles.Labels(0, 1, 2, 0, 1, 2, 0, 1, 2, 0)));
        }
    }

    [Fact]
    public void Idx_images_given_as_data_are_read_with_the_labels_file_beside_them()
    {
        using var dir = new TempDirectory();
        WriteIdxPair(dir, withLabels: true);
        LoadedData loaded = Train($"--data {Path.Combine(dir.Path, "train-images-idx3-ubyte.gz")} --test-fraction 0 --scale none");

        Assert.Equal(10, loaded.Train.Count);
        Assert.Equal(4, loaded.Train.FeatureCount);
        Assert.Equal(["0", "1", "2"], loaded.Train.ClassNames);
        Assert.Equal(4 / 255f, loaded.Train.Row(1)[0]);
    }

    [Fact]
    public void Idx_images_without_labels_are_an_error_for_training_but_fine_for_predicting()
    {
        using var dir = new TempDirectory();
        WriteIdxPair(dir, withLabels: false);
        string images = Path.Combine(dir.Path, "train-images-idx3-ubyte.gz");

        var e = Assert.Throws<InvalidDataException>(() => Train($"--data {images}"));
        Assert.Contains($"{images}: no IDX labels file beside these images", CliLine(e, 1));

        var schema = new DataSchema(["pixel0", "pixel1", "pixel2", "pixel3"], "label", ["0", "1", "2"], new FeatureScaler(ScalingKind.None, [0, 0, 0, 0], [1, 1, 1, 1]));
        (DataOptions options, ParseResult parse) = Parse($"--data {images}");
        ModelInput rows = options.LoadFeaturesForModel(parse, schema);
        Assert.False(rows.HasLabels);
        Assert.Equal(10, rows.Data.Count);
        Assert.Equal(["0", "1", "2"], rows.Data.ClassNames);
    }

    [Fact]
    public void Idx_labels_are_mapped_to_the_models_classes_by_name()
    {
        using var dir = new TempDirectory();
        WriteIdxPair(dir, withLabels: true);
        var schema = new DataSchema(["pixel0", "pixel1", "pixel2", "pixel3"], "label", ["2", "1", "0"], new FeatureScaler(ScalingKind.None, [0, 0, 0, 0], [1, 1, 1, 1]));
        (DataOptions options, ParseResult parse) = Parse($"--data {Path.Combine(dir.Path, "train-images-idx3-ubyte.gz")}");
        Dataset<float> data = options.LoadForModel(parse, schema);
        Assert.Equal([2, 1, 0, 2], data.Labels[..4].ToArray());
    }
}
