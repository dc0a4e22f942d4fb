using Backprop.Tests.Data;

namespace Backprop.Tests.Interop;

/// <summary>`backprop export` and `backprop import` as a user runs them.</summary>
public sealed class ExportCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string P(string name) => System.IO.Path.Combine(_dir.Path, name);

    private string TrainedModel()
    {
        string model = P("iris.json");
        CliRunner.Result r = CliRunner.InProcess("train", "--dataset", "iris", "--hidden", "6", "--epochs", "20", "--seed", "1", "--out", model, "--quiet");
        Assert.True(r.ExitCode == 0, r.Error);
        return model;
    }

    [Fact]
    public void Export_to_onnx_writes_a_file_onnx_runtime_scores_like_the_model()
    {
        string model = TrainedModel();
        CliRunner.Result r = CliRunner.InProcess("export", "--model", model, "--format", "onnx", "--out", P("iris.onnx"));
        Assert.True(r.ExitCode == 0, r.Error);
        Model m = Model.Load(model);
        Dataset<float> iris = BuiltInDatasets.Iris<float>();
        OnnxRuntimeRunner.AssertMatches(m, iris, OnnxRuntimeRunner.Run(P("iris.onnx"), iris));
    }

    [Fact]
    public void Export_to_safetensors_and_import_give_back_an_equal_model_file()
    {
        string model = TrainedModel();
        CliRunner.Result r = CliRunner.InProcess("export", "--model", model, "--out", P("iris.safetensors"));
        Assert.True(r.ExitCode == 0, r.Error);
        r = CliRunner.InProcess("import", P("iris.safetensors"), "--out", P("back.json"));
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal(File.ReadAllText(model), File.ReadAllText(P("back.json")));
    }

    [Theory]
    [InlineData("--format", "pmml", "--format 'pmml' is unknown (known: onnx, safetensors)")]
    [InlineData("--out-name", "x", "Unrecognized")]
    public void An_unknown_format_is_a_usage_error_and_writes_nothing(string option, string value, string expected)
    {
        string model = TrainedModel();
        CliRunner.Result r = CliRunner.InProcess("export", "--model", model, option, value, "--out", P("m.out"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Error, StringComparison.Ordinal);
        Assert.Single(r.Error.Trim().Split('\n'));
        Assert.False(File.Exists(P("m.out")));
    }

    [Fact]
    public void An_output_without_a_known_extension_needs_a_format()
    {
        CliRunner.Result r = CliRunner.InProcess("export", "--model", TrainedModel(), "--out", P("m.bin"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--format is required", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_model_is_one_line_and_exit_1()
    {
        CliRunner.Result r = CliRunner.InProcess("export", "--model", P("none.json"), "--out", P("m.onnx"));
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith("error: ", r.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(P("m.onnx")));
    }

    [Fact]
    public void Import_of_an_unknown_file_type_is_a_usage_error()
    {
        string file = _dir.Write("m.pt", [1, 2, 3]);
        CliRunner.Result r = CliRunner.InProcess("import", file, "--out", P("m.json"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("unknown file type '.pt'", r.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(P("m.json")));
    }
}
