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
            if (pass == 1)
            {
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
