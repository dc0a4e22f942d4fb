using System.Diagnostics;
using System.Globalization;

namespace Backprop.Cli.Commands;

/// <summary>
/// Shows how far a large data file has been read, on standard error, once loading has taken more than a second:
/// on a terminal one line redrawn in place (cleared at the end), otherwise a plain line every few seconds.
/// Small files, which load in well under a second, show nothing.
/// </summary>
internal sealed class LoadingProgress : IProgress<ReadProgress>
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan TerminalEvery = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan PlainEvery = TimeSpan.FromSeconds(5);

    private readonly TextWriter _writer;
    private readonly string _name;
    private readonly bool _terminal;
    private readonly Func<TimeSpan> _elapsed;
    private TimeSpan _nextLine;
    private int _drawnWidth;

    /// <param name="writer">Standard error.</param>
    /// <param name="name">The file, as the user named it.</param>
    /// <param name="terminal">Whether <paramref name="writer"/> is a terminal (redraw one line) or not (plain lines).</param>
    /// <param name="elapsed">The time since loading began (a test's clock; default a stopwatch started now).</param>
    public LoadingProgress(TextWriter writer, string name, bool terminal, Func<TimeSpan>? elapsed = null)
    {
        _writer = writer;
        _name = name;
        _terminal = terminal;
        if (elapsed is null)
        {
            var clock = Stopwatch.StartNew();
            elapsed = () => clock.Elapsed;
        }
        _elapsed = elapsed;
        _nextLine = Delay;
    }

    public void Report(ReadProgress value)
    {
        TimeSpan now = _elapsed();
        if (now < _nextLine)
        {
            return;
        }
        _nextLine = now + (_terminal ? TerminalEvery : PlainEvery);
        string text = Describe(value);
        if (_terminal)
        {
            _writer.Write("\r" + text.PadRight(_drawnWidth));
            _drawnWidth = text.Length;
        }
        else
        {
            _writer.WriteLine(text);
        }
        _writer.Flush();
    }

    /// <summary>Clears the terminal line, if one was drawn, so what follows starts on a clean line.</summary>
    public void Finish()
    {
        if (_drawnWidth > 0)
        {
            _writer.Write("\r" + new string(' ', _drawnWidth) + "\r");
            _writer.Flush();
            _drawnWidth = 0;
        }
    }

    private string Describe(ReadProgress p)
    {
        double mb = p.BytesRead / 1e6;
        return p.TotalBytes is > 0 and long total
            ? string.Create(CultureInfo.InvariantCulture, $"loading {_name}: {Math.Min(100, 100.0 * p.BytesRead / total):F0}% ({mb:F0} of {total / 1e6:F0} MB)")
            : string.Create(CultureInfo.InvariantCulture, $"loading {_name}: {mb:F0} MB");
    }
}
