using System.Diagnostics;

namespace Backprop.Benchmarks;

/// <summary>
/// The first layer's paired job (784-128: ∇W = δᵀ x with the SGD step, then the next batch's forward pass) with a
/// given share of δ zero, placed at random, summing every term of ∇W against leaving δ's zero terms out
/// (<see cref="PackedGemm.SkipZeroTerms"/>), alternating call by call: on one thread (all blocks on the calling thread)
/// and on two. Medians of 2000 calls each. SPLIT=rows or SPLIT=terms fixes the two-thread job's split (otherwise chosen by
/// time). Arguments: batch, zero share.
/// </summary>
internal static class SparseProbe
{
    public static void Run(TextWriter output, int k, double zeroShare)
    {
        const int m = 128, n = 784;
        var rng = new Rng(1);
        float[] delta = new float[k * m], gradient = new float[m * n];
        for (int i = 0; i < delta.Length; i++)
        {
            delta[i] = rng.NextDouble() < zeroShare ? 0f : (float)(rng.NextDouble() - 0.5);
        }
        // x as the trainer gathers it: 64-byte aligned rows.
        float[] xa = AlignedArray.Allocate<float>(k * n, out int xStart);
        Span<float> x = xa.AsSpan(xStart, k * n);
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)rng.NextDouble();
        }
        float[] weights = new float[m * n], bias = new float[m], sums = new float[m], z = new float[k * m], act = new float[k * m];
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = (float)(rng.NextDouble() - 0.5) * 0.1f;
        }
        string? splitBy = Environment.GetEnvironmentVariable("SPLIT");
        bool savedSkip = PackedGemm.SkipZeroTerms, savedChoice = PackedGemm.ChooseSplitByTime, savedSplit = PackedGemm.SplitForwardByK;
        int savedThreads = WorkerPool.ThreadCount;
        try
        {
            if (splitBy is not null)
            {
                PackedGemm.ChooseSplitByTime = false;
                PackedGemm.SplitForwardByK = splitBy == "terms";
            }
            WorkerPool.ThreadCount = 2;
            output.WriteLine($"784-128 paired job, batch {k}, {zeroShare:P0} of δ zero, µs (median of 2000 calls each):");
            foreach (bool oneThread in (bool[])[true, false])
            {
                WorkerPool.CallerOnly = oneThread;
                var times = new List<double>[] { [], [] };
                for (int i = 0; i < 4200; i++)
                {
                    PackedGemm.SkipZeroTerms = i % 2 == 1;
                    long t0 = Stopwatch.GetTimestamp();
                    PackedGemm.RunStepThenForward(delta, x, gradient, m, n, k, GemmEpilogue.Step, weights, -1e-6f, 0, sums, bias, x, z, k,
                        GemmEpilogue.BiasRelu, act, activation: Activation.Relu);
                    if (i >= 200)
                    {
                        times[i % 2].Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
                    }
                }
                double every = Median(times[0]), skipping = Median(times[1]);
                output.WriteLine($"{(oneThread ? "one thread" : "two threads"),-12} every term {every,8:F1}   zero terms left out {skipping,8:F1}   ({skipping / every:F3}×)");
            }
        }
        finally
        {
            WorkerPool.CallerOnly = false;
            WorkerPool.ThreadCount = savedThreads;
            PackedGemm.SkipZeroTerms = savedSkip;
            PackedGemm.ChooseSplitByTime = savedChoice;
            PackedGemm.SplitForwardByK = savedSplit;
        }
    }

    private static double Median(List<double> values)
    {
        List<double> sorted = [.. values.Order()];
        return sorted[sorted.Count / 2];
    }
}
