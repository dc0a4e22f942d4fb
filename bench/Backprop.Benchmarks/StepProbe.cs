using System.Diagnostics;
using Backprop.Optimizers;

namespace Backprop.Benchmarks;

/// <summary>
/// The optimizers' tile steps (the GEMM epilogue's update, <c>StepTile</c>) on one thread, on a 128 × 784 block (the
/// first layer of 784-128-10: W, ∇W and the state together 1.2–1.6 MB, so from L3 as in training): nanoseconds per
/// parameter, median of many calls. Checks each against its scalar reference first.
/// </summary>
internal static unsafe class StepProbe
{
    public static void Run(TextWriter output)
    {
        const int Rows = 128, Columns = 784, Length = Rows * Columns;
        var rng = new Rng(3);
        float[] Fill(double scale)
        {
            var a = new float[Length];
            for (int i = 0; i < a.Length; i++) { a[i] = (float)((rng.NextDouble() - 0.5) * scale); }
            return a;
        }
        float[] theta = Fill(1), g = Fill(1e-2), first = Fill(1e-3).Select(Math.Abs).ToArray(), second = Fill(1e-6).Select(Math.Abs).ToArray();
        var adam = AdamKernel.CoefficientsOfStep<float>(1e-3, 0.9, 0.999, 1e-8, 0, false, 5);
        var adamW = AdamKernel.CoefficientsOfStep<float>(1e-3, 0.9, 0.999, 1e-8, 1e-4, true, 5);
        var steps = new (string Name, Action<float[], float[], float[]> Tile, Action<float[], float[], float[]> Reference)[]
        {
            ("Adam", (p, m, v) => { fixed (float* pp = p, pg = g, pm = m, pv = v) { AdamKernel.StepTile(pp, pg, pm, pv, Columns, Rows, Columns, adam); } },
                (p, m, v) => AdamKernel.StepReference<float>(p, g, m, v, adam)),
            ("AdamW", (p, m, v) => { fixed (float* pp = p, pg = g, pm = m, pv = v) { AdamKernel.StepTile(pp, pg, pm, pv, Columns, Rows, Columns, adamW); } },
                (p, m, v) => AdamKernel.StepReference<float>(p, g, m, v, adamW)),
            ("momentum", (p, m, _) => { fixed (float* pp = p, pg = g, pm = m) { MomentumKernel.StepTile(pp, pg, pm, Columns, Rows, Columns, 0.01f, 0f, 0.9f, false); } },
                (p, m, _) => MomentumKernel.StepReference<float>(p, g, m, 0.01f, 0f, 0.9f, false)),
            ("RMSprop", (p, s, _) => { fixed (float* pp = p, pg = g, ps = s) { RmsPropKernel.StepTile(pp, pg, ps, Columns, Rows, Columns, 0.01f, 0f, 0.99f, 0.01f, 1e-8f); } },
                (p, s, _) => RmsPropKernel.StepReference<float>(p, g, s, 0.01f, 0f, 0.99f, 0.01f, 1e-8f)),
        };
        foreach (var (name, tile, reference) in steps)
        {
            float[] p1 = [.. theta], a1 = [.. first], b1 = [.. second], p2 = [.. theta], a2 = [.. first], b2 = [.. second];
            tile(p1, a1, b1);
            reference(p2, a2, b2);
            bool same = p1.AsSpan().SequenceEqual(p2) && a1.AsSpan().SequenceEqual(a2) && b1.AsSpan().SequenceEqual(b2);
            var times = new List<double>();
            for (int i = 0; i < 3000; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                tile(p1, a1, b1);
                if (i >= 200) { times.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds); }
            }
            times.Sort();
            double median = times[times.Count / 2];
            output.WriteLine($"{name,-9} StepTile {Rows}x{Columns}: {median,6:F1} us, {median * 1e3 / Length:F3} ns a parameter{(same ? "" : "  (DIFFERS FROM THE REFERENCE)")}");
        }
    }
}
