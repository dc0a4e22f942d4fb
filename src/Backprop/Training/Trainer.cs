using System.Diagnostics;
using System.Numerics;

namespace Backprop.Training;

/// <summary>
/// The epoch loop: each epoch's batches run on the training step chosen once per Fit (<see cref="ReferenceStep{T}"/>:
/// forward, backward, optimizer step; or <see cref="FusedStep{T}"/>, the same bits faster). Around it: the
/// learning-rate schedule, validation after every epoch, early stopping with the best parameters restored, the seed of
/// the network's stochastic layers (dropout), cancellation after the current batch, and checkpoints.
/// Buffers are allocated once per run; a step allocates nothing. Callbacks run on the calling thread; the kernels split
/// their work into fixed blocks over the worker threads, so a seed gives bit-identical parameters on every run and with
/// any thread count.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed class Trainer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    // Dropout masks come from the network's own stream, so adding dropout does not change the shuffles.
    private const long DropoutSeedSalt = 0x5DEECE66DL;

    private readonly List<EpochReport> _history = [];
    private Rng _rng = new(0);
    private int _epochsDone;
    private double _bestLoss = double.PositiveInfinity;
    private int _bestEpoch;
    private int _wait;
    private T[]? _bestParameters;
    private double _baseRate;
    private bool _resumed;

    /// <summary>Creates a trainer for <paramref name="network"/> updated by <paramref name="optimizer"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (epochs, batch size, patience).</exception>
    public Trainer(Network<T> network, IOptimizer<T> optimizer, TrainingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(optimizer);
        Network = network;
        Optimizer = optimizer;
        Options = options ?? new TrainingOptions();
        if (Options.MaxEpochs < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.MaxEpochs, "MaxEpochs must be at least 1.");
        }
        if (Options.BatchSize < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.BatchSize, "BatchSize must be 0 (whole set) or positive.");
        }
        if (Options.Patience is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.Patience, "Patience must be at least 1 epoch.");
        }
        _baseRate = optimizer.LearningRate;
    }

    /// <summary>The network being trained.</summary>
    public Network<T> Network { get; }

    /// <summary>The optimizer applying the updates.</summary>
    public IOptimizer<T> Optimizer { get; }

    /// <summary>The run's options.</summary>
    public TrainingOptions Options { get; }

    /// <summary>Called after every batch's update (for progress displays); runs on the training thread.</summary>
    public Action<BatchReport>? BatchCompleted { get; set; }

    /// <summary>
    /// Whether <see cref="BatchCompleted"/> may use the network (run it, read its parameters). True by default. A display
    /// that reads only the report sets false: the trainer may then compute the next batch's first layer in the same
    /// parallel job as the update, before the callback runs.
    /// </summary>
    public bool BatchCompletedUsesNetwork { get; set; } = true;

    /// <summary>Runs every batch on the reference step (<see cref="ReferenceStep{T}"/>): tests compare the fast step to it.</summary>
    internal bool UseReferenceStep { get; set; }

    /// <summary>
    /// Trains on <paramref name="data"/> until the loss threshold, the epoch limit or cancellation, calling
    /// <paramref name="onEpoch"/> after every epoch.
    /// </summary>
    /// <exception cref="ArgumentException">The data's widths disagree with the network.</exception>
    /// <exception cref="TrainingDivergedException">A batch loss became NaN or infinite.</exception>
    public TrainingResult Fit(Dataset<T> data, Action<EpochReport>? onEpoch = null, CancellationToken cancellation = default)
        => Run(data, null, onEpoch, cancellation);

    /// <summary>
    /// Trains on <paramref name="train"/>, measuring loss and accuracy on <paramref name="validation"/> after every epoch
    /// (used by early stopping and by the reduce-on-plateau schedule), calling <paramref name="onEpoch"/> after every epoch.
    /// After <see cref="Restore"/> it continues from the checkpoint's epoch.
    /// </summary>
    /// <exception cref="ArgumentException">The data's widths disagree with the network, or early stopping has no validation data.</exception>
    /// <exception cref="TrainingDivergedException">A batch loss became NaN or infinite.</exception>
    public TrainingResult Fit(Dataset<T> train, Dataset<T>? validation, Action<EpochReport>? onEpoch = null, CancellationToken cancellation = default)
        => Run(train, validation, onEpoch, cancellation);

    private TrainingResult Run(Dataset<T> data, Dataset<T>? validation, Action<EpochReport>? onEpoch, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckWidths(data, nameof(data));
        if (validation is not null)
        {
            CheckWidths(validation, nameof(validation));
        }
        if (Options.Patience is not null && (validation is null || validation.Count == 0))
        {
            throw new ArgumentException("Early stopping (patience) needs validation data.", nameof(validation));
        }

        if (!_resumed)
        {
            _rng = new Rng(Options.Seed);
            _epochsDone = 0;
            _history.Clear();
            _bestLoss = double.PositiveInfinity;
            _bestEpoch = 0;
            _wait = 0;
            _bestParameters = null;
            _baseRate = Optimizer.LearningRate;
            Options.Schedule?.Reset();
            Network.Reseed(Options.Seed ^ DropoutSeedSalt);
        }
        _resumed = false;

        int batchSize = Options.BatchSize == 0 ? data.Count : Math.Min(Options.BatchSize, data.Count);
        int batches = (data.Count + batchSize - 1) / batchSize;
        var order = new int[data.Count];
        bool validating = validation is not null && validation.Count > 0;
        // Validation's work buffers; training gathers straight into the network.
        T[] x = validating ? new T[batchSize * data.FeatureCount] : [];
        T[] t = validating ? new T[batchSize * data.OutputCount] : [];
        T[] output = validating ? new T[batchSize * data.OutputCount] : [];
        int[] validationRows = validating ? [.. Enumerable.Range(0, validation!.Count)] : [];
        StepExecution<T> step = StepExecution<T>.Choose(this, batches);
        // One clock reading per epoch: an epoch starts where the previous one ended, unless a callback ran between
        // them (the callback's time is nobody's epoch). Epochs too short for that (see GroupedEpochSeconds) are timed
        // in groups: `untimed` reports at the end of the history still wait for their group's reading.
        long epochStart = Stopwatch.GetTimestamp();
        int untimed = 0;
        double lastSeconds = double.PositiveInfinity;
        // A checkpoint written in the epoch that triggered early stopping resumes into the same stop.
        StopReason? stop = Options.Patience is int p && _wait >= p ? StopReason.EarlyStopped : null;

        try
        {
            for (int epoch = _epochsDone + 1; epoch <= Options.MaxEpochs && stop is null; epoch++)
            {
                if (Options.Schedule is not null)
                {
                    step.InputsMayHaveChanged();
                    Optimizer.LearningRate = Options.Schedule.RateAt(epoch, Options.MaxEpochs, _baseRate);
                }
                double rate = Optimizer.LearningRate;
                Reorder(order, batches);
                EpochPass pass = step.RunEpoch(data, order, batchSize, epoch, cancellation);
                stop ??= pass.Stop;
                bool complete = pass.Complete;
                double epochLoss = pass.Loss;
                double? validationLoss = null;
                double? validationAccuracy = null;
                if (validating && complete)
                {
                    (double vLoss, validationAccuracy) = Measure(validation!, validationRows, x, t, output, batchSize);
                    validationLoss = vLoss;
                }
                if (complete && EndEpoch(epoch, epochLoss, validationLoss) && stop is null)
                {
                    stop = StopReason.EarlyStopped;
                }
                var report = new EpochReport(epoch, epochLoss, 0)
                {
                    LearningRate = rate,
                    ValidationLoss = validationLoss,
                    ValidationAccuracy = validationAccuracy,
                };
                _history.Add(report);
                untimed++;
                bool grouped = onEpoch is null && lastSeconds < GroupedEpochSeconds;
                if (!grouped || untimed == EpochsPerReading || stop is not null || epoch == Options.MaxEpochs)
                {
                    lastSeconds = TimeUntimed(ref epochStart, ref untimed);
                }
                if (onEpoch is not null)
                {
                    onEpoch(report);
                    step.InputsMayHaveChanged();
                    epochStart = Stopwatch.GetTimestamp();
                }
            }
        }
        finally
        {
            TimeUntimed(ref epochStart, ref untimed);
            WorkerPool.WaitForBackground();
        }

        return Result(stop);
    }

    // The epoch's order of rows: 0 .. n − 1, shuffled when asked and there is more than one batch.
    private void Reorder(int[] order, int batches)
    {
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        if (Options.Shuffle && batches > 1)
        {
            _rng.Shuffle(order.AsSpan());
        }
    }

    // After a complete epoch: the schedule sees the monitored loss, early stopping keeps the best parameters; returns
    // whether patience has run out.
    private bool EndEpoch(int epoch, double epochLoss, double? validationLoss)
    {
        Options.Schedule?.Observe(epoch, validationLoss ?? epochLoss);
        _epochsDone = epoch;
        if (Options.Patience is not int patience || validationLoss is not double v)
        {
            return false;
        }
        if (v < _bestLoss)
        {
            _bestLoss = v;
            _bestEpoch = epoch;
            _wait = 0;
            _bestParameters ??= new T[Network.ParameterCount];
            Network.Parameters.CopyTo(_bestParameters);
            return false;
        }
        return ++_wait >= patience;
    }

    // The run's result; with early stopping the best epoch's parameters are put back first.
    private TrainingResult Result(StopReason? stop)
    {
        int? best = null;
        if (Options.Patience is not null && _bestParameters is not null)
        {
            _bestParameters.CopyTo(Network.Parameters);
            best = _bestEpoch;
        }
        EpochReport? last = _history.Count > 0 ? _history[^1] : null;
        var losses = new double[_history.Count];
        for (int i = 0; i < losses.Length; i++)
        {
            losses[i] = _history[i].Loss;
        }
        return new TrainingResult(last?.Epoch ?? 0, last?.Loss ?? double.NaN, stop ?? StopReason.MaxEpochs, losses)
        {
            History = [.. _history],
            BestEpoch = best,
        };
    }

    // Epochs shorter than this that nobody watches as they end (no epoch callback) are timed in groups of up to
    // EpochsPerReading, one clock reading per group, each epoch's Seconds the group's mean. A reading costs some 20 ns,
    // an eighth of an epoch of the article's network; in a group its own cost is spread instead of added to each epoch.
    private const int EpochsPerReading = 64;

    /// <summary>The epoch length below which unwatched epochs are timed in groups (20 µs). Tests change it.</summary>
    internal static double GroupedEpochSeconds { get; set; } = 20e-6;

    // Gives the last `untimed` reports of the history the mean time since `start`; returns it and restarts the clock.
    private double TimeUntimed(ref long start, ref int untimed)
    {
        if (untimed == 0)
        {
            return 0;
        }
        long now = Stopwatch.GetTimestamp();
        double seconds = Stopwatch.GetElapsedTime(start, now).TotalSeconds / untimed;
        for (int i = _history.Count - untimed; i < _history.Count; i++)
        {
            _history[i].Seconds = seconds;
        }
        start = now;
        untimed = 0;
        return seconds;
    }

    private void CheckWidths(Dataset<T> data, string name)
    {
        if (data.FeatureCount != Network.InputSize)
        {
            throw new ArgumentException($"The data has {data.FeatureCount} features but the network takes {Network.InputSize} inputs.", name);
        }
        if (data.OutputCount != Network.OutputSize)
        {
            throw new ArgumentException($"The data has {data.OutputCount} {(data.IsClassification ? "classes" : "targets")} but the network has {Network.OutputSize} outputs.", name);
        }
        if (data.Count == 0 && name == "data")
        {
            throw new ArgumentException("The data has no rows.", name);
        }
    }

    // The validation loss, the mean over rows without dropout, and accuracy for class labels. The loss is the network's
    // own (Loss.Value of each chunk, weighted by its rows): Huber, binary cross-entropy and MSE report what they train
    // on. Cross-entropy on class labels is the log-loss of the predicted probabilities, −ln p(label) in double as
    // Evaluation reports it: the same quantity as the loss's value, without class weights, which weigh training only.
    private (double Loss, double? Accuracy) Measure(Dataset<T> data, int[] rows, T[] x, T[] t, T[] output, int chunk)
    {
        bool logLoss = data.IsClassification && Network.Loss is SoftmaxCrossEntropy;
        double lossSum = 0;
        int correct = 0;
        int k = data.OutputCount;
        for (int start = 0; start < data.Count; start += chunk)
        {
            int n = Math.Min(chunk, data.Count - start);
            data.Gather(rows.AsSpan(start, n), x, t);
            if (logLoss)
            {
                Network.Predict(x, n, output);
            }
            else
            {
                lossSum += double.CreateChecked(Network.EvaluationLoss(x, t, n, output)) * n;
            }
            for (int r = 0; r < n && data.IsClassification; r++)
            {
                ReadOnlySpan<T> p = output.AsSpan(r * k, k);
                int label = data.Labels[start + r];
                if (logLoss)
                {
                    lossSum += ClassificationMetrics.LogLossTerm(double.CreateChecked(p[label]));
                }
                if (ClassificationMetrics.ArgMax(p) == label)
                {
                    correct++;
                }
            }
        }
        return (lossSum / data.Count, data.IsClassification ? (double)correct / data.Count : null);
    }

    /// <summary>
    /// Captures everything a resumed run needs to continue bit-identically: parameters, optimizer state, learning rates,
    /// schedule state, shuffle and dropout generator positions, the epoch, the early-stopping record and the history.
    /// Call it between epochs (from the epoch callback) or after <see cref="Fit(Dataset{T}, Dataset{T}?, Action{EpochReport}?, CancellationToken)"/>.
    /// </summary>
    /// <param name="settings">Optional description of the run (options as text), stored for checks on resume.</param>
    public TrainingCheckpoint CreateCheckpoint(IReadOnlyDictionary<string, string>? settings = null)
    {
        var optimizerState = Optimizer as IStatefulOptimizer<T>;
        return new TrainingCheckpoint
        {
            Epoch = _epochsDone,
            Settings = settings ?? new Dictionary<string, string>(),
            Sizes = Network.Sizes,
            Activations = [.. Network.DenseLayers.Select(l => ActivationFunctions.Name(l.Activation))],
            Parameters = ToDoubles(Network.Parameters),
            OptimizerKind = optimizerState?.Kind ?? Optimizer.GetType().Name,
            OptimizerStateNames = optimizerState is null ? [] : [.. optimizerState.StateBuffers(Network.ParameterCount).Select(b => b.Key)],
            LearningRate = Optimizer.LearningRate,
            BaseLearningRate = _baseRate,
            OptimizerSteps = optimizerState?.Steps ?? 0,
            OptimizerState = optimizerState is null ? [] : [.. optimizerState.StateBuffers(Network.ParameterCount).Select(b => ToDoubles(b.Value))],
            LayerStateNames = [.. LayerState().Select(s => s.Key)],
            LayerState = [.. LayerState().Select(s => ToDoubles(s.Value))],
            Schedule = Options.Schedule?.Describe(),
            ScheduleState = Options.Schedule?.SaveState() ?? [],
            ShuffleState = _rng.State,
            DropoutState = Network.IsStochastic ? Network.Random.State : 0,
            BestLoss = _bestLoss,
            BestEpoch = _bestEpoch,
            Wait = _wait,
            BestParameters = _bestParameters is null ? null : ToDoubles(_bestParameters),
            History = [.. _history],
        };
    }

    /// <summary>
    /// Puts the network, optimizer, schedule and this trainer back into the state of <paramref name="checkpoint"/>;
    /// the next Fit continues with the epoch after it. Use the same options, data and seed as the run that wrote it.
    /// </summary>
    /// <exception cref="InvalidDataException">The checkpoint's architecture, optimizer or schedule differs from this trainer's.</exception>
    public void Restore(TrainingCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        try
        {
            RestoreChecked(checkpoint);
        }
        catch (InvalidDataException e) when (checkpoint.Source is not null)
        {
            throw new InvalidDataException($"{checkpoint.Source}: {e.Message}", e);
        }
    }

    private void RestoreChecked(TrainingCheckpoint checkpoint)
    {
        string[] activations = [.. Network.DenseLayers.Select(l => ActivationFunctions.Name(l.Activation))];
        if (!checkpoint.Sizes.SequenceEqual(Network.Sizes) || !checkpoint.Activations.SequenceEqual(activations))
        {
            throw new InvalidDataException($"the checkpoint is for layers {string.Join(",", checkpoint.Sizes)} ({string.Join(",", checkpoint.Activations)}) but this network has {string.Join(",", Network.Sizes)} ({string.Join(",", activations)})");
        }
        var optimizerState = Optimizer as IStatefulOptimizer<T>;
        string kind = optimizerState?.Kind ?? Optimizer.GetType().Name;
        if (checkpoint.OptimizerKind != kind)
        {
            throw new InvalidDataException($"the checkpoint was written with the {checkpoint.OptimizerKind} optimizer, but this run uses {kind}");
        }
        if (checkpoint.Schedule != Options.Schedule?.Describe())
        {
            throw new InvalidDataException($"the checkpoint was written with schedule {checkpoint.Schedule ?? "none"}, but this run uses {Options.Schedule?.Describe() ?? "none"}");
        }
        if (checkpoint.Epoch > Options.MaxEpochs)
        {
            throw new InvalidDataException($"the checkpoint is at epoch {checkpoint.Epoch}, beyond this run's {Options.MaxEpochs} epochs");
        }
        if (checkpoint.Parameters.Length != Network.ParameterCount || (checkpoint.BestParameters is not null && checkpoint.BestParameters.Length != Network.ParameterCount))
        {
            throw new InvalidDataException($"the checkpoint holds {checkpoint.Parameters.Length} parameters but the network has {Network.ParameterCount}");
        }
        if (optimizerState is not null)
        {
            IReadOnlyList<KeyValuePair<string, T[]>> buffers = optimizerState.StateBuffers(Network.ParameterCount);
            if (buffers.Count != checkpoint.OptimizerState.Length || checkpoint.OptimizerState.Any(s => s.Length != Network.ParameterCount))
            {
                throw new InvalidDataException($"the checkpoint's optimizer state does not fit a {kind} optimizer over {Network.ParameterCount} parameters");
            }
            // Files from before the state had names carry none; otherwise the names must match, in order.
            if (checkpoint.OptimizerStateNames.Count > 0 && !checkpoint.OptimizerStateNames.SequenceEqual(buffers.Select(b => b.Key)))
            {
                throw new InvalidDataException($"the checkpoint's optimizer state is {string.Join(", ", checkpoint.OptimizerStateNames)} but a {kind} optimizer keeps {string.Join(", ", buffers.Select(b => b.Key))}");
            }
            for (int i = 0; i < buffers.Count; i++)
            {
                FromDoubles(checkpoint.OptimizerState[i], buffers[i].Value);
            }
            optimizerState.Steps = checkpoint.OptimizerSteps;
        }
        Options.Schedule?.RestoreState(checkpoint.ScheduleState);
        KeyValuePair<string, T[]>[] layerState = LayerState();
        if (!checkpoint.LayerStateNames.SequenceEqual(layerState.Select(s => s.Key))
            || checkpoint.LayerState.Length != layerState.Length
            || checkpoint.LayerState.Where((s, i) => s.Length != layerState[i].Value.Length).Any())
        {
            throw new InvalidDataException($"the checkpoint's layer state ({string.Join(", ", checkpoint.LayerStateNames)}) does not fit this network's ({string.Join(", ", layerState.Select(s => s.Key))})");
        }
        for (int i = 0; i < layerState.Length; i++)
        {
            FromDoubles(checkpoint.LayerState[i], layerState[i].Value);
        }
        FromDoubles(checkpoint.Parameters, Network.Parameters);
        Optimizer.LearningRate = checkpoint.LearningRate;
        _baseRate = checkpoint.BaseLearningRate;
        _rng = new Rng(0) { State = checkpoint.ShuffleState };
        Network.Reseed(0);
        Network.Random.State = checkpoint.DropoutState;
        _epochsDone = checkpoint.Epoch;
        _bestLoss = checkpoint.BestLoss;
        _bestEpoch = checkpoint.BestEpoch;
        _wait = checkpoint.Wait;
        _bestParameters = null;
        if (checkpoint.BestParameters is not null)
        {
            _bestParameters = new T[Network.ParameterCount];
            FromDoubles(checkpoint.BestParameters, _bestParameters);
        }
        _history.Clear();
        _history.AddRange(checkpoint.History);
        _resumed = true;
    }

    // Every layer's state buffers, named "layer{index}.{name}" (index from 1), in layer order.
    private KeyValuePair<string, T[]>[] LayerState()
        => [.. Network.Layers.SelectMany(l => l.StateBuffers.Select(s => new KeyValuePair<string, T[]>($"layer{l.Index + 1}.{s.Key}", s.Value)))];

    // T → double is exact for float and double, and back again.
    private static double[] ToDoubles(ReadOnlySpan<T> values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = double.CreateChecked(values[i]);
        }
        return result;
    }

    private static void FromDoubles(double[] values, Span<T> destination)
    {
        for (int i = 0; i < values.Length; i++)
        {
            destination[i] = T.CreateChecked(values[i]);
        }
    }
}
