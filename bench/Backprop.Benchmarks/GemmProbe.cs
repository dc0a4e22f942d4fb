using System.Diagnostics;

namespace Backprop.Benchmarks;

/// <summary>
/// One product shape, timed with rows of A copied apart (PackedGemm.SpreadAliasedRows) and read where they are,
/// alternating in one process; prints the fastest of many calls for each (the least disturbed by other processes).
/// Arguments: shape (xWt: C = A Bᵀ, AB: C = A B), m, n, k, threads.
/// </summary>
internal static class GemmProbe
{
    public static void Run(TextWriter output, string[] args)
    {
        string kind = args.Length > 0 ? args[0] : "xWt";
        int m = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 64;
        int n = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 256;
        int k = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 512;
        WorkerPool.ThreadCount = args.Length > 4 ? int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : 1;
        var rng = new Rng(1);
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
        for (int i = 0; i < a.Length; i++) { a[i] = (float)rng.NextDouble(); }
        for (int i = 0; i < b.Length; i++) { b[i] = (float)rng.NextDouble(); }
        double flops = 2.0 * m * n * k;
        int calls = (int)Math.Clamp(2e9 / flops, 5, 20000);
        var best = new double[2];
        best[0] = best[1] = double.MaxValue;
        for (int round = 0; round < 10; round++)
        {
            for (int spread = 0; spread < 2; spread++)
            {
                PackedGemm.SpreadAliasedRows = spread == 1;
                for (int i = 0; i < calls; i++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    if (kind == "xWt") { Gemm.MultiplyTransposedB<float>(a, b, c, m, n, k); }
                    else { Gemm.Multiply<float>(a, b, c, m, n, k); }
                    best[spread] = Math.Min(best[spread], Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
                }
            }
        }
        PackedGemm.SpreadAliasedRows = true;
        output.WriteLine($"{kind} {m}x{n}x{k}, {WorkerPool.ThreadCount} thread(s): read in place {best[0]:F1} us ({flops / best[0] / 1e3:F1} GFLOP/s), copied apart {best[1]:F1} us ({flops / best[1] / 1e3:F1} GFLOP/s)");
    }
}
