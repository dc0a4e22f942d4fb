using System.Text.Json.Nodes;

namespace Backprop.Tests.Cli;

/// <summary>train --batch-norm: the summary, the model file that evaluate and predict read, and the exports that refuse it.</summary>
public sealed class BatchNormCommandTests : IDisposable
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

    [Fact]
    public void Train_with_batch_norm_on_iris_writes_a_model_that_evaluate_and_predict_read()
    {
        string model = PathOf("m.json");
        (int code, string output, string error) = Run("train", "--dataset", "iris", "--hidden", "8,6", "--batch-norm",
            "--epochs", "20", "--out", model);
        Assert.True(code == 0, error);
        Assert.Contains("batch_norm_2", output, StringComparison.Ordinal);
        Assert.Contains("batch_norm_4", output, StringComparison.Ordinal);
        JsonNode root = JsonNode.Parse(File.ReadAllText(model))!;
        Assert.Equal("batch_norm", (string?)root["architecture"]!["layers"]![1]!["kind"]);
        Assert.Equal("true", (string?)root["training"]!["batch_norm"]);

        (code, output, error) = Run("evaluate", "--model", model, "--dataset", "iris");
        Assert.True(code == 0, error);
        Assert.Contains("Accuracy", output, StringComparison.Ordinal);
        (code, output, error) = Run("predict", "--model", model, "--dataset", "iris");
        Assert.True(code == 0, error);
        Assert.Contains("virginica", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Exporting_a_model_with_batch_norm_is_one_error_line_and_no_file()
    {
        string model = PathOf("m.json");
        (int code, _, string error) = Run("train", "--dataset", "iris", "--hidden", "4", "--batch-norm", "--epochs", "2", "--quiet", "--out", model);
        Assert.True(code == 0, error);
        string onnx = PathOf("m.onnx");
        (code, _, error) = Run("export", "--model", model, "--out", onnx);
        Assert.Equal(1, code);
        Assert.Equal("error: the onnx format cannot express layer 2 (batch_norm) yet; keep the model as .json", error.Trim());
        Assert.False(File.Exists(onnx));
    }

    [Fact]
    public void Explain_refuses_a_model_with_batch_norm_in_one_line_naming_the_file()
    {
        string model = PathOf("m.json");
        (int code, _, string error) = Run("train", "--dataset", "iris", "--hidden", "4", "--batch-norm", "--epochs", "2", "--quiet", "--out", model);
        Assert.True(code == 0, error);
        (code, _, error) = Run("explain", "--model", model, "--dataset", "iris", "--row", "1");
        Assert.Equal(1, code);
        Assert.Equal($"error: {model}: explain cannot show a batch-norm layer yet; explain a model trained without --batch-norm", error.Trim());
    }
}
