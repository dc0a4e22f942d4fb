using System.Text.Json.Nodes;
using Backprop.Cli;

namespace Backprop.Tests.Cli;

/// <summary>train on data, evaluate and predict, run in-process through the same entry point as the `backprop` command.</summary>
public sealed class DataCommandTests : IDisposable
{
    private readonly string _dir = TestData.TempDirectory();

    public void Dispose() => Directory.Delete(_dir, true);

    private static (int Code, string Out, string Error) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Backprop.Cli.Cli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private string PathOf(string name) => Path.Combine(_dir, name);

    private (int Code, string Out, string Error) TrainXor(string model, params string[] extra)
        => Run(["train", "--dataset", "xor", "--hidden", "8", "--activation", "tanh", "--lr", "0.05", "--batch-size", "4", "--weight-decay", "0", "--out", model,
            .. extra.Contains("--epochs") ? [] : new[] { "--epochs", "200" }, .. extra]);

    [Fact]
    public void The_default_train_output_is_still_the_articles()
    {
        (int code, string output, string error) = Run("train");
        Assert.Equal(0, code);
        Assert.Equal("", error);
        string[] lines = output.Split('\n');
        Assert.Equal("Epoch=278, Loss=0.009970", lines[0]);
        Assert.Equal("Training finished after 277 updates: the loss fell below 0.01.", lines[1]);
        Assert.Contains("W1 =\n[[0.26795053 0.36795053 0.46795053]", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_on_xor_writes_a_model_and_a_metrics_log_that_evaluate_and_predict_use()
    {
        string model = PathOf("xor.json");
        (int code, string output, string error) = TrainXor(model, "--quiet");
        Assert.True(code == 0, error);
        Assert.DoesNotContain("epoch 1/", output, StringComparison.Ordinal);
        Assert.True(File.Exists(model));
        string[] log = File.ReadAllLines(PathOf("xor.metrics.csv"));
        Assert.Equal("epoch,train_loss,val_loss,val_accuracy,lr,seconds", log[0]);
        Assert.Equal(201, log.Length);

        (code, output, error) = Run("evaluate", "--model", model, "--dataset", "xor");
        Assert.True(code == 0, error);
        Assert.Contains("Accuracy  1.0000 (4/4)", output, StringComparison.Ordinal);
        Assert.Contains("Confusion matrix", output, StringComparison.Ordinal);

        (code, output, error) = Run("predict", "--model", model, "--dataset", "xor");
        Assert.True(code == 0, error);
        string[] rows = output.TrimEnd('\n').Split('\n');
        Assert.Equal("predicted,p_0,p_1", rows[0]);
        Assert.Equal(["0", "1", "1", "0"], rows[1..].Select(r => r.Split(',')[0]));
        Assert.All(rows[1..], r => Assert.Equal(1.0, r.Split(',')[1..].Sum(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)), 1e-6));
    }

    [Fact]
    public void Evaluate_on_a_built_in_set_scores_the_rows_the_model_held_out()
    {
        string model = PathOf("iris.json");
        (int code, string output, string error) = Run("train", "--dataset", "iris", "--hidden", "16", "--optimizer", "sgd", "--lr", "0.1",
            "--epochs", "60", "--batch-size", "16", "--seed", "1", "--out", model, "--quiet");
        Assert.True(code == 0, error);
        Assert.Contains("(30 rows)", output, StringComparison.Ordinal);

        (code, output, error) = Run("evaluate", "--model", model, "--dataset", "iris");
        Assert.True(code == 0, error);
        Assert.Contains("Rows      30", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_reads_a_csv_without_the_label_column_by_the_models_feature_names()
    {
        string model = PathOf("iris.json");
        (int code, _, string error) = Run("train", "--dataset", "iris", "--hidden", "16", "--optimizer", "sgd", "--lr", "0.1",
            "--epochs", "60", "--batch-size", "16", "--seed", "1", "--out", model, "--quiet");
        Assert.True(code == 0, error);
        string csv = PathOf("rows.csv");
        // Columns in another order than training, no label column.
        File.WriteAllText(csv, "petal_width_cm,petal_length_cm,sepal_width_cm,sepal_length_cm\n0.2,1.4,3.5,5.1\n2.3,5.2,3.0,6.7\n");
        (code, string output, error) = Run("predict", "--model", model, "--data", csv);
        Assert.True(code == 0, error);
        string[] rows = output.TrimEnd('\n').Split('\n');
        Assert.Equal("predicted,p_setosa,p_versicolor,p_virginica", rows[0]);
        Assert.Equal(["setosa", "virginica"], rows[1..].Select(r => r.Split(',')[0]));
    }

    [Fact]
    public void Train_prints_a_summary_and_one_line_per_epoch_when_not_on_a_terminal()
    {
        (int code, string output, _) = Run("train", "--dataset", "xor", "--hidden", "5,3", "--epochs", "3", "--out", PathOf("m.json"));
        Assert.Equal(0, code);
        Assert.Contains("dense_1  (batch, 2)  (batch, 5)  relu", output, StringComparison.Ordinal);
        Assert.Contains("Total parameters: 41", output, StringComparison.Ordinal);
        Assert.Contains("epoch 1/3  loss ", output, StringComparison.Ordinal);
        Assert.Contains("epoch 3/3  loss ", output, StringComparison.Ordinal);
        Assert.Contains("samples/s", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_seed_writes_the_same_parameters()
    {
        TrainXor(PathOf("a.json"), "--seed", "5", "--dropout", "0.2");
        TrainXor(PathOf("b.json"), "--seed", "5", "--dropout", "0.2");
        Assert.Equal(Parameters(PathOf("a.json")), Parameters(PathOf("b.json")));
    }

    [Fact]
    public void A_run_resumed_from_a_checkpoint_ends_with_the_same_parameters()
    {
        string[] options = ["--optimizer", "nesterov", "--schedule", "step:3:0.5", "--dropout", "0.1", "--epochs", "10", "--seed", "3"];
        Assert.Equal(0, TrainXor(PathOf("full.json"), options).Code);
        (int code, _, string error) = TrainXor(PathOf("part.json"), [.. options, "--checkpoint-every", "4", "--checkpoint", PathOf("ck.json")]);
        Assert.True(code == 0, error);
        (code, string output, error) = TrainXor(PathOf("resumed.json"), [.. options, "--resume", PathOf("ck.json")]);
        Assert.True(code == 0, error);
        Assert.Contains("resuming after epoch 8", output, StringComparison.Ordinal);
        Assert.Equal(Parameters(PathOf("full.json")), Parameters(PathOf("resumed.json")));
    }

    [Theory]
    [InlineData(2, "--layers 3,4,2 does not fit the data", "train", "--dataset", "xor", "--layers", "3,4,2")]
    [InlineData(2, "--hidden applies to training on data", "train", "--hidden", "4")]
    [InlineData(2, "--patience needs a validation split", "train", "--dataset", "xor", "--patience", "3")]
    [InlineData(2, "--optimizer: unknown optimizer 'lbfgs'", "train", "--dataset", "xor", "--optimizer", "lbfgs")]
    [InlineData(2, "--schedule: unknown learning-rate schedule 'wavy'", "train", "--dataset", "xor", "--schedule", "wavy")]
    [InlineData(2, "--dropout must be in [0, 1)", "train", "--dataset", "xor", "--dropout", "1")]
    [InlineData(2, "--class-weights: unknown weighting", "train", "--dataset", "xor", "--class-weights", "heavy")]
    [InlineData(2, "--input applies to one-sample training", "train", "--dataset", "xor", "--input", "1,2")]
    [InlineData(2, "unknown model format '.bin'", "train", "--dataset", "xor", "--out", "m.bin")]
    [InlineData(2, "--model is required", "evaluate", "--dataset", "xor")]
    [InlineData(1, "no such model file", "predict", "--model", "missing.json", "--dataset", "xor")]
    [InlineData(1, "no such checkpoint file", "train", "--dataset", "xor", "--resume", "missing.json")]
    public void Mistakes_get_one_line_and_an_exit_code(int expectedCode, string expected, params string[] args)
    {
        (int code, string output, string error) = Run(args);
        Assert.Equal(expectedCode, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.Equal("", output);
    }

    [Fact]
    public void A_checkpoint_for_another_architecture_is_refused()
    {
        TrainXor(PathOf("m.json"), "--epochs", "2", "--checkpoint-every", "1", "--checkpoint", PathOf("ck.json"));
        (int code, _, string error) = Run("train", "--dataset", "xor", "--hidden", "3", "--resume", PathOf("ck.json"), "--quiet");
        Assert.Equal(1, code);
        Assert.Contains("the checkpoint was written with ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_checkpoint_written_with_other_options_is_refused()
    {
        TrainXor(PathOf("m.json"), "--epochs", "2", "--checkpoint-every", "1", "--checkpoint", PathOf("ck.json"));
        (int code, _, string error) = TrainXor(PathOf("m2.json"), "--epochs", "4", "--dropout", "0.3", "--resume", PathOf("ck.json"), "--quiet");
        Assert.Equal(1, code);
        Assert.Contains("the checkpoint was written with dropout 0, but this run has dropout 0.3", error, StringComparison.Ordinal);
        Assert.False(File.Exists(PathOf("m2.json")));
    }

    [Fact]
    public void A_model_whose_feature_count_differs_from_the_data_is_refused()
    {
        string model = PathOf("three.json");
        Classifier.Fit(TestData.Blobs(10, features: 3), new ClassifierOptions { HiddenLayers = [2], Epochs = 1 }).Save(model);
        (int code, _, string error) = Run("evaluate", "--model", model, "--dataset", "xor");
        Assert.Equal(1, code);
        Assert.Contains("the model reads", error, StringComparison.Ordinal);
    }

    private static string Parameters(string modelPath) => JsonNode.Parse(File.ReadAllText(modelPath))!["parameters"]!.ToJsonString();
}
