namespace Backprop.Tests.Cli;

/// <summary>
/// `train --init-model`: fine-tunes a model file (trained here or imported) on data read in the model's terms, and
/// refuses options that would contradict the model.
/// </summary>
public sealed class FineTuneCommandTests : IDisposable
{
    private readonly string _dir = TestData.TempDirectory();

    public FineTuneCommandTests()
    {
        OutputFileTests.WriteCsv(PathOf("data.csv"), TestData.Blobs(20, classes: 3, features: 4, seed: 1));
        CliRunner.Result r = CliRunner.InProcess("train", "--data", PathOf("data.csv"), "--hidden", "6", "--activation", "tanh", "--scale", "minmax",
            "--epochs", "20", "--lr", "0.01", "--seed", "2", "--quiet", "--out", PathOf("m.json"));
        Assert.True(r.ExitCode == 0, r.Error);
    }

    public void Dispose() => Directory.Delete(_dir, true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static string OnnxFile(string name) => Path.Combine(AppContext.BaseDirectory, "Interop", "Files", name);

    private CliRunner.Result FineTune(string data, string output, params string[] extra)
        => CliRunner.InProcess(["train", "--data", PathOf(data), "--init-model", PathOf("m.json"), "--quiet", "--out", PathOf(output), .. extra]);

    [Fact]
    public void A_vanishing_learning_rate_returns_the_model_with_its_predictions()
    {
        CliRunner.Result r = FineTune("data.csv", "t.json", "--optimizer", "sgd", "--lr", "1e-30", "--weight-decay", "0", "--epochs", "2", "--seed", "2");
        Assert.True(r.ExitCode == 0, r.Error);
        Model start = Model.Load(PathOf("m.json"));
        Model tuned = Model.Load(PathOf("t.json"));
        Assert.Equal(start.Network.Parameters.ToArray(), tuned.Network.Parameters.ToArray());
        Assert.Equal(start.Scaler.Offset, tuned.Scaler.Offset);
        Assert.Equal(start.Scaler.Scale, tuned.Scaler.Scale);
        Assert.Equal("m.json", tuned.TrainingOptions["init_model"]);
        Assert.Equal(start.Metrics["test_accuracy"], tuned.Metrics["test_accuracy"]);
    }

    [Fact]
    public void A_few_epochs_continue_from_the_models_weights_with_its_architecture_and_scaler()
    {
        CliRunner.Result r = FineTune("data.csv", "t.json", "--epochs", "3", "--lr", "0.01", "--optimizer", "momentum", "--batch-size", "8", "--seed", "5");
        Assert.True(r.ExitCode == 0, r.Error);
        Model start = Model.Load(PathOf("m.json"));
        Model tuned = Model.Load(PathOf("t.json"));
        Assert.Equal(start.Network.Sizes, tuned.Network.Sizes);
        Assert.Equal("tanh", tuned.TrainingOptions["activation"]);
        Assert.Equal("minmax", tuned.TrainingOptions["scaling"]);
        Assert.Equal("momentum", tuned.TrainingOptions["optimizer"]);
        Assert.Equal(start.Scaler.Offset, tuned.Scaler.Offset);
        Assert.NotEqual(start.Network.Parameters.ToArray(), tuned.Network.Parameters.ToArray());
        // It starts from the trained weights: its first epoch is already near the model's loss, far below a random start's.
        r = CliRunner.InProcess("train", "--data", PathOf("data.csv"), "--hidden", "6", "--activation", "tanh", "--scale", "minmax", "--quiet", "--out", PathOf("fresh.json"),
            "--epochs", "3", "--lr", "0.01", "--optimizer", "momentum", "--batch-size", "8", "--seed", "5");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.True(FirstEpochLoss("t.metrics.csv") < FirstEpochLoss("fresh.metrics.csv"), "the fine-tuned run's first epoch is not below a fresh run's");
    }

    private double FirstEpochLoss(string metrics)
        => double.Parse(File.ReadAllLines(PathOf(metrics))[1].Split(',')[1], System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Columns_are_matched_by_name_whatever_their_order()
    {
        // The label first, the features in reverse order, and a column the model does not read.
        string[] lines = File.ReadAllLines(PathOf("data.csv"));
        File.WriteAllLines(PathOf("shuffled.csv"), lines.Select((line, i) =>
        {
            string[] f = line.Split(',');
            return string.Join(',', [f[4], f[3], i == 0 ? "extra" : "7", f[2], f[1], f[0]]);
        }));
        Assert.Equal(0, FineTune("data.csv", "a.json", "--epochs", "2", "--lr", "0.01").ExitCode);
        CliRunner.Result r = FineTune("shuffled.csv", "b.json", "--epochs", "2", "--lr", "0.01");
        Assert.True(r.ExitCode == 0, r.Error);
        Model a = Model.Load(PathOf("a.json"));
        Model b = Model.Load(PathOf("b.json"));
        Assert.Equal(a.FeatureNames, b.FeatureNames);
        Assert.Equal(a.Network.Parameters.ToArray(), b.Network.Parameters.ToArray());
    }

    [Fact]
    public void A_class_the_model_does_not_know_is_one_error_naming_it()
    {
        string[] lines = File.ReadAllLines(PathOf("data.csv"));
        lines[^1] = lines[^1][..(lines[^1].LastIndexOf(',') + 1)] + "seven";
        File.WriteAllLines(PathOf("new.csv"), lines);
        CliRunner.Result r = FineTune("new.csv", "t.json", "--epochs", "1");
        Assert.Equal(1, r.ExitCode);
        Assert.Single(r.Error.TrimEnd('\n').Split('\n'));
        Assert.Contains("class 'seven' is not one of the model's classes", r.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(PathOf("t.json")));
    }

    [Theory]
    [InlineData("--hidden", "4")]
    [InlineData("--layers", "4,6,3")]
    [InlineData("--activation", "relu")]
    [InlineData("--scale", "standard")]
    public void Options_that_contradict_the_model_are_refused(string option, string value)
    {
        CliRunner.Result r = FineTune("data.csv", "t.json", option, value);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal($"error: {option} contradicts --init-model {PathOf("m.json")}: the layers, activations and scaling come from the model it fine-tunes", r.Error.TrimEnd('\n'));
    }

    [Fact]
    public void A_missing_model_file_is_one_error()
    {
        CliRunner.Result r = CliRunner.InProcess("train", "--data", PathOf("data.csv"), "--init-model", PathOf("none.json"));
        Assert.Equal(1, r.ExitCode);
        Assert.Single(r.Error.TrimEnd('\n').Split('\n'));
        Assert.Contains("none.json", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_imported_pytorch_model_fine_tunes_on_data_named_as_at_import()
    {
        CliRunner.Result r = CliRunner.InProcess("import", OnnxFile("relu_mlp.onnx"), "--out", PathOf("net.json"),
            "--features", "f0,f1,f2,f3", "--classes", "class0,class1,class2", "--label", "label");
        Assert.True(r.ExitCode == 0, r.Error);
        r = CliRunner.InProcess("train", "--data", PathOf("data.csv"), "--init-model", PathOf("net.json"), "--epochs", "3", "--lr", "0.01", "--quiet", "--out", PathOf("tuned.json"));
        Assert.True(r.ExitCode == 0, r.Error);
        Model imported = Model.Load(PathOf("net.json"));
        Model tuned = Model.Load(PathOf("tuned.json"));
        Assert.Equal(imported.Network.Sizes, tuned.Network.Sizes);
        Assert.Equal(imported.ClassNames, tuned.ClassNames);
        Assert.NotEqual(imported.Network.Parameters.ToArray(), tuned.Network.Parameters.ToArray());

        // Named otherwise at import, the data's columns are not the model's: one error naming the column.
        r = CliRunner.InProcess("import", OnnxFile("relu_mlp.onnx"), "--out", PathOf("iris.json"),
            "--features", "sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm", "--classes", "class0,class1,class2");
        Assert.True(r.ExitCode == 0, r.Error);
        r = CliRunner.InProcess("train", "--data", PathOf("data.csv"), "--init-model", PathOf("iris.json"), "--epochs", "1");
        Assert.Equal(1, r.ExitCode);
        Assert.Single(r.Error.TrimEnd('\n').Split('\n'));
        Assert.Contains("sepal_length_cm", r.Error, StringComparison.Ordinal);
    }
}
