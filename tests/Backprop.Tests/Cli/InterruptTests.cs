using System.Diagnostics;

namespace Backprop.Tests.Cli;

/// <summary>Ctrl+C (SIGINT) and SIGTERM during `train`, against the real process.</summary>
public sealed class InterruptTests : IDisposable
{
    private readonly string _dir = TestData.TempDirectory();

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void Ctrl_c_stops_after_the_current_batch_and_still_saves_the_model_and_metrics()
    {
        string model = Path.Combine(_dir, "m.json");
        using Process process = CliRunner.StartInterruptible("train", "--dataset", "xor", "--hidden", "16", "--epochs", "100000000", "--out", model);
        string? line;
        do
        {
            line = process.StandardOutput.ReadLine();
        }
        while (line is not null && !line.StartsWith("epoch 20/", StringComparison.Ordinal));
        Assert.NotNull(line);
        using (Process kill = Process.Start("/bin/sh", ["-c", $"kill -INT {process.Id}"]))
        {
            kill.WaitForExit();
        }
        string rest = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "the process did not stop");
        Assert.Equal(130, process.ExitCode);
        Assert.Contains("Interrupted during epoch", rest, StringComparison.Ordinal);
        Assert.NotEmpty(Backprop.Models.Model.Load(model).TrainingOptions);
        Assert.True(File.ReadAllLines(Path.Combine(_dir, "m.metrics.csv")).Length > 20);
    }

    [Fact]
    public void Sigterm_is_handled_like_ctrl_c_and_exits_with_143()
    {
        string model = Path.Combine(_dir, "t.json");
        using Process process = CliRunner.StartInterruptible("train", "--dataset", "xor", "--hidden", "16", "--epochs", "100000000", "--out", model);
        string? line;
        do
        {
            line = process.StandardOutput.ReadLine();
        }
        while (line is not null && !line.StartsWith("epoch 20/", StringComparison.Ordinal));
        Assert.NotNull(line);
        using (Process kill = Process.Start("/bin/sh", ["-c", $"kill -TERM {process.Id}"]))
        {
            kill.WaitForExit();
        }
        string rest = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "the process did not stop");
        Assert.Equal(143, process.ExitCode);
        Assert.Contains("Interrupted (SIGTERM) during epoch", rest, StringComparison.Ordinal);
        Assert.Contains("Saved the model", rest, StringComparison.Ordinal);
        Assert.NotEmpty(Backprop.Models.Model.Load(model).TrainingOptions);
        Assert.True(File.ReadAllLines(Path.Combine(_dir, "t.metrics.csv")).Length > 20);
        Assert.Empty(Directory.GetFiles(_dir, ".*.tmp"));
    }
}
