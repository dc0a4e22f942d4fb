namespace Backprop.Cli.Commands;

/// <summary>
/// While a large built-in data set loads (Fashion-MNIST: some 0.2 s of decompressing on one thread), a background
/// thread runs <see cref="ClassifierRun.WarmUp"/> with the run's options, so that the runtime compiles the training code
/// on the core the loading leaves idle instead of during the first epoch, and reads the test split in between
/// (<see cref="TestSplit"/>) while the calling thread reads the training split. Small data loads too quickly for that to pay
/// (the article's example must start in well under 150 ms), and with one thread there is no idle core to use.
/// </summary>
internal sealed class LoadingWarmUp : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task? _task;
    private readonly TaskCompletionSource<Dataset<float>>? _test;

    private LoadingWarmUp(ClassifierOptions? options, int features, int classes, string? dataDirectory)
    {
        if (options is not null)
        {
            CancellationToken stop = _stop.Token;
            _test = new TaskCompletionSource<Dataset<float>>(TaskCreationOptions.RunContinuationsAsynchronously);
            TaskCompletionSource<Dataset<float>> test = _test;
            _task = Task.Factory.StartNew(() => Run(options, features, classes, dataDirectory, test, stop), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
    }

    /// <summary>No warm-up (a run whose data is small or that fine-tunes a model).</summary>
    public static LoadingWarmUp None => new(null, 0, 0, null);

    /// <summary>
    /// Fashion-MNIST's test split as the background thread read it (<see cref="FashionMnist.LoadTest{T}"/> from the
    /// --data-dir folder), rethrowing its error as reading it here would have; null when no warm-up was started (the
    /// caller then reads the data itself). Called once the training split is in: the warm-up stops after its current
    /// batch, and if the test split is not read yet, this waits for it.
    /// </summary>
    public Func<Dataset<float>>? TestSplit => _test is { } test
        ? () =>
        {
            _stop.Cancel();
            return test.Task.GetAwaiter().GetResult();
        }
        : null;

    /// <summary>Whether a warm-up was started.</summary>
    public bool Started => _task is not null;

    /// <summary>
    /// Starts the warm-up when the data is Fashion-MNIST (<paramref name="dataset"/>, a --dataset name) and there is a
    /// second thread; <paramref name="sizes"/> are --layers' sizes when given, null for the options' hidden layers;
    /// <paramref name="dataDirectory"/> is --data-dir (null: the default folder).
    /// </summary>
    public static LoadingWarmUp Start(string? dataset, ClassifierOptions options, int[]? sizes, string? dataDirectory)
    {
        const int Features = 28 * 28;
        int classes = FashionMnist.ClassNames.Count;
        bool large = string.Equals(dataset?.Trim(), "fashion-mnist", StringComparison.OrdinalIgnoreCase);
        bool fits = sizes is null || (sizes.Length >= 2 && sizes[0] == Features && sizes[^1] == classes);
        if (!large || !fits || Engine.ThreadCount < 2)
        {
            return None;
        }
        return new LoadingWarmUp(sizes is null ? options : options with { HiddenLayers = sizes[1..^1] }, Features, classes, dataDirectory);
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

    private static void Run(ClassifierOptions options, int features, int classes, string? dataDirectory, TaskCompletionSource<Dataset<float>> test,
        CancellationToken stop)
    {
        // First a short warm-up (the steps that compile the training code; more only help a busy machine), then the test
        // split, a sixth of the training split's bytes, so that both fit in the time the training split takes to read;
        // then more warm-up until the loading thread has its rows. Reading the test split beside the warm-up instead
        // would take a core from the loading thread.
        WarmUp(options, features, classes, stop, FirstSteps);
        try
        {
            test.SetResult(FashionMnist.LoadTest<float>(dataDirectory));
        }
        catch (Exception e)
        {
            // Reported where the split is used (TestSplit), as if read there.
            test.SetException(e);
        }
        if (!stop.IsCancellationRequested)
        {
            WarmUp(options, features, classes, stop, RestSteps);
        }
    }

    // Steps of the warm-up before the test split is read (enough to compile every per-step method at its last tier),
    // and the most after it: 600 in all, the library's default.
    private const int FirstSteps = 200;
    private const int RestSteps = 400;

    private static void WarmUp(ClassifierOptions options, int features, int classes, CancellationToken stop, int steps)
    {
        try
        {
            ClassifierRun.WarmUp(options, features, classes, imageBytes: true, stop, steps);
        }
        catch (Exception)
        {
            // Options the real run rejects (it reports them itself), or anything else: a warm-up that fails costs only
            // speed, and must not turn into an error of the run (Stop would rethrow it from Wait).
        }
    }
}
