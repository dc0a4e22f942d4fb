namespace Backprop.Cli.Commands;

/// <summary>
/// While a large built-in data set loads (Fashion-MNIST: some 0.2 s of decompressing on one thread), a background
/// thread runs <see cref="ClassifierRun.WarmUp"/> with the run's options, so that the runtime compiles the training code
/// on the core the loading leaves idle instead of during the first epoch, and reads the test split in between
/// (<see cref="TestSplit"/>) while the calling thread reads the training split, unless the calling thread gets to it
/// first (then the warm-up runs its last steps meanwhile). Small data loads too quickly for that to pay
/// (the article's example must start in well under 150 ms), and with one thread there is no idle core to use.
/// </summary>
internal sealed class LoadingWarmUp : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _grace = new();
    private readonly CancellationTokenSource _compileGrace = new();
    private readonly Task? _task;
    private readonly TaskCompletionSource<Dataset<float>>? _test;
    private readonly string? _dataDirectory;

    // 1 once a thread has begun reading the test split (the warm-up's or the caller's).
    private int _testClaimed;

    // Guards the flags below: the grace period for the warm-up's first steps starts once the first two hold.
    private readonly Lock _gate = new();
    private bool _compiled;
    private bool _stopAsked;
    private bool _graceStarted;

    private LoadingWarmUp(ClassifierOptions? options, int features, int classes, string? dataDirectory)
    {
        _dataDirectory = dataDirectory;
        if (options is not null)
        {
            _test = new TaskCompletionSource<Dataset<float>>(TaskCreationOptions.RunContinuationsAsynchronously);
            _task = Task.Factory.StartNew(() => Run(options, features, classes), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
    }

    /// <summary>No warm-up (a run whose data is small or that fine-tunes a model).</summary>
    public static LoadingWarmUp None => new(null, 0, 0, null);

    /// <summary>
    /// Fashion-MNIST's test split (<see cref="FashionMnist.LoadTest{T}"/> from the --data-dir folder); null when no
    /// warm-up was started (the caller then reads the data itself). Called once the training split is in: the warm-up
    /// stops after its current batch, or, with batches of <see cref="MinStepsFromBatch"/> rows or more, if it has not
    /// yet run <see cref="MinSteps"/> steps, after those or <see cref="Grace"/>, whichever comes first. If the warm-up has begun reading the test split, this waits for it
    /// (and rethrows its error as reading it here would have); otherwise it reads the split itself meanwhile.
    /// </summary>
    public Func<Dataset<float>>? TestSplit => _test is { } test
        ? () =>
        {
            StopSoon();
            if (Interlocked.Exchange(ref _testClaimed, 1) == 0)
            {
                ReadTestSplit();
            }
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

    /// <summary>
    /// Stops the warm-up after its current batch (or its first <see cref="MinSteps"/>, within <see cref="Grace"/>) and
    /// waits for it, so that what follows has every core.
    /// </summary>
    public void Stop()
    {
        StopSoon();
        _task?.Wait();
    }

    // Asks the warm-up to stop after its current batch, or after its first MinSteps steps, for at most Grace once its
    // first epoch (which compiles the code) is done.
    private void StopSoon()
    {
        _stop.Cancel();
        lock (_gate)
        {
            if (!_stopAsked)
            {
                _compileGrace.CancelAfter(CompileGrace);
            }
            _stopAsked = true;
            StartGrace();
        }
    }

    // Called under _gate.
    private void StartGrace()
    {
        if (_compiled && _stopAsked && !_graceStarted)
        {
            _graceStarted = true;
            _grace.CancelAfter(Grace);
        }
    }

    /// <summary>Stops the warm-up (<see cref="Stop"/>), if it still runs.</summary>
    public void Dispose()
    {
        Stop();
        _stop.Dispose();
        _grace.Dispose();
        _compileGrace.Dispose();
    }

    private void Run(ClassifierOptions options, int features, int classes)
    {
        CancellationToken stop = _stop.Token;
        // First one epoch of three steps, which compiles the training code (the run would compile it otherwise; it stops
        // after its current step once the training split has been in for CompileGrace), then
        // for large batches the steps that bring a step's methods to their optimised tiers, even when the training
        // split is in before them (then for at most Grace more), then more of a short warm-up, then the test split, a sixth of the
        // training split's bytes, if the loading thread has not begun reading it itself; then more warm-up until the
        // loading thread has its rows. Reading the test split beside the warm-up instead would take a core from the
        // loading thread.
        WarmUp(options, features, classes, _compileGrace.Token, CompileSteps);
        lock (_gate)
        {
            _compiled = true;
            StartGrace();
        }
        if (options.BatchSize >= MinStepsFromBatch && !_compileGrace.IsCancellationRequested)
        {
            WarmUp(options, features, classes, _grace.Token, MinSteps - CompileSteps);
        }
        if (!stop.IsCancellationRequested)
        {
            WarmUp(options, features, classes, stop, FirstSteps - MinSteps);
        }
        if (Interlocked.Exchange(ref _testClaimed, 1) == 0)
        {
            ReadTestSplit();
        }
        if (!stop.IsCancellationRequested)
        {
            WarmUp(options, features, classes, stop, RestSteps);
        }
    }

    // Reads the test split into _test, on whichever thread claimed it; an error is reported where the split is used
    // (TestSplit), as if read there.
    private void ReadTestSplit()
    {
        try
        {
            _test!.SetResult(FashionMnist.LoadTest<float>(_dataDirectory));
        }
        catch (Exception e)
        {
            _test!.SetException(e);
        }
    }

    // Steps of the warm-up before the test split is read (enough to compile every per-step method at its last tier),
    // and the most after it: 600 in all, the library's default.
    private const int FirstSteps = 200;
    private const int RestSteps = 400;

    // The steps run even after the training split is in: each per-step method is then called some 60 times, which
    // takes it through dynamic PGO's instrumented tier to the optimised one. The first warm-up step compiles the
    // training code (some 150-200 ms on the Zen 4), about as long as the training split takes to read, so without
    // these the warm-up was cut after 1-4 steps in most runs and the first epoch at batch 256 took a median 1.29× the
    // others; with them, within Grace, 1.20× (1.09-1.19× with no time limit), the whole command as long (784-128-10,
    // SGD, `--scale none`, alternating runs). 128 steps brought the first epoch to 1.02-1.06× but the whole command
    // took 70 ms longer.
    private const int MinSteps = 64;

    // The warm-up's first epoch, the compiling of the training code: run to its end unless the training split has been
    // in for CompileGrace (a step of a very large network on one thread takes longer than the compiling); then the
    // MinSteps are skipped too.
    private const int CompileSteps = 3;

    // How long the first epoch may go on once the training split is in: its first step compiles the code, which here
    // ended 0-60 ms after the training split was read, and its other steps of 784-128-10 take a millisecond or two;
    // a step of 784-4096-4096-10 at batch 256 takes some 0.3 s on one thread.
    private static readonly TimeSpan CompileGrace = TimeSpan.FromMilliseconds(150);

    // The smallest batch for which the warm-up runs MinSteps after the data is in. At batch 64 the first epoch was
    // 1.07-1.17× the others without them (an epoch of 937 steps, of which the tiers take the first few dozen), and
    // waiting for them made the default command (batch 64, standardised) 20-60 ms longer in 7 of 8 alternating runs.
    private const int MinStepsFromBatch = 128;

    // The longest the warm-up goes on for MinSteps once the training split is in and its first epoch is done: a step
    // of a large network on one thread takes several milliseconds, and its first epoch is long enough that the tiers
    // matter less.
    private static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(50);

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
