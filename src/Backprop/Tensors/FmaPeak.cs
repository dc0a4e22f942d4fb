using System.Diagnostics;
using System.Runtime.Intrinsics;

namespace Backprop.Tensors;

/// <summary>
/// Measures the float32 FMA peak: each block runs independent chains of fused multiply-adds (enough to cover the FMA
/// latency: 16 on Vector512, 12 on Vector256) and the pool runs one block per thread. Every chain and both constants
/// stay in registers: Vector256 code without AVX-512 has 16, so 16 chains there left some on the stack and measured a
/// peak below what the GEMM reaches.
/// </summary>
internal static class FmaPeak
{
    public static double Measure(int threads, double seconds, bool wide)
    {
        const long iterations = 2_000_000;
        var job = new FmaJob(iterations, wide);
        int saved = WorkerPool.ThreadCount;
        try
        {
            WorkerPool.ThreadCount = threads;
            WorkerPool.Run(job, threads);
            double best = 0;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed.TotalSeconds < seconds || best == 0)
            {
                long start = Stopwatch.GetTimestamp();
                WorkerPool.Run(job, threads);
                double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
                best = Math.Max(best, threads * job.Flops / elapsed / 1e9);
            }
            return best;
        }
        finally
        {
            WorkerPool.ThreadCount = saved;
        }
    }

    private sealed class FmaJob(long iterations, bool wide) : IBlockJob
    {
        private static float s_sink;

        public double Flops => iterations * 2.0 * (wide ? 16 * Vector512<float>.Count : 12 * Vector256<float>.Count);

        public void Execute(int block)
        {
            float sum = wide ? Chains512(iterations) : Chains256(iterations);
            s_sink += sum;
        }

        private static float Chains512(long n)
        {
            Vector512<float> m = Vector512.Create(0.999999f), k = Vector512.Create(1e-7f);
            Vector512<float> a0 = m, a1 = m, a2 = m, a3 = m, a4 = m, a5 = m, a6 = m, a7 = m;
            Vector512<float> a8 = m, a9 = m, a10 = m, a11 = m, a12 = m, a13 = m, a14 = m, a15 = m;
            for (long i = 0; i < n; i++)
            {
                a0 = Vector512.FusedMultiplyAdd(a0, m, k);
                a1 = Vector512.FusedMultiplyAdd(a1, m, k);
                a2 = Vector512.FusedMultiplyAdd(a2, m, k);
                a3 = Vector512.FusedMultiplyAdd(a3, m, k);
                a4 = Vector512.FusedMultiplyAdd(a4, m, k);
                a5 = Vector512.FusedMultiplyAdd(a5, m, k);
                a6 = Vector512.FusedMultiplyAdd(a6, m, k);
                a7 = Vector512.FusedMultiplyAdd(a7, m, k);
                a8 = Vector512.FusedMultiplyAdd(a8, m, k);
                a9 = Vector512.FusedMultiplyAdd(a9, m, k);
                a10 = Vector512.FusedMultiplyAdd(a10, m, k);
                a11 = Vector512.FusedMultiplyAdd(a11, m, k);
                a12 = Vector512.FusedMultiplyAdd(a12, m, k);
                a13 = Vector512.FusedMultiplyAdd(a13, m, k);
                a14 = Vector512.FusedMultiplyAdd(a14, m, k);
                a15 = Vector512.FusedMultiplyAdd(a15, m, k);
            }
            return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15);
        }

        private static float Chains256(long n)
        {
            Vector256<float> m = Vector256.Create(0.999999f), k = Vector256.Create(1e-7f);
            Vector256<float> a0 = m, a1 = m, a2 = m, a3 = m, a4 = m, a5 = m, a6 = m, a7 = m;
            Vector256<float> a8 = m, a9 = m, a10 = m, a11 = m;
            for (long i = 0; i < n; i++)
            {
                a0 = Vector256.FusedMultiplyAdd(a0, m, k);
                a1 = Vector256.FusedMultiplyAdd(a1, m, k);
                a2 = Vector256.FusedMultiplyAdd(a2, m, k);
                a3 = Vector256.FusedMultiplyAdd(a3, m, k);
                a4 = Vector256.FusedMultiplyAdd(a4, m, k);
                a5 = Vector256.FusedMultiplyAdd(a5, m, k);
                a6 = Vector256.FusedMultiplyAdd(a6, m, k);
                a7 = Vector256.FusedMultiplyAdd(a7, m, k);
                a8 = Vector256.FusedMultiplyAdd(a8, m, k);
                a9 = Vector256.FusedMultiplyAdd(a9, m, k);
                a10 = Vector256.FusedMultiplyAdd(a10, m, k);
                a11 = Vector256.FusedMultiplyAdd(a11, m, k);
            }
            return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
        }
    }
}
