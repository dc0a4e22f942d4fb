using System.Diagnostics;
using Backprop.Cli.Commands;

namespace Backprop.Benchmarks;

/// <summary>Times the parts of inference on 10000 rows (784-128-10): each layer's forward, medians of many runs.</summary>
internal static class InferenceBreakdown
{
    public static void Run(TextWriter output)
    {
        Dataset<float> data = BenchWorkloads.SyntheticImages(10000, seed: 1);
        Network<float> network = BenchWorkloads.FashionNetwork(seed: 2);
        ReadOnlySpan<float> x = data.Features;
        float[] z1 = new float[10000 * 128], a1 = new float[10000 * 128], z2 = new float[10000 * 10], a2 = new float[10000 * 10];
        var l1 = new List<double>();
        var l2 = new List<double>();
        for (int i = 0; i < 300; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            network.Layers[0].Forward(x, z1, a1, 10000);
            long t1 = Stopwatch.GetTimestamp();
            network.Layers[1].Forward(a1, z2, a2, 10000);
            long t2 = Stopwatch.GetTimestamp();
            if (i >= 100)
            {
                l1.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMicroseconds);
                l2.Add(Stopwatch.GetElapsedTime(t1, t2).TotalMicroseconds);
            }
        }
        l1.Sort();
        l2.Sort();
        output.WriteLine($"layer 1 (10000x784 -> 128, bias+ReLU) {l1[l1.Count / 2],8:F0} us   layer 2 (-> 10, softmax) {l2[l2.Count / 2],8:F0} us   threads {WorkerPool.ThreadCount}");
    }
}
