using System.Diagnostics;

namespace Backprop.Benchmarks;

/// <summary>Times the parts of one epoch of the article's loop (3-2-3, one sample, double) over many repetitions.</summary>
internal static class ArticleBreakdown
{
    public static void Run(TextWriter output)
    {
        Network<double> network = ArticleExample.CreateNetwork<double>();
        Dataset<double> data = ArticleExample.CreateDataset<double>();
        var sgd = new Sgd<double>(1e-9);
        var x = new double[3];
        var t = new double[3];
        int[] order = [0];
        const int n = 2_000_000;
        for (int pass = 0; pass < 2; pass++)
        {
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < n; i++)
            {
                data.Gather(order, x, t);
            }
            long t1 = Stopwatch.GetTimestamp();
            for (int i = 0; i < n; i++)
            {
                network.Forward(x, t, 1);
            }
            long t2 = Stopwatch.GetTimestamp();
            for (int i = 0; i < n; i++)
            {
                network.Backward();
            }
            long t3 = Stopwatch.GetTimestamp();
            for (int i = 0; i < n; i++)
            {
                sgd.Step(network.Parameters, network.Gradients);
            }
            long t4 = Stopwatch.GetTimestamp();
            var l0 = network.DenseLayers[0];
            var l1 = network.DenseLayers[1];
            var z0 = new double[2]; var a0 = new double[2]; var z1 = new double[3]; var a1 = new double[3]; var lse = new double[1];
            for (int i = 0; i < n; i++)
            {
                l0.Forward(x, z0, a0, 1);
            }
            long t5 = Stopwatch.GetTimestamp();
            for (int i = 0; i < n; i++)
            {
                l1.Forward(a0, z1, a1, 1, lse);
            }
            long t6 = Stopwatch.GetTimestamp();
            for (int i = 0; i < n; i++)
            {
                Gemm.MultiplyTransposedB<double>(x, l0.Weights, z0, 1, 2, 3);
            }
            long t7 = Stopwatch.GetTimestamp();
            for (int i = 0; i < n; i++)
            {
                ActivationFunctions.Forward<double>(Activation.Softmax, z1, a1, 3, lse);
            }
            long t8 = Stopwatch.GetTimestamp();
            for (int i = 0; i < n; i++)
            {
                SoftmaxCrossEntropy.MeanLoss<double>(z1, t, 3, lse);
            }
            long t9 = Stopwatch.GetTimestamp();
            if (pass == 1)
            {
                output.WriteLine($"layer 0 forward {Stopwatch.GetElapsedTime(t4, t5).TotalNanoseconds / n,8:F1} ns");
                output.WriteLine($"layer 1 forward {Stopwatch.GetElapsedTime(t5, t6).TotalNanoseconds / n,8:F1} ns");
                output.WriteLine($"  gemm 2x3      {Stopwatch.GetElapsedTime(t6, t7).TotalNanoseconds / n,8:F1} ns");
                output.WriteLine($"  softmax       {Stopwatch.GetElapsedTime(t7, t8).TotalNanoseconds / n,8:F1} ns");
                output.WriteLine($"  loss          {Stopwatch.GetElapsedTime(t8, t9).TotalNanoseconds / n,8:F1} ns");
                output.WriteLine($"gather   {Stopwatch.GetElapsedTime(t0, t1).TotalNanoseconds / n,8:F1} ns");
                output.WriteLine($"forward  {Stopwatch.GetElapsedTime(t1, t2).TotalNanoseconds / n,8:F1} ns");
                output.WriteLine($"backward {Stopwatch.GetElapsedTime(t2, t3).TotalNanoseconds / n,8:F1} ns");
                output.WriteLine($"sgd      {Stopwatch.GetElapsedTime(t3, t4).TotalNanoseconds / n,8:F1} ns");
            }
        }
    }
}

internal static class ArticleLoopTiming
{
    public static void Run(TextWriter output)
    {
        var times = new List<double>();
        for (int i = 0; i < 5000; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            Backprop.Cli.Commands.BenchWorkloads.ArticleLoop();
            times.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
        }
        output.WriteLine($"first {times[0]:F1} us, 100th {times[99]:F1}, 1000th {times[999]:F1}, min {times.Min():F1}, median of last 1000 {times.Skip(4000).Order().ElementAt(500):F1}");
    }
}
