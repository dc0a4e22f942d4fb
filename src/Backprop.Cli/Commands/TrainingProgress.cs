using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace Backprop.Cli.Commands;

/// <summary>
/// Shows training progress: on a terminal, a live bar for the current epoch (Spectre.Console) with loss, the last
/// validation accuracy, samples per second and the epoch's time left, above a bar for the whole run with its time left;
/// otherwise one plain line per epoch; nothing with --quiet.
/// </summary>
internal sealed class TrainingProgress
{
    private readonly CliIO _io;
    private readonly bool _quiet;
    private readonly int _epochs;
    private readonly Stopwatch _epochClock = new();
    private readonly Stopwatch _refresh = Stopwatch.StartNew();
    private ProgressTask? _task;
    private ProgressTask? _total;
    private ProgressContext? _context;
    private double? _lastAccuracy;

    public TrainingProgress(CliIO io, bool quiet, int epochs)
    {
        _io = io;
        _quiet = quiet;
        _epochs = epochs;
        Live = !quiet && ReferenceEquals(io.Out, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
    }

    /// <summary>True when a live progress bar is shown.</summary>
    public bool Live { get; }

    /// <summary>Runs <paramref name="train"/>, inside the live display when there is one.</summary>
    public T Run<T>(Func<T> train)
    {
        if (!Live)
        {
            return train();
        }
        return AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                _context = context;
                _total = context.AddTask($"run: {_epochs} epochs", maxValue: _epochs);
                _epochClock.Restart();
                T result = train();
                _total.Value = _total.MaxValue;
                if (_task is not null)
                {
                    _task.Value = _task.MaxValue;
                    _task.StopTask();
                }
                _total.StopTask();
                context.Refresh();
                return result;
            });
    }

    public void OnBatch(BatchReport b)
    {
        if (!Live)
        {
            return;
        }
        if (_task is null || b.Batch == 1)
        {
            _task?.StopTask();
            _task = _context!.AddTask(Describe(b.Epoch, b.Loss, _lastAccuracy, 0), maxValue: b.Batches);
            _task.HideWhenCompleted = true;
        }
        _task.Value = b.Batch;
        _total!.Value = b.Epoch - 1 + (double)b.Batch / b.Batches;
        if (_refresh.ElapsedMilliseconds >= 100 || b.Batch == b.Batches)
        {
            _refresh.Restart();
            double rate = b.Rows / Math.Max(_epochClock.Elapsed.TotalSeconds, 1e-9);
            _task.Description = Describe(b.Epoch, b.Loss, _lastAccuracy, rate);
        }
    }

    public void OnEpoch(EpochReport r, int rows)
    {
        _lastAccuracy = r.ValidationAccuracy ?? _lastAccuracy;
        _epochClock.Restart();
        if (_quiet)
        {
            return;
        }
        double rate = rows / Math.Max(r.Seconds, 1e-9);
        if (Live)
        {
            if (_task is not null)
            {
                _task.StopTask();
                _task = null;
            }
            _total!.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"run: epoch {r.Epoch}/{_epochs} loss {r.Loss:F4}{(r.ValidationAccuracy is double a ? $" val_acc {a:F4}" : "")} {rate:F0} samples/s"));
            return;
        }
        string validation = r.ValidationLoss is double vl
            ? string.Create(CultureInfo.InvariantCulture, $"  val_loss {vl:F4}  val_acc {r.ValidationAccuracy:F4}")
            : "";
        _io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"epoch {r.Epoch}/{_epochs}  loss {r.Loss:F4}{validation}  lr {r.LearningRate:G4}  {rate:F0} samples/s  {r.Seconds:F2}s"));
    }

    private string Describe(int epoch, double loss, double? accuracy, double rate)
    {
        string acc = accuracy is double a ? string.Create(CultureInfo.InvariantCulture, $" val_acc {a:F4}") : "";
        return Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"epoch {epoch}/{_epochs} loss {loss:F4}{acc} {rate:F0} samples/s"));
    }
}
