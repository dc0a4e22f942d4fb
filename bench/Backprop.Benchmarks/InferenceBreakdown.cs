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
            network.DenseLayers[0].Forward(x, z1, a1, 10000);
            long t1 = Stopwatch.GetTimestamp();
            network.DenseLayers[1].Forward(a1, z2, a2, 10000);
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
        var l2hot = new List<double>();
        var gemm = new List<double>();
        var soft = new List<double>();
        float[] lse = new float[10000];
        for (int i = 0; i < 300; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            network.DenseLayers[1].Forward(a1, z2, a2, 10000);
            long t1 = Stopwatch.GetTimestamp();
            Gemm.MultiplyTransposedB<float>(a1, network.DenseLayers[1].Weights, z2, 10000, 10, 128);
            long t2 = Stopwatch.GetTimestamp();
            ActivationFunctions.Forward<float>(Activation.Softmax, z2, a2, 10, lse);
            long t3 = Stopwatch.GetTimestamp();
            l2hot.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMicroseconds);
            gemm.Add(Stopwatch.GetElapsedTime(t1, t2).TotalMicroseconds);
            soft.Add(Stopwatch.GetElapsedTime(t2, t3).TotalMicroseconds);
        }
        l2hot.Sort(); gemm.Sort(); soft.Sort();
        output.WriteLine($"layer 2 back to back {l2hot[150]:F0} us; its product alone {gemm[150]:F0} us; softmax alone {soft[150]:F0} us");
    }
}
