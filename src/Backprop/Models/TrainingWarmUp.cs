namespace Backprop.Models;

/// <summary>
/// A throwaway training run that makes the runtime compile a real run's code before that run starts
/// (<see cref="ClassifierRun.WarmUp"/>): the network the options describe, trained on a few synthetic rows of the real
/// shape with the same kernels, layer kinds, activations, loss, optimizer, fused step, batch gathering (from image bytes
/// where the real data is images) and prediction. The per-step methods are compiled when first called and again,
/// optimised, once they have been called some 30 times (twice as many with dynamic PGO's instrumented tier between);
/// the first epoch of a real run otherwise pays for both, while the kernels still run unoptimised.
/// </summary>
/// <remarks>
/// It shares nothing that decides results with the real run: its own network, optimizer, trainer, seed and data, and
/// its kernels run on the calling thread alone (<see cref="WorkerPool.CallerOnly"/>), so it neither takes the worker
/// threads from a job of the real run nor feeds their straggler rule (its slow first calls would make the pool run
/// alone for a while). The schedule, which has state of its own, is left out; what it does once an epoch is not hot.
/// </remarks>
internal static class TrainingWarmUp
{
    /// <summary>
    /// The most training steps run, in epochs of three batches (the last one short). The methods reach their last tier
    /// after some 60 calls, but the runtime compiles that tier on a thread of its own, which on a busy machine falls
    /// behind: more steps give it time to catch up. A caller that stops the warm-up when its data has loaded
    /// (cancellation) uses the time loading takes, whichever is shorter.
    /// </summary>
    public const int MaxSteps = 600;

    /// <summary>
    /// The steps run where the runtime compiles each method once, optimised, at its first call (tiered compilation
    /// off): two epochs of three batches reach every per-step method, and more steps would
    /// only take the core from the loading thread.
    /// </summary>
    public const int UntieredSteps = 6;

    /// <summary>
    /// Whether the runtime compiles methods in tiers: the default, unless DOTNET_TieredCompilation=0 (or the older
    /// COMPlus_ prefix) in the environment, or an application's runtimeconfig.json, turns it off.
    /// </summary>
    internal static bool Tiered
    {
        get
        {
            foreach (string name in (ReadOnlySpan<string>)["DOTNET_TieredCompilation", "COMPlus_TieredCompilation"])
            {
                if (Environment.GetEnvironmentVariable(name)?.Trim() is { Length: > 0 } value)
                {
                    return value != "0";
                }
            }
            return !AppContext.TryGetSwitch("System.Runtime.TieredCompilation", out bool tiered) || tiered;
        }
    }

    /// <summary>Runs the warm-up, at most <paramref name="maxSteps"/> steps (whole epochs of three); returns the steps run (fewer when cancelled).</summary>
    public static int Run(ClassifierOptions options, int featureCount, int classCount, bool imageBytes, CancellationToken cancellation, int maxSteps = MaxSteps)
    {
        bool callerOnly = WorkerPool.CallerOnly;
        WorkerPool.CallerOnly = true;
        int steps = 0;
        try
        {
            // The real run's first parallel job would otherwise start the worker threads.
            WorkerPool.Start();
            int batch = options.BatchSize;
            Dataset<float> train = Synthetic(2 * batch + Math.Max(1, batch / 2), featureCount, classCount, imageBytes);
            Dataset<float> validation = Synthetic(Math.Min(batch, 16), featureCount, classCount, imageBytes);
            FeatureScaler scaler = FeatureScaler.Fit(train, options.Scaling);
            train.Rescale(scaler);
            validation.Rescale(scaler);
            ClassifierOptions warmUp = options with
            {
                Epochs = Math.Max(1, (Tiered ? maxSteps : Math.Min(maxSteps, UntieredSteps)) / 3),
                Seed = 0,
                Schedule = null,
                Patience = null,
                InitialModel = null,
            };
            var run = new ClassifierRun(warmUp, train);
            // As the CLI trains: a batch display that reads only the reports lets the trainer run the next batch's
            // first layer in the update's job.
            run.Trainer.BatchCompleted = _ => steps++;
            run.Trainer.BatchCompletedUsesNetwork = false;
            TrainingResult result = run.Trainer.Fit(train, validation, _ => { }, cancellation);
            if (!cancellation.IsCancellationRequested)
            {
                run.ToModel(result, "label", scaler).EvaluateScaled(validation);
            }
        }
        catch (TrainingDivergedException)
        {
            // Synthetic rows and a large learning rate: the code has run, which is all a warm-up is for.
        }
        finally
        {
            WorkerPool.CallerOnly = callerOnly;
        }
        return steps;
    }

    // Rows of a fixed pattern, every class present: image bytes 0 … 255, or features in [0, 1).
    private static Dataset<float> Synthetic(int rows, int featureCount, int classCount, bool imageBytes)
    {
        var labels = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            labels[r] = r % classCount;
        }
        if (imageBytes)
        {
            var pixels = new byte[rows * featureCount];
            for (int i = 0; i < pixels.Length; i++)
            {
                pixels[i] = (byte)(i * 37 % 251);
            }
            return Dataset<float>.FromPixels(pixels, featureCount, labels, classCount);
        }
        var features = new float[rows * featureCount];
        for (int i = 0; i < features.Length; i++)
        {
            features[i] = i * 37 % 251 / 251f;
        }
        return new Dataset<float>(features, featureCount, labels, classCount);
    }
}
