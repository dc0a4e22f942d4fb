using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Tensors;

// The paired job: one layer's fused step (∇W with W stepped) and the next batch's forward pass through it, in one parallel job.
internal static unsafe partial class PackedGemm
{
    /// <summary>
    /// Two products over the same rows of one layer's W in one parallel job, so that the threads meet once instead of
    /// twice: first ∇W = δᵀ x with the fused step (as <see cref="Run"/> with a Step, DecayedStep or Update epilogue and row
    /// sums: δ of shape (k, m) read as op(A) = δᵀ, x row-major (k, n), k ≤ 800), then the next batch's
    /// z' = x' Wᵀ + b (x' row-major (nextRows, n), W read as op(B) = Wᵀ, a Bias or BiasRelu epilogue). Each thread
    /// steps a run of W's rows and then computes the same columns of z', which read only those rows of W and b. Every
    /// value is computed as the two <see cref="Run"/> calls compute it, so the bits are the same. Returns false, having
    /// done nothing, where the products do not have these shapes or one thread runs; the caller then makes the two calls.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool RunStepThenForward(
        ReadOnlySpan<float> delta, ReadOnlySpan<float> x, Span<float> gradient, int m, int n, int k,
        GemmEpilogue step, Span<float> weights, float scale, float decay, Span<float> biasSums, Span<float> bias,
        ReadOnlySpan<float> nextX, Span<float> z, int nextRows, GemmEpilogue forward, Span<float> nextA,
        ElementwiseUpdate<float>? update = null, int updateOffset = 0, int rowUpdateOffset = 0)
    {
        // Runs of whole NR-row panels of W: one column panel of z', NR / MR row panels of ∇W. One run saves no meeting.
        int units = (m + NR - 1) / NR;
        int blocks = Math.Min(units, WorkerPool.ThreadCount);
        if (m <= 0 || n <= 0 || k <= 0 || k > KcMax || nextRows <= 0 || !s_readAInPlace || blocks < 2
            || step is not (GemmEpilogue.Step or GemmEpilogue.DecayedStep or GemmEpilogue.Update) || forward is not (GemmEpilogue.Bias or GemmEpilogue.BiasRelu))
        {
            return false;
        }
        Check(delta, 1, m, x, n, 1, gradient, m, n, k, step, default, weights, biasSums, bias, update);
        Check(nextX, n, 1, weights, 1, n, z, nextRows, m, n, forward, bias, nextA, default, default, null);
        fixed (float* pdelta = delta)
        fixed (float* px = x)
        fixed (float* pgradient = gradient)
        fixed (float* pweights = weights)
        fixed (float* psums = biasSums)
        fixed (float* pbias = bias)
        fixed (float* pnext = nextX)
        fixed (float* pz = z)
        fixed (float* pa = nextA)
        {
            // ∇W reads x in place up to DirectBPrefetchMaxK rows (past that each thread packs all of x for its rows of
            // W) and splits W's rows; the forward product reads x' in place and splits the columns of z' (the same rows
            // of W). Packing x past DirectBMaxK rows, as Run's plan does on Vector256, was 5-7 % slower here: the
            // Vector256 tile's two passes of 4 rows read each 16-column panel of x twice, the second time from L1
            // (Adam at batch 256, DOTNET_EnableAVX512=0: 0.227-0.246 against 0.214-0.228 s an epoch).
            GemmJob first = t_job ??= new GemmJob();
            first.Set(pdelta, 1, m, px, n, 1, pgradient, m, n, k, false, step, null, pweights, scale, decay);
            first.SetRowSums(psums, pbias);
            first.SetUpdate(update, updateOffset, rowUpdateOffset);
            first.DirectA = ColumnsOfAInPlace(first.NR, 1, k);
            first.DirectB = k <= DirectBPrefetchMaxK;
            first.SplitColumns = false;
            GemmJob second = t_secondJob ??= new GemmJob();
            second.Set(pnext, n, 1, pweights, 1, n, pz, nextRows, m, n, false, forward, pbias, pa, 0, 0);
            second.SetRowSums(null, null);
            second.SetUpdate(null, 0, 0);
            second.DirectA = true;
            second.DirectB = false;
            second.SplitColumns = true;
            if (first.NR != NR || second.NR != NR)
            {
                // The kernel width changed since `units` was counted (tests switch it): count again.
                units = (m + first.NR - 1) / first.NR;
                blocks = Math.Min(units, WorkerPool.ThreadCount);
            }
            // x' may still be being gathered by the worker threads (WorkerPool.RunInBackground): finish that first.
            WorkerPool.WaitForBackground();
            StepThenForwardJob job = t_pairJob ??= new StepThenForwardJob();
            job.Set(first, second, m, units, blocks);
            WorkerPool.Run(job, blocks);
            job.Set(null, null, 0, 0, 0);
            first.Clear();
            second.Clear();
        }
        return true;
    }

    /// <summary>
    /// The blocks of <see cref="RunStepThenForward"/>: a run of whole NR-row panels of W each, first stepped by the
    /// first product, then used for the same columns of the second.
    /// </summary>
    private sealed class StepThenForwardJob : IBlockJob
    {
        private GemmJob? _first;
        private GemmJob? _second;
        private int _rows;
        private int _units;
        private int _blocks;

        public void Set(GemmJob? first, GemmJob? second, int rows, int units, int blocks)
            => (_first, _second, _rows, _units, _blocks) = (first, second, rows, units, blocks);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int block)
        {
            (int r0, int r1) = BlockRange(block, _blocks, _units, _first!.NR, _rows);
            _first.RunRows(r0, r1);
            _second!.RunColumns(r0, r1);
        }
    }
}
