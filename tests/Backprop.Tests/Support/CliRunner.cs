using System.Diagnostics;

namespace Backprop.Tests.Support;

/// <summary>Runs the `backprop` command in-process (fast, for many cases) or as a real process (end to end).</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Out, string Error);

    public static Result InProcess(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Backprop.Cli.Cli.Run(args, stdout, stderr);
        return new Result(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>
    /// Starts the command as a real process for a test that signals it (Ctrl+C is SIGINT): through
    /// <c>env --default-signal=INT</c>, because a process started in the background by a non-interactive shell (a CI
    /// job, nohup) inherits SIGINT ignored, and the runtime rightly leaves an ignored SIGINT ignored. Output is
    /// redirected; the process's id is the command's (env executes it in place).
    /// </summary>
    public static Process StartInterruptible(params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "Backprop.Cli.dll");
        var info = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in (string[])["--default-signal=INT", "dotnet", dll, .. args])
        {
            info.ArgumentList.Add(arg);
        }
        return Process.Start(info)!;
    }

    public static Result AsProcess(string? stdin, params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "Backprop.Cli.dll");
        Assert.True(File.Exists(dll), $"the CLI is not built next to the tests: {dll}");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using Process process = Process.Start(info)!;
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(120_000), "the CLI did not finish within two minutes");
        return new Result(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>A path under a fresh temporary folder, removed when the test process ends.</summary>
    public static string TempPath(string name)
    {
        string dir = Path.Combine(Path.GetTempPath(), "backprop-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name);
    }
}
