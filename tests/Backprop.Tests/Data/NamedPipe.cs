using System.Diagnostics;

namespace Backprop.Tests.Data;

/// <summary>
/// A named pipe (mkfifo) that a background task fills with <c>content</c> once a reader opens it, like
/// `--data &lt;(cat file.csv)`; disposing unblocks a writer that no reader came for.
/// </summary>
internal sealed class NamedPipe : IDisposable
{
    private readonly Task _writer;
    private volatile bool _opened;

    public NamedPipe(string path, byte[] content)
    {
        Path = path;
        using (Process mkfifo = Process.Start("mkfifo", [path]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }
        _writer = Task.Run(() =>
        {
            try
            {
                // Opening blocks until a reader opens the other end.
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
                _opened = true;
                stream.Write(content);
            }
            catch (IOException)
            {
                // The reader stopped early (a broken pipe): what it read is what the test checks.
            }
        });
    }

    public string Path { get; }

    public void Dispose()
    {
        // A writer still waiting for a reader is let go by opening the other end. Once it has opened, that open would
        // wait for a writer that never comes again, so it is done only before.
        if (!_opened)
        {
            using var drain = new FileStream(Path, FileMode.Open, FileAccess.Read);
            drain.CopyTo(Stream.Null);
        }
        Assert.True(_writer.Wait(TimeSpan.FromSeconds(30)), "the pipe's writer did not finish");
    }
}
