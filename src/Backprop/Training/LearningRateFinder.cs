using System.Numerics;

namespace Backprop.Training;

/// <summary>
/// The learning-rate range test (Smith, "Cyclical learning rates for training neural networks", 2017; the form
/// fastai's lr_find made popular): train with a rate that grows exponentially from a tiny one to a huge one,
/// η_i = η_start (η_end / η_start)^((i − 1) / (steps − 1)), record each batch's loss, and stop when the smoothed loss
/// blows up. A good rate is where the smoothed loss falls fastest: the step with the most negative slope
/// d(smoothed loss) / d(ln η), looked for among the steps up to the loss's minimum, after the first 1 / (1 − β) steps
/// (the moving average's window, over which it still mostly reflects the noise of a few batches).
/// The test trains the network it is given: build a fresh one for the real run.
/// </summary>
public static class LearningRateFinder
{
    // Dropout masks come from the network's own stream, as in the trainer.
    private const long DropoutSeedSalt = 0x5DEECE66DL;

    /// <summary>
    /// Sweeps the rate of <paramref name="optimizer"/> over mini-batches of <paramref name="data"/> (reshuffled at every
    /// pass), updating <paramref name="network"/> at every step, and suggests a rate.
    /// </summary>
    /// <param name="network">The network to train; its parameters are changed (and are useless afterwards).</param>
    /// <param name="optimizer">The optimizer whose learning rate is swept; its rate is set before every step.</param>
    /// <param name="data">The (scaled) training rows.</param>
    /// <param name="options">The sweep; null for the defaults.</param>
    /// <param name="onStep">Called after every step; null for none.</param>
    /// <param name="cancellation">Stops the sweep after the current step; the steps so far are returned.</param>
    /// <exception cref="ArgumentException">The data's widths disagree with the network, or it has no rows.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A rate is not positive, the end rate is not above the start rate,
    /// fewer than 2 steps, a batch size below 1, a smoothing outside [0, 1) or a divergence factor not above 1.</exception>
    public static LearningRateSweep Run<T>(Network<T> network, IOptimizer<T> optimizer, Dataset<T> data, LearningRateSweepOptions? options = null,
        Action<LearningRateStep>? onStep = null, CancellationToken cancellation = default) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(data);
        options ??= new LearningRateSweepOptions();
        Check(options);
        if (data.FeatureCount != network.InputSize || data.OutputCount != network.OutputSize)
        {
            throw new ArgumentException($"The data has {data.FeatureCount} features and {data.OutputCount} outputs but the network takes {network.InputSize} and gives {network.OutputSize}.", nameof(data));
        }
        if (data.Count == 0)
        {
            throw new ArgumentException("The data has no rows.", nameof(data));
        }

        int batchSize = Math.Min(options.BatchSize, data.Count);
        var rng = new Rng(options.Seed);
        network.Reseed(options.Seed ^ DropoutSeedSalt);
        int[] order = [.. Enumerable.Range(0, data.Count)];
        int next = data.Count; // start with a shuffle
        double growth = Math.Log(options.EndRate / options.StartRate) / (options.Steps - 1);
        double beta = options.Smoothing;
        double average = 0;
        double best = double.PositiveInfinity;
        bool diverged = false;
        var steps = new List<LearningRateStep>(options.Steps);
        for (int i = 0; i < options.Steps && !cancellation.IsCancellationRequested; i++)
        {
            if (next + batchSize > data.Count)
            {
                rng.Shuffle(order.AsSpan());
                next = 0;
            }
            double rate = options.StartRate * Math.Exp(growth * i);
            optimizer.LearningRate = rate;
            Span<T> x = network.InputBuffer(batchSize);
            Span<T> t = network.TargetBuffer(batchSize);
            data.Gather(order.AsSpan(next, batchSize), x, t);
            next += batchSize;
            double loss = double.CreateChecked(network.Forward(x, t, batchSize));
            if (!double.IsFinite(loss))
            {
                diverged = true;
                break;
            }
            network.Backward();
            optimizer.Step(network.Parameters, network.Gradients);
            average = beta * average + (1 - beta) * loss;
            double smoothed = average / (1 - Math.Pow(beta, i + 1));
            var step = new LearningRateStep(i + 1, rate, loss, smoothed);
            steps.Add(step);
            onStep?.Invoke(step);
            best = Math.Min(best, smoothed);
            if (smoothed > options.DivergenceFactor * best)
            {
                diverged = true;
                break;
            }
        }
        return new LearningRateSweep(steps, Suggest(steps, (int)Math.Ceiling(1 / (1 - beta) - 1e-9)), diverged);
    }

    /// <summary>
    /// The step (from 1) where the smoothed loss falls fastest against ln η, among the steps from
    /// <paramref name="skip"/> + 1 to its minimum; the slope at step i is the central difference
    /// (s_{i+1} − s_{i−1}) / (ln η_{i+1} − ln η_{i−1}). Null when the loss never fell there.
    /// </summary>
    internal static int? Suggest(IReadOnlyList<LearningRateStep> steps, int skip)
    {
        int minimum = 0;
        for (int i = 1; i < steps.Count; i++)
        {
            if (steps[i].SmoothedLoss < steps[minimum].SmoothedLoss)
            {
                minimum = i;
            }
        }
        int? steepest = null;
        double steepestSlope = 0;
        for (int i = Math.Max(1, skip); i <= minimum && i + 1 < steps.Count; i++)
        {
            double slope = (steps[i + 1].SmoothedLoss - steps[i - 1].SmoothedLoss)
                / (Math.Log(steps[i + 1].LearningRate) - Math.Log(steps[i - 1].LearningRate));
            if (slope < steepestSlope)
            {
                steepestSlope = slope;
                steepest = i + 1;
            }
        }
        return steepest;
    }

    private static void Check(LearningRateSweepOptions options)
    {
        if (!(options.StartRate > 0) || !double.IsFinite(options.StartRate))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.StartRate, "The start rate must be a positive number.");
        }
        if (!(options.EndRate > options.StartRate) || !double.IsFinite(options.EndRate))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.EndRate, "The end rate must be a number above the start rate.");
        }
        if (options.Steps < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Steps, "The sweep needs at least 2 steps.");
        }
        if (options.BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, "The batch size must be at least 1.");
        }
        if (!(options.Smoothing >= 0 && options.Smoothing < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Smoothing, "The smoothing β must be in [0, 1).");
        }
        if (!(options.DivergenceFactor > 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.DivergenceFactor, "The divergence factor must be above 1.");
        }
    }
}
