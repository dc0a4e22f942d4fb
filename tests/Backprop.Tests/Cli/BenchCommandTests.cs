using System.Globalization;
using System.Text.RegularExpressions;
using Backprop.Cli.Commands;

namespace Backprop.Tests.Cli;

[Collection(Backprop.Tests.Tensors.KernelSettingsCollection.Name)]
public partial class BenchCommandTests
{
    [Fact]
    public void Bench_prints_the_kernel_in_use_and_the_measured_peak()
    {
        CliRunner.Result result = CliRunner.InProcess("bench", "--only", "peak", "--threads", "1");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"kernel: {Engine.KernelDescription}; multi-threaded rows use 1 threads", result.Out, StringComparison.Ordinal);
        Assert.Contains("FMA peak float32 (measured)", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Bench_times_the_gemm_shapes_as_json()
    {
        CliRunner.Result result = CliRunner.InProcess("bench", "--only", "gemm", "--gemm-size", "16", "--threads", "1", "--repeat", "1", "--json");
        Assert.Equal(0, result.ExitCode);
        string[] workloads = [.. result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split("\"workload\": \"")[1].Split('"')[0])];
        Assert.Equal(["peak", "gemm", "gemm_xwt", "gemm_dtx", "gemm_dw"], workloads);
    }

    [Fact]
    public void Bench_times_prediction_through_the_model_as_json()
    {
        CliRunner.Result result = CliRunner.InProcess("bench", "--only", "predict", "--rows", "64", "--threads", "2", "--repeat", "1", "--json");
        Assert.Equal(0, result.ExitCode);
        string[] lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] workloads = [.. lines.Select(l => l.Split("\"workload\": \"")[1].Split('"')[0])];
        Assert.Equal(["predict1", "predict_model", "predict_concurrent"], workloads);
        Assert.Contains("\"rows\": 1,", lines[0], StringComparison.Ordinal);
        Assert.Contains("\"rows\": 64,", lines[1], StringComparison.Ordinal);
        Assert.Contains("\"ratio\": ", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_workload_is_a_usage_error()
    {
        CliRunner.Result result = CliRunner.InProcess("bench", "--only", "nonsense");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--only: 'nonsense' is not a workload", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_matrix_times_the_rows_picked_by_key_as_json()
    {
        CliRunner.Result result = CliRunner.InProcess("bench", "--matrix", "--only", "wide,sgd-wd,adam", "--rows", "128", "--repeat", "1", "--threads", "1", "--json");
        Assert.Equal(0, result.ExitCode);
        string[] lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["adam", "sgd-wd", "wide"], lines.Select(l => l.Split("\"key\": \"")[1].Split('"')[0]));
        Assert.All(lines, l => Assert.Contains("\"workload\": \"matrix\"", l, StringComparison.Ordinal));
        Assert.Contains("\"hidden\": \"512,256\"", lines[2], StringComparison.Ordinal);
        Assert.Contains("\"weight_decay\": 0.0001", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void The_full_matrix_is_every_combination_the_targets_name()
    {
        BenchMatrix.Config[] full = [.. BenchMatrix.Full()];
        Assert.Equal(5 * 3 * 2 * 3 * 2, full.Length);
        Assert.Equal(full.Length, full.Select(c => c.Key).Distinct().Count());
        Assert.Equal(full.Length, full.Select(c => (c.Optimizer, c.Activation, c.Hidden, c.BatchSize, c.WeightDecay)).Distinct().Count());
        CliRunner.Result result = CliRunner.InProcess("bench", "--matrix", "--full", "--only", "nesterov-tanh-512-256-b16-wd0.0001", "--rows", "64", "--repeat", "1", "--threads", "1");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("784-512-256-10 tanh, nesterov 0.01, batch 16, wd 0.0001", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--full")]
    [InlineData("--matrix", "--only", "adam,gemm")]
    public void Matrix_options_out_of_place_are_usage_errors(params string[] args)
    {
        CliRunner.Result result = CliRunner.InProcess(["bench", .. args]);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: --", result.Error, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^BASE = \{(?<fields>[^}]*)\}", RegexOptions.Multiline)]
    private static partial Regex BaseRow();

    [GeneratedRegex(@"^    \(""(?<key>[a-z0-9-]+)"", ""[^""]*"", \{(?<fields>[^}]*)\}\),", RegexOptions.Multiline)]
    private static partial Regex TrainingRow();

    [GeneratedRegex(@"""(?<name>\w+)"": (?:""(?<text>[^""]*)""|(?<number>[0-9.e-]+))")]
    private static partial Regex Field();

    [Fact]
    public void The_matrix_rows_are_those_of_the_peers_script_with_its_settings()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Directory.Build.props")))
        {
            dir = Path.GetDirectoryName(dir);
        }
        Assert.NotNull(dir);
        string script = File.ReadAllText(Path.Combine(dir, "bench", "peers", "compare.py"));
        Dictionary<string, string> Fields(string text) => Field().Matches(text).ToDictionary(
            m => m.Groups["name"].Value, m => m.Groups["text"].Success ? m.Groups["text"].Value : m.Groups["number"].Value);
        Dictionary<string, string> settings = Fields(BaseRow().Match(script).Groups["fields"].Value);
        Assert.Equal(6, settings.Count);
        var rows = TrainingRow().Matches(script).Select(m => (Key: m.Groups["key"].Value, Settings: new Dictionary<string, string>(settings).Concat(Fields(m.Groups["fields"].Value))
            .GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value))).ToArray();
        Assert.Equal(rows.Select(r => r.Key), BenchMatrix.Rows.Select(c => c.Key));
        foreach (var (key, row) in rows)
        {
            BenchMatrix.Config ours = BenchMatrix.Rows.Single(c => c.Key == key);
            Assert.Equal(row["optimizer"], ours.Optimizer);
            Assert.Equal(row["activation"], ours.Activation.ToString().ToLowerInvariant());
            Assert.Equal(row["hidden"], ours.Hidden);
            Assert.Equal(double.Parse(row["lr"], CultureInfo.InvariantCulture), ours.LearningRate);
            Assert.Equal(int.Parse(row["batch"], CultureInfo.InvariantCulture), ours.BatchSize);
            Assert.Equal(double.Parse(row["wd"], CultureInfo.InvariantCulture), ours.WeightDecay);
        }
    }
}
