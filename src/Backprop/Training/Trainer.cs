using System.Diagnostics;
using System.Numerics;

namespace Backprop;

/// <summary>
/// The epoch and batch loop: for each batch, forward (loss), backward (gradients of the mean loss), optimizer step.
/// Buffers are allocated once per run; a step allocates nothing.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed class Trainer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates a trainer for <paramref name="network"/> updated by <paramref name="optimizer"/>.</summary>
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
    }

    /// <summary>The network being trained.</summary>
    public Network<T> Network { get; }

    /// <summary>The optimizer applying the updates.</summary>
    public IOptimizer<T> Optimizer { get; }

    /// <summary>The run's options.</summary>
    public TrainingOptions Options { get; }

    /// <summary>
    /// Trains on <paramref name="data"/> until the loss threshold, the epoch limit or cancellation, calling
    /// <paramref name="onEpoch"/> after every epoch.
    /// </summary>
    /// <exception cref="ArgumentException">The data's widths disagree with the network.</exception>
    /// <exception cref="TrainingDivergedException">A batch loss became NaN or infinite.</exception>
    public TrainingResult Fit(Dataset<T> data, Action<EpochReport>? onEpoch = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.FeatureCount != Network.InputSize)
        {
            throw new ArgumentException($"The data has {data.FeatureCount} features but the network takes {Network.InputSize} inputs.", nameof(data));
        }
        if (data.OutputCount != Network.OutputSize)
        {
            throw new ArgumentException($"The data has {data.OutputCount} {(data.IsClassification ? "classes" : "targets")} but the network has {Network.OutputSize} outputs.", nameof(data));
        }
        if (data.Count == 0)
        {
            throw new ArgumentException("The data has no rows.", nameof(data));
        }

        int batchSize = Options.BatchSize == 0 ? data.Count : Math.Min(Options.BatchSize, data.Count);
        int batches = (data.Count + batchSize - 1) / batchSize;
        var order = new int[data.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        var x = new T[batchSize * data.FeatureCount];
        var t = new T[batchSize * data.OutputCount];
        var rng = new Rng(Options.Seed);
        var curve = new List<double>();
        var clock = new Stopwatch();

        for (int epoch = 1; epoch <= Options.MaxEpochs; epoch++)
        {
            clock.Restart();
            if (Options.Shuffle && batches > 1)
            {
                rng.Shuffle(order.AsSpan());
            }
            double lossSum = 0;
            for (int b = 0; b < batches; b++)
            {
                int start = b * batchSize;
                int rows = Math.Min(batchSize, data.Count - start);
                data.Gather(order.AsSpan(start, rows), x, t);
                if (b + 1 < batches)
                {
                    data.Prefetch(order.AsSpan(start + rows, Math.Min(batchSize, data.Count - start - rows)));
                }
                double loss = double.CreateChecked(Network.Forward(x, t, rows));
                if (!double.IsFinite(loss))
                {
                    throw new TrainingDivergedException(epoch, loss);
                }
                lossSum += loss * rows;
                if (b == batches - 1)
                {
                    double epochLoss = lossSum / data.Count;
                    if (epochLoss < Options.LossThreshold)
                    {
                        curve.Add(epochLoss);
                        onEpoch?.Invoke(new EpochReport(epoch, epochLoss, clock.Elapsed.TotalSeconds));
                        return new TrainingResult(epoch, epochLoss, StopReason.LossBelowThreshold, curve);
                    }
                }
                Network.Backward();
                Optimizer.Step(Network.Parameters, Network.Gradients);
                if (cancellation.IsCancellationRequested)
                {
                    double partial = lossSum / (start + rows);
                    curve.Add(partial);
                    onEpoch?.Invoke(new EpochReport(epoch, partial, clock.Elapsed.TotalSeconds));
                    return new TrainingResult(epoch, partial, StopReason.Cancelled, curve);
                }
            }
            double mean = lossSum / data.Count;
            curve.Add(mean);
            onEpoch?.Invoke(new EpochReport(epoch, mean, clock.Elapsed.TotalSeconds));
        }
        return new TrainingResult(Options.MaxEpochs, curve[^1], StopReason.MaxEpochs, curve);
    }
}
