using System.Diagnostics;

namespace Backprop.Benchmarks;

/// <summary>
/// The first layer's paired job (784-128, the batch's ∇W with the SGD step, then the next batch's forward pass) split by
/// W's rows on two threads, with an element-wise activation applied to each block's columns in the job or over all of
/// z' after it, in alternating series; medians in µs. <c>activation-in-job [batch] [sigmoid|tanh]</c>.
/// </summary>
internal static class ActivationInJobProbe
{
    public static void Run(TextWriter output, int batch, Activation activation)
    {
        const int M = 128, N = 784;
        var rng = new Random(1);
        float[] Fill(int count, double scale)
        {
            var v = new float[count];
            for (int i = 0; i < count; i++)
            {
                v[i] = (float)((rng.NextDouble() - 0.5) * scale);
            }
            return v;
        }
        float[] delta = Fill(batch * M, 0.01), x = Fill(batch * N, 1), next = Fill(batch * N, 1);
        float[] w = Fill(M * N, 0.1), b = Fill(M, 0.1), gradient = new float[M * N], sums = new float[M];
        float[] z = new float[batch * M], a = new float[batch * M];
        int savedThreads = WorkerPool.ThreadCount;
        bool savedSplit = PackedGemm.SplitForwardByK, savedInJob = PackedGemm.ActivateInJob;
        WorkerPool.ThreadCount = 2;
        PackedGemm.SplitForwardByK = false;
        var times = new[] { new List<double>(), new List<double>() };
        double tick = 1e6 / Stopwatch.Frequency;
        try
        {
            for (int round = 0; round < 40; round++)
            {
                for (int mode = 0; mode < 2; mode++)
                {
                    PackedGemm.ActivateInJob = mode == 1;
                    for (int i = 0; i < 200; i++)
                    {
                        long start = Stopwatch.GetTimestamp();
                        PackedGemm.RunStepThenForward(delta, x, gradient, M, N, batch, GemmEpilogue.Step, w, -1e-6f, 0, sums, b, next, z, batch, GemmEpilogue.Bias, a, activation: activation);
                        if (round > 0)
                        {
                            times[mode].Add((Stopwatch.GetTimestamp() - start) * tick);
                        }
                    }
                }
            }
        }
        finally
        {
            WorkerPool.ThreadCount = savedThreads;
            PackedGemm.SplitForwardByK = savedSplit;
            PackedGemm.ActivateInJob = savedInJob;
        }
        foreach (List<double> t in times)
        {
            t.Sort();
        }
        output.WriteLine($"784-128 paired job, batch {batch}, {activation}, two threads split by W's rows (µs, p10 / median / p90)");
        output.WriteLine($"  f after the job  {times[0][times[0].Count / 10],8:F1} {times[0][times[0].Count / 2],8:F1} {times[0][times[0].Count * 9 / 10],8:F1}");
        output.WriteLine($"  f in the job     {times[1][times[1].Count / 10],8:F1} {times[1][times[1].Count / 2],8:F1} {times[1][times[1].Count * 9 / 10],8:F1}");
    }
}
