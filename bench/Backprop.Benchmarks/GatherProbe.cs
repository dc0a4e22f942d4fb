using System.Diagnostics;

namespace Backprop.Benchmarks;

/// <summary>
/// Times gathering shuffled batches of 64 rows from the real Fashion-MNIST training set on one thread: first from
/// the pixel bytes the set keeps, then from the same set converted to float values. The gather is memory-bound;
/// this is where its prefetch distance was chosen.
/// </summary>
internal static class GatherProbe
{
    public static void Run(TextWriter output, string directory)
    {
        Dataset<float> data = FashionMnist.Load<float>(directory).Train;
        var rng = new Rng(1);
        int[] order = [.. Enumerable.Range(0, data.Count)];
        var x = new float[64 * data.FeatureCount];
        var t = new float[64 * data.OutputCount];
        int saved = WorkerPool.ThreadCount;
        WorkerPool.ThreadCount = 1;
        try
        {
            foreach (string source in new[] { "bytes", "floats" })
            {
                if (source == "floats")
                {
                    _ = data.Features; // converts the bytes once
                }
                var times = new List<double>();
                for (int run = 0; run < 12; run++)
                {
                    rng.Shuffle(order.AsSpan());
                    long start = Stopwatch.GetTimestamp();
                    int batches = 0;
                    for (int b = 0; b + 64 <= data.Count; b += 64, batches++)
                    {
                        data.Gather(order.AsSpan(b, 64), x, t);
                    }
                    times.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds / batches);
                }
                times.Sort();
                output.WriteLine($"gather 64 shuffled rows from {source,-6}: {times[0],6:F2} us (best of 12 epochs), {times[6],6:F2} us (median)");
            }
        }
        finally
        {
            WorkerPool.ThreadCount = saved;
        }
    }
}
