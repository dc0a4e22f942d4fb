using Backprop.Activations;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Tensors;

/// <summary>
/// float32 GEMM C (+)= op(A) op(B) on packed, cache-sized blocks with a register-tiled FMA micro-kernel
/// (12 × 32 or 8 × 32 on Vector512, 8 × 16 on Vector256). op(A) and op(B) are read through row and column strides, so the three
/// shapes training needs (x Wᵀ, δ W, δᵀ x) are handled by packing, without materialising a transpose.
/// Each output element is summed over k in the same order whatever the blocking across threads: in chains of FMAs of at
/// most 256 terms (KbMax) added into C one after another, which keeps float32 sums as accurate as PyTorch's. Results are
/// bit-identical for any <see cref="WorkerPool.ThreadCount"/>. The reference is <see cref="GemmReference"/>.
/// This file holds the API and the planner; the job is in PackedGemm.Job.cs, the micro-kernels in PackedGemm.Kernels.cs,
/// the epilogues in PackedGemm.Epilogue.cs, packing in PackedGemm.Packing.cs, the paired step-then-forward job in
/// PackedGemm.StepThenForward.cs, ∇W without δ's zero terms in PackedGemm.ZeroTerms.cs and the per-thread buffers in
/// PackedGemm.Scratch.cs.
/// </summary>
internal static unsafe partial class PackedGemm
{
    /// <summary>Rows of the micro-tile.</summary>
    public const int MR = 8;

    /// <summary>Rows of the taller Vector512 micro-tile (12 × 32) used for rows of A read in place.</summary>
    private const int TallMR = 12;

    /// <summary>Rows of the Vector256 micro-tile (6 × 16) used for rows of A read in place.</summary>
    private const int ShortMR = 6;

    // Block sizes: MC × KC of A and KC × NC of B stay in L2. KC is larger than an L1-sized B panel would allow: with
    // k ≤ 800 in one block (a 784-pixel image row) C is written once instead of accumulated over several passes, and
    // the micro-kernel's two B loads per step stream from L2 fast enough. Measured on Zen 5 against KC = 256: training
    // epoch 2–4 % and inference 3 % faster, GEMM 1024³ unchanged; KC = 400 (two blocks of 392 for k = 784) and 1024
    // (one block of 1024, whose eight in-place A rows 4 KiB apart then collide in L1) were much slower.
    private const int KcMax = 800;
    private const int McMax = 128;

    // Terms summed in one chain of FMAs: a k block is split into as few chains of at most KbMax terms as possible, of
    // equal length (KbStep), and each chain's sum is added into C when it ends, so C = ((s₁ + s₂) + s₃) + … A single
    // chain of 784 terms loses about twice the accuracy of PyTorch's float32 gradients on a 784-128-10 network
    // (docs/performance.md, "float32 accuracy"); chains of ≤ 256 bring it to PyTorch's. The chains are added from the
    // registers (C's tile is in L1), so the cost is 16 loads, adds and stores per chain of up to 256 × 16 FMAs.
    private const int KbMax = 256;
    private const int NcMax = 512;

    // The longest k for which a row-major B is read in place (DirectB). The micro-kernel then walks a panel of k rows
    // × NR columns, k rows a whole row of B apart: 8 KiB at k = 64 stays in L1 for all the row tiles that meet it, but
    // at k = 256 (∇W = δᵀ x over a batch of 256 images, rows 3 136 bytes apart) the 32 KiB panel and A's tile overflow
    // L1 and the strided rows defeat the prefetchers; packing B into contiguous panels first made that product 19 %
    // faster on one thread (456 → 371 µs on the Xeon), while at k = 64 and 128 packing was 3–7 % slower.
    private const int DirectBMaxK = 128;

    // Up to this k the Vector512 kernel reads a row-major B in place even past DirectBMaxK, asking for its rows
    // PrefetchRowsOfBInPlace rows ahead on the first row tile that meets a panel (the rows stay in L1 for the others),
    // where the product is not split between threads or every thread would pack all of B anyway (the fused step,
    // RunStepThenForward, which reads B in place up to this k on Vector256 too, without asking ahead). ∇W = δᵀ x over
    // a batch of 256 images, one thread: the first layer's step and forward pass 760 → 712-720 µs
    // (bench/Backprop.Benchmarks step-scaling 256 fashion); the fused two-thread step, SGD and Adam epochs at batch
    // 256, 0.96×. Split between threads, a product packs only its thread's columns of B instead and stays packed:
    // reading B in place there, every thread reads all of it (an 8 % slower epoch, sigmoid, batch 256).
    private const int DirectBPrefetchMaxK = 256;

    /// <summary>
    /// Whether a layer after the first pairs its step with its next forward pass (Network's BackwardAndStep) at a batch
    /// of <paramref name="rows"/>: up to DirectBMaxK rows, where ∇W = δᵀ x reads x in place whether paired or not.
    /// Past that the paired job still reads x in place on every thread while the product alone packs each thread's
    /// columns; paired, 784-512-256-10 at batch 256 took 1.09× as long an epoch with momentum (Zen 4), against 0.91×
    /// with Adam at batch 64.
    /// </summary>
    internal static bool PairsLaterLayer(int rows) => PairLaterLayers && rows <= DirectBMaxK;

    /// <summary>Whether later layers pair their step at all (the default); a benchmark switches it to compare. Both give the same bits.</summary>
    internal static bool PairLaterLayers { get; set; } = true;

    // Whether the Vector256 kernels read a column-major A (rsA 1: δᵀ of ∇W = δᵀ x, δ row-major (k, m)) in place instead
    // of packing it: each step of p broadcasts six (or four) consecutive values of one row of δ. For up to
    // DirectBPrefetchMaxK rows of δ (a batch), whose rows then span few pages; the Vector512 kernels read rows only.
    private static bool ColumnsOfAInPlace(int nr, int rsA, int k) => nr == 16 && rsA == 1 && k <= DirectBPrefetchMaxK;

    // Rows of an in-place B asked for ahead (8 rows of 3 136 bytes for 784 pixels); 4 and 16 measured alike.
    private const int PrefetchRowsOfBInPlace = 8;

    // Below this many multiply-adds, waking a second thread costs more than it saves.
    private const long ParallelThreshold = 1L << 20;

    // From this many values of A on, packing it is shared by the threads (a batch of 64 images: 50 176).
    private const long ParallelPackValues = 1L << 14;

    private static bool s_wide = Vector512.IsHardwareAccelerated && Vector512<float>.Count == 16;

    private static bool s_readAInPlace = true;

    private static bool s_askAheadForLargeSteps = true;

    private static bool s_streamStepGradients = true;

    [ThreadStatic]
    private static GemmJob? t_job;

    [ThreadStatic]
    private static GemmJob? t_secondJob;

    [ThreadStatic]
    private static StepThenForwardJob? t_pairJob;

    /// <summary>True where the packed path runs (x86 with AVX2 and FMA); elsewhere callers use the simple loops.</summary>
    public static bool IsSupported => Fma.IsSupported && Avx2.IsSupported;

    /// <summary>Columns of the micro-tile: 32 with Vector512, 16 with Vector256.</summary>
    public static int NR => s_wide ? 32 : 16;

    /// <summary>Whether the Vector512 micro-kernel is used. Tests switch it off to cover the Vector256 kernel.</summary>
    internal static bool UseVector512
    {
        get => s_wide;
        set => s_wide = value && Vector512.IsHardwareAccelerated;
    }

    /// <summary>
    /// Whether a row-major A is read in place rather than packed (the default). Tests switch it off to cover the
    /// packing of A; both give the same bits.
    /// </summary>
    internal static bool ReadAInPlace
    {
        get => s_readAInPlace;
        set => s_readAInPlace = value;
    }

    /// <summary>
    /// Whether the fused SGD step asks for the next tile of W and ∇W ahead on a layer too large for both to stay in L2
    /// (the default); benchmarks switch it off to compare. Both give the same bits.
    /// </summary>
    internal static bool AskAheadForLargeSteps
    {
        get => s_askAheadForLargeSteps;
        set => s_askAheadForLargeSteps = value;
    }

    /// <summary>
    /// Whether the fused SGD step writes ∇W of a large layer past the caches (default; see
    /// GemmJob.StreamsGradientInStep); a benchmark switches it to compare. The values are the same either way.
    /// </summary>
    internal static bool StreamStepGradients
    {
        get => s_streamStepGradients;
        set => s_streamStepGradients = value;
    }

    /// <summary>
    /// C = op(A) op(B) (+ C when <paramref name="accumulate"/>), then the epilogue. op(A)[i, p] = a[i·rsA + p·csA] is
    /// (m, k); op(B)[p, j] = b[p·rsB + j·csB] is (k, n); C is (m, n) row-major with m·n elements; bias has n
    /// elements and aux is laid out like C where the epilogue uses them. When <paramref name="rowSums"/> is not empty
    /// it receives each row's sum Σ_p op(A)[i, p], added in the order of <see cref="ColumnSums"/> (∇b = Σ_rows δ beside ∇W = δᵀ x), and
    /// with a Step, DecayedStep or Update epilogue <paramref name="rowAux"/> (m values, b) is stepped by those sums as aux
    /// is by C; the rows are summed by the thread that owns them. The Update epilogue applies <paramref name="update"/>,
    /// with C's element (i, j) at <paramref name="updateOffset"/> + i n + j of the parameter block and row sum i at
    /// <paramref name="rowUpdateOffset"/> + i. <paramref name="reluDelta"/>: A is the δ of a ReLU layer (∇W = δᵀ x), whose
    /// zero terms the fused step may leave out (the same bits; see PackedGemm.ZeroTerms.cs).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(
        ReadOnlySpan<float> a, int rsA, int csA,
        ReadOnlySpan<float> b, int rsB, int csB,
        Span<float> c, int m, int n, int k, bool accumulate,
        GemmEpilogue epilogue = GemmEpilogue.None, ReadOnlySpan<float> bias = default, Span<float> aux = default, float scale = 0, float decay = 0,
        Span<float> rowSums = default, Span<float> rowAux = default, ElementwiseUpdate<float>? update = null, int updateOffset = 0, int rowUpdateOffset = 0,
        bool reluDelta = false)
    {
        if (m <= 0 || n <= 0)
        {
            return;
        }
        bool stepRows = Check(a, rsA, csA, b, rsB, csB, c, m, n, k, epilogue, bias, aux, rowSums, rowAux, update);
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        fixed (float* pbias = bias)
        fixed (float* paux = aux)
        fixed (float* psums = rowSums)
        fixed (float* prowAux = rowAux)
        {
            GemmJob job = t_job ??= new GemmJob();
            job.Set(pa, rsA, csA, pb, rsB, csB, pc, m, n, k, accumulate, epilogue, pbias, paux, scale, decay);
            job.SetRowSums(rowSums.IsEmpty ? null : psums, stepRows ? prowAux : null);
            job.SetUpdate(update, updateOffset, rowUpdateOffset);
            int blocks = Plan(job, m, n, k, rsA, csA, rsB, csB);
            job.SkipsZeroTerms = reluDelta && CanSkipZeroTerms(rsA, csB, n, k, accumulate, epilogue, Activation.Relu);
            WorkerPool.Run(job, blocks);
            job.Clear();
        }
    }

    // Checks the arguments of one product; returns whether rowAux is stepped by the row sums.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Check(
        ReadOnlySpan<float> a, int rsA, int csA, ReadOnlySpan<float> b, int rsB, int csB, Span<float> c, int m, int n, int k,
        GemmEpilogue epilogue, ReadOnlySpan<float> bias, Span<float> aux, Span<float> rowSums, Span<float> rowAux, ElementwiseUpdate<float>? update)
    {
        CheckLength(a.Length, m, rsA, k, csA, nameof(a));
        CheckLength(b.Length, k, rsB, n, csB, nameof(b));
        if (c.Length < m * n)
        {
            throw new ArgumentException($"C holds {c.Length} values; ({m}, {n}) needs {m * n}.", nameof(c));
        }
        if ((epilogue is GemmEpilogue.Bias or GemmEpilogue.BiasRelu) && bias.Length < n)
        {
            throw new ArgumentException($"bias holds {bias.Length} values; {n} needed.", nameof(bias));
        }
        if (epilogue == GemmEpilogue.Update && update is null)
        {
            throw new ArgumentException("The Update epilogue needs an update.", nameof(update));
        }
        if ((epilogue is GemmEpilogue.BiasRelu or GemmEpilogue.ReluMask or GemmEpilogue.Step or GemmEpilogue.DecayedStep or GemmEpilogue.Update) && aux.Length < m * n)
        {
            throw new ArgumentException($"aux holds {aux.Length} values; ({m}, {n}) needs {m * n}.", nameof(aux));
        }
        bool stepRows = !rowSums.IsEmpty && epilogue is GemmEpilogue.Step or GemmEpilogue.DecayedStep or GemmEpilogue.Update;
        if ((!rowSums.IsEmpty && rowSums.Length < m) || (stepRows && rowAux.Length < m))
        {
            throw new ArgumentException($"row sums and the rows they step need {m} values each.", nameof(rowSums));
        }
        return stepRows;
    }

    // Chooses how the product is split and packed (A or B read in place, rows or columns per block, prepacking) and
    // returns the number of blocks.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Plan(GemmJob job, int m, int n, int k, int rsA, int csA, int rsB, int csB)
    {
        // A row-major A (a batch of inputs, δ) needs no packing: the micro-kernel broadcasts from its eight rows in
        // place, each read front to back. Only a last panel of fewer than eight rows is packed.
        job.DirectA = s_readAInPlace && (csA == 1 || ColumnsOfAInPlace(job.NR, rsA, k));
        int threads = WorkerPool.ThreadCount;
        int blocks = 1;
        bool tall = m > McMax && n <= NcMax;
        if (tall)
        {
            // B (a layer's weights) is small next to A: pack it once, for every row block and thread.
            job.PrepackB(Scratch.ForThisThread());
        }
        // A row-major B with a short k (∇W = δᵀ x over a batch of 64, see DirectBMaxK) needs no packing: the micro-kernel
        // reads its rows in place. Rows of C are then split between threads, as for the forward product of the
        // same layer, so that each thread works on the same rows of W in both and they stay in its cache.
        job.DirectB = csB == 1 && k > 0 && !tall
            && (k <= DirectBMaxK || (k <= DirectBPrefetchMaxK && s_wide && (threads == 1 || (long)m * n * k < ParallelThreshold)));
        if (job.DirectB)
        {
            job.SplitColumns = false;
            if (threads > 1 && (long)m * n * k >= ParallelThreshold)
            {
                blocks = Math.Min((m + MR - 1) / MR, threads);
            }
        }
        else if (threads > 1 && (long)m * n * k >= ParallelThreshold)
        {
            // Split the dimension whose split repeats the cheaper packing: splitting columns repacks A, rows repack B.
            job.SplitColumns = m <= n;
            int units = job.SplitColumns ? (n + job.NR - 1) / job.NR : (m + MR - 1) / MR;
            blocks = Math.Min(units, threads);
            if (tall && !job.SplitColumns)
            {
                blocks = Math.Min(units, 4 * threads);
            }
            if (job.SplitColumns && m <= McMax && !job.DirectA)
            {
                // Short and wide (a batch of 64 against a layer): pack A once, on all threads, then give each
                // thread one run of columns: the same rows of W as its block of ∇W = δᵀ x (see DirectB), so the
                // weights it updates stay in its cache for the next forward pass.
                job.PrepackA(Scratch.ForThisThread(), threads);
                blocks = Math.Min(units, threads);
            }
        }
        job.Blocks = blocks;
        return blocks;
    }

    // Block `block` of `blocks` gets a contiguous run of whole units (tiles of `unit` rows or columns), the first ones
    // one more; the range is clipped to `length`.
    private static (int Start, int End) BlockRange(int block, int blocks, int units, int unit, int length)
    {
        int per = units / blocks;
        int extra = units % blocks;
        int first = block * per + Math.Min(block, extra);
        int count = per + (block < extra ? 1 : 0);
        return (Math.Min(first * unit, length), Math.Min((first + count) * unit, length));
    }

    // The k blocks: as few as KcMax allows, of equal length, so that no short block wastes a pass over C.
    private static int KcStep(int k)
    {
        int blocks = Math.Max(1, (k + KcMax - 1) / KcMax);
        return k == 0 ? 0 : (k + blocks - 1) / blocks;
    }

    // The length of one chain of FMAs within a k block of kc terms (see KbMax): the same for both kernel widths, so
    // every element is summed in the same chains whichever kernel computes it.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int KbStep(int kc)
    {
        if (kc <= KbMax)
        {
            return kc; // no division on the common path: a tile of a short product (k = 10) is only ~160 FMAs
        }
        int chains = Math.Max(1, (kc + KbMax - 1) / KbMax);
        return (kc + chains - 1) / chains;
    }

    private static void CheckLength(int length, int rows, int rowStride, int cols, int colStride, string name)
    {
        if (rows == 0 || cols == 0)
        {
            return;
        }
        long needed = (long)(rows - 1) * rowStride + (long)(cols - 1) * colStride + 1;
        if (length < needed)
        {
            throw new ArgumentException($"the matrix holds {length} values; its shape ({rows}, {cols}) needs {needed}.", name);
        }
    }
}
