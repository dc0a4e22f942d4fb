using System.Diagnostics;
using Backprop.Cli.Commands;

namespace Backprop.Benchmarks;

/// <summary>
/// The output layer's parts of a 784-128-10 training step on one thread, medians in µs over 15 000 steps:
/// z = a Wᵀ + b (the packed product, N = 10), softmax with and without log Σ e (the loss's), the loss and δ, δ W
/// with the ReLU mask, ∇W with the fused SGD step. <c>l2-parts BATCH</c>.
/// </summary>
internal static class LayerTwoProbe
{
    public static void Run(TextWriter output, int batch)
    {
        WorkerPool.ThreadCount = 1;
        Network<float> network = BenchWorkloads.FashionNetwork(seed: 2);
        Dense<float> l2 = network.DenseLayers[1];
        var rng = new Random(1);
        float[] a1 = new float[batch * 128], z2 = new float[batch * 10], a2 = new float[batch * 10], t = new float[batch * 10];
        float[] d2 = new float[batch * 10], d1 = new float[batch * 128], lse = new float[batch];
        for (int i = 0; i < a1.Length; i++)
        {
            a1[i] = Math.Max(0, (float)rng.NextDouble() - 0.5f);
        }
        for (int r = 0; r < batch; r++)
        {
            t[r * 10 + rng.Next(10)] = 1;
        }
        var sgd = new Sgd<float>(0.01);
        string[] names = ["z = a Wᵀ + b", "softmax + log Σ e", "forward (both)", "loss and δ", "softmax alone", "δ W, ReLU mask", "∇W + step"];
        var times = names.Select(_ => new List<double>()).ToArray();
        double tick = 1e6 / Stopwatch.Frequency;
        var outputs = new OutputBatch<float>(z2, a2, t, batch, 10, Activation.Softmax, lse);
        for (int i = 0; i < 20000; i++)
        {
            long s0 = Stopwatch.GetTimestamp();
            PackedGemm.Run(a1, 128, 1, l2.WeightValues, 1, 128, z2, batch, 10, 128, false, GemmEpilogue.Bias, l2.BiasValues, default);
            long s1 = Stopwatch.GetTimestamp();
            ActivationFunctions.Forward<float>(Activation.Softmax, z2, a2, 10, lse);
            long s2 = Stopwatch.GetTimestamp();
            l2.Forward(a1, z2, a2, batch, lse);
            long s3 = Stopwatch.GetTimestamp();
            Loss.CrossEntropy.BatchValue(outputs);
            Loss.CrossEntropy.BatchDelta(outputs, d2);
            long s4 = Stopwatch.GetTimestamp();
            PackedGemm.Run(d2, 10, 1, l2.WeightValues, 128, 1, d1, batch, 128, 10, false, GemmEpilogue.ReluMask, default, a1);
            long s45 = Stopwatch.GetTimestamp();
            ElementwiseUpdate<float> update = sgd.BeginFusedStep(network.Parameters.Length)!;
            l2.Backward(a1, d2, [], batch, update);
            sgd.CompleteFusedStep();
            long s5 = Stopwatch.GetTimestamp();
            long s6 = Stopwatch.GetTimestamp();
            ActivationFunctions.Forward<float>(Activation.Softmax, z2, a2, 10, default);
            long s7 = Stopwatch.GetTimestamp();
            if (i >= 5000)
            {
                times[0].Add((s1 - s0) * tick); times[1].Add((s2 - s1) * tick); times[2].Add((s3 - s2) * tick);
                times[3].Add((s4 - s3) * tick); times[5].Add((s45 - s4) * tick); times[6].Add((s5 - s45) * tick); times[4].Add((s7 - s6) * tick);
            }
        }
        for (int p = 0; p < names.Length; p++)
        {
            if (times[p].Count == 0)
            {
                continue;
            }
            times[p].Sort();
            output.WriteLine($"{names[p],-20} {times[p][times[p].Count / 2],8:F2} us");
        }
    }
}
