namespace Backprop.Cli.Commands;

/// <summary>
/// While a large built-in data set loads (Fashion-MNIST: some 0.2 s of decompressing on one thread), a background
/// thread runs <see cref="ClassifierRun.WarmUp"/> with the run's options, so that the runtime compiles the training code
/// on the core the loading leaves idle instead of during the first epoch. Small data loads too quickly for that to pay
/// (the article's example must start in well under 150 ms), and with one thread there is no idle core to use.
/// </summary>
internal sealed class LoadingWarmUp : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task? _task;

    private LoadingWarmUp(ClassifierOptions? options, int features, int classes)
    {
        if (options is not null)
        {
            CancellationToken stop = _stop.Token;
            _task = Task.Factory.StartNew(() => Run(options, features, classes, stop), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
    }

    /// <summary>No warm-up (a run whose data is small or that fine-tunes a model).</summary>
    public static LoadingWarmUp None => new(null, 0, 0);

    /// <summary>Whether a warm-up was started.</summary>
    public bool Started => _task is not null;

    /// <summary>
    /// Starts the warm-up when the data is Fashion-MNIST (<paramref name="dataset"/>, a --dataset name) and there is a
    /// second thread; <paramref name="sizes"/> are --layers' sizes when given, null for the options' hidden layers.
    /// </summary>
    public static LoadingWarmUp Start(string? dataset, ClassifierOptions options, int[]? sizes)
    {
        const int Features = 28 * 28;
        int classes = FashionMnist.ClassNames.Count;
        bool large = string.Equals(dataset?.Trim(), "fashion-mnist", StringComparison.OrdinalIgnoreCase);
        bool fits = sizes is null || (sizes.Length >= 2 && sizes[0] == Features && sizes[^1] == classes);
        if (!large || !fits || Engine.ThreadCount < 2)
        {
            return None;
        }
        return new LoadingWarmUp(sizes is null ? options : options with { HiddenLayers = sizes[1..^1] }, Features, classes);
    }

    /// <summary>Stops the warm-up after its current batch and waits for it, so that what follows has every core.</summary>
    public void Stop()
    {
        _stop.Cancel();
        _task?.Wait();
    }

    /// <summary>Stops the warm-up (<see cref="Stop"/>), if it still runs.</summary>
    public void Dispose()
    {
        Stop();
        _stop.Dispose();
    }

    private static void Run(ClassifierOptions options, int features, int classes, CancellationToken stop)
    {
        try
        {
            ClassifierRun.WarmUp(options, features, classes, imageBytes: true, stop);
        }
        catch (Exception)
        {
            // Options the real run rejects (it reports them itself), or anything else: a warm-up that fails costs only
            // speed, and must not turn into an error of the run (Stop would rethrow it from Wait).
        }
    }
}
