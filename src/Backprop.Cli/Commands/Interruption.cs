using System.Runtime.InteropServices;

namespace Backprop.Cli.Commands;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM for a command that keeps what it finished: while this lives, either signal cancels
/// <see cref="Token"/> instead of ending the process, and <see cref="ExitCode"/> says which came first.
/// </summary>
internal sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly PosixSignalRegistration? _terminate;
    private int _exitCode = Cli.Ok;

    public Interruption()
    {
        _terminate = DataTraining.HandleTerminate(() => Stop(DataTraining.Terminated));
        Console.CancelKeyPress += OnCancel;
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>130 after Ctrl+C, 143 after SIGTERM, 0 while neither came.</summary>
    public int ExitCode => Volatile.Read(ref _exitCode);

    private void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        e.Cancel = true;
        Stop(DataTraining.Interrupted);
    }

    private void Stop(int code)
    {
        Interlocked.CompareExchange(ref _exitCode, code, Cli.Ok);
        _cancel.Cancel();
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancel;
        _terminate?.Dispose();
        _cancel.Dispose();
    }
}
