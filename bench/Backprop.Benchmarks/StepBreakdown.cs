using System.Diagnostics;
using Backprop.Cli.Commands;

namespace Backprop.Benchmarks;

/// <summary>Times the phases of one 784-128-10 training step (batch 64 unless given) separately, medians over many steps.</summary>
internal static class StepBreakdown
{
    public static void Run(TextWriter output, int batch = 64)
    {
        Dataset<float> data = BenchWorkloads.SyntheticImages(60000, seed: 1);
        Network<float> network = BenchWorkloads.FashionNetwork(seed: 2);
        var sgd = new Sgd<float>(0.1);
        var x = new float[batch * BenchWorkloads.Inputs];
        var t = new float[batch * BenchWorkloads.Classes];
        int[] order = [.. Enumerable.Range(0, data.Count)];
        new Rng(3).Shuffle(order.AsSpan());
        var phases = new[] { "gather", "forward", "backward", "sgd", "layer1 fwd", "layer2 fwd", "loss", "delta+layer2 bwd", "layer1 bwd", "fused bwd+step" };
        var times = phases.Select(_ => new List<double>()).ToArray();
        float[] z1 = new float[batch * 128], a1 = new float[batch * 128], z2 = new float[batch * 10], a2 = new float[batch * 10];
        float[] d2 = new float[batch * 10], d1 = new float[batch * 128];
        for (int step = 0; step < 2000; step++)
        {
            int start = step * batch % (data.Count - batch);
            long t0 = Stopwatch.GetTimestamp();
            data.Gather(order.AsSpan(start, batch), x, t);
            long t1 = Stopwatch.GetTimestamp();
            network.Forward(x, t, batch);
            long t2 = Stopwatch.GetTimestamp();
            network.Backward();
            long t3 = Stopwatch.GetTimestamp();
            sgd.Step(network.Parameters, network.Gradients);
            long t4 = Stopwatch.GetTimestamp();
            if (step >= 200)
            {
                times[0].Add(Stopwatch.GetElapsedTime(t0, t1).TotalMicroseconds);
                times[1].Add(Stopwatch.GetElapsedTime(t1, t2).TotalMicroseconds);
                times[2].Add(Stopwatch.GetElapsedTime(t2, t3).TotalMicroseconds);
                times[3].Add(Stopwatch.GetElapsedTime(t3, t4).TotalMicroseconds);
                Dense<float> l1 = network.DenseLayers[0], l2 = network.DenseLayers[1];
                long u0 = Stopwatch.GetTimestamp();
                l1.Forward(x, z1, a1, batch);
                long u1 = Stopwatch.GetTimestamp();
                l2.Forward(a1, z2, a2, batch);
                long u2 = Stopwatch.GetTimestamp();
                SoftmaxCrossEntropy.MeanLoss<float>(z2, t, 10);
                long u3 = Stopwatch.GetTimestamp();
                SoftmaxCrossEntropy.MeanDelta<float>(a2, t, d2, batch);
                l2.Backward(a1, d2, d1, batch, Activation.Relu, a1);
                long u4 = Stopwatch.GetTimestamp();
                l1.Backward(x, d1, [], batch);
                long u5 = Stopwatch.GetTimestamp();
                network.BackwardAndStep(sgd);
                long u6 = Stopwatch.GetTimestamp();
                times[9].Add(Stopwatch.GetElapsedTime(u5, u6).TotalMicroseconds);
                times[4].Add(Stopwatch.GetElapsedTime(u0, u1).TotalMicroseconds);
                times[5].Add(Stopwatch.GetElapsedTime(u1, u2).TotalMicroseconds);
                times[6].Add(Stopwatch.GetElapsedTime(u2, u3).TotalMicroseconds);
                times[7].Add(Stopwatch.GetElapsedTime(u3, u4).TotalMicroseconds);
                times[8].Add(Stopwatch.GetElapsedTime(u4, u5).TotalMicroseconds);
            }
        }
        // The same step on one fixed batch, phases back to back as the trainer runs them.
        var fixedStep = new List<double>();
        for (int step = 0; step < 2000; step++)
        {
            long t0 = Stopwatch.GetTimestamp();
            network.Forward(x, t, batch);
            network.Backward();
            sgd.Step(network.Parameters, network.Gradients);
            fixedStep.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
        }
        fixedStep.Sort();
        output.WriteLine($"{"fixed-batch step (forward+backward+sgd)",-10} {fixedStep[1000],8:F1} us (median)");
        double total = 0;
        for (int p = 0; p < phases.Length; p++)
        {
            times[p].Sort();
            double median = times[p][times[p].Count / 2];
            total += p < 4 ? median : 0;
            output.WriteLine($"{phases[p],-10} {median,8:F1} us (median)");
        }
        output.WriteLine($"{"step",-10} {total,8:F1} us, threads {WorkerPool.ThreadCount}");
    }
}
