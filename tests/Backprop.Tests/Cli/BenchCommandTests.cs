namespace Backprop.Tests.Cli;

[Collection(Backprop.Tests.Tensors.KernelSettingsCollection.Name)]
public class BenchCommandTests
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
}
