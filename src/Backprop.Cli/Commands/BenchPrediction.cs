using System.Diagnostics;

namespace Backprop.Cli.Commands;

/// <summary>
/// The prediction rows of `backprop bench`, through the public <see cref="Model"/> (no rescaling, as the peers feed
/// their networks): one row's latency, 10 000 rows' throughput, and one-row predictions from one and from two threads
/// sharing one model.
/// </summary>
internal static class BenchPrediction
{
    /// <summary>The model the rows use: <paramref name="network"/> with named features and classes and no rescaling.</summary>
    public static Model FashionModel(Network<float> network) => new(
        network, [.. Enumerable.Range(0, BenchWorkloads.Inputs).Select(i => $"pixel{i}")], "label",
        [.. Enumerable.Range(0, BenchWorkloads.Classes).Select(c => $"class{c}")],
        new FeatureScaler(ScalingKind.None, new double[BenchWorkloads.Inputs], [.. Enumerable.Repeat(1.0, BenchWorkloads.Inputs)]));

    /// <summary>
    /// Median seconds of one call predicting one row into a span, cycling over the first 1000 rows of
    /// <paramref name="features"/> after a tenth of the calls as warm-up (what the peers' predict1 measures).
    /// </summary>
    public static double OneRowSeconds(Model model, ReadOnlySpan<float> features, int calls)
    {
        int d = BenchWorkloads.Inputs;
        int rows = Math.Min(1000, features.Length / d);
        Span<float> probabilities = stackalloc float[BenchWorkloads.Classes];
        for (int i = 0; i < Math.Max(10, calls / 10); i++)
        {
            model.PredictProbabilities(features.Slice(i % rows * d, d), probabilities);
        }
        var times = new double[calls];
        for (int i = 0; i < calls; i++)
        {
            long start = Stopwatch.GetTimestamp();
            model.PredictProbabilities(features.Slice(i % rows * d, d), probabilities);
            times[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        Array.Sort(times);
        return times[calls / 2];
    }

    /// <summary>
    /// One-row predictions per second with <paramref name="threads"/> threads predicting at once through one model,
    /// each making <paramref name="calls"/> calls over its own rows; the best of <paramref name="repeat"/> runs.
    /// </summary>
    public static double OneRowThroughput(Model model, float[] features, int threads, int calls, int repeat)
    {
        int d = BenchWorkloads.Inputs;
        int rows = Math.Min(1000, features.Length / d);
        double best = 0;
        for (int run = 0; run <= repeat; run++)
        {
            using var start = new Barrier(threads + 1);
            var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
            {
                var probabilities = new float[BenchWorkloads.Classes];
                start.SignalAndWait();
                for (int i = 0; i < calls; i++)
                {
                    model.PredictProbabilities(features.AsSpan((i + t * 7) % rows * d, d), probabilities);
                }
            })).ToArray();
            foreach (Thread worker in workers)
            {
                worker.Start();
            }
            start.SignalAndWait();
            long begin = Stopwatch.GetTimestamp();
            foreach (Thread worker in workers)
            {
                worker.Join();
            }
            double seconds = Stopwatch.GetElapsedTime(begin).TotalSeconds;
            // The first run warms the threads' buffers and the JIT; it is not counted.
            if (run > 0)
            {
                best = Math.Max(best, threads * (double)calls / seconds);
            }
        }
        return best;
    }
}
