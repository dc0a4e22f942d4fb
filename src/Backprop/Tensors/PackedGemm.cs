using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Tensors;

/// <summary>
/// float32 GEMM C (+)= op(A) op(B) on packed, cache-sized blocks with a register-tiled FMA micro-kernel
/// (8 × 32 on Vector512, 8 × 16 on Vector256). op(A) and op(B) are read through row and column strides, so the three
/// shapes training needs (x Wᵀ, δ W, δᵀ x) are handled by packing, without materialising a transpose.
/// Each output element is summed over k in the same order whatever the blocking across threads, so results are
/// bit-identical for any <see cref="WorkerPool.ThreadCount"/>. The reference is <see cref="GemmReference"/>.
/// </summary>
internal static unsafe class PackedGemm
{
    /// <summary>Rows of the micro-tile.</summary>
    public const int MR = 8;

    // Block sizes: MC × KC of A and KC × NC of B stay in L2. KC is larger than an L1-sized B panel would allow: with
    // k ≤ 800 in one block (a 784-pixel image row) C is written once instead of accumulated over several passes, and
    // the micro-kernel's two B loads per step stream from L2 fast enough. Measured on Zen 5 against KC = 256: training
    // epoch 2–4 % and inference 3 % faster, GEMM 1024³ unchanged; KC = 400 (two blocks of 392 for k = 784) and 1024
    // (one block of 1024, whose eight in-place A rows 4 KiB apart then collide in L1) were much slower.
    private const int KcMax = 800;
    private const int McMax = 128;
    private const int NcMax = 512;

    // Below this many multiply-adds, waking a second thread costs more than it saves.
    private const long ParallelThreshold = 1L << 20;

    // From this many values of A on, packing it is shared by the threads (a batch of 64 images: 50 176).
    private const long ParallelPackValues = 1L << 14;

    private static bool s_wide = Vector512.IsHardwareAccelerated && Vector512<float>.Count == 16;

    private static bool s_readAInPlace = true;

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
    /// C = op(A) op(B) (+ C when <paramref name="accumulate"/>), then the epilogue. op(A)[i, p] = a[i·rsA + p·csA] is
    /// (m, k); op(B)[p, j] = b[p·rsB + j·csB] is (k, n); C is (m, n) row-major with m·n elements; bias has n
    /// elements and aux is laid out like C where the epilogue uses them. When <paramref name="rowSums"/> is not empty
    /// it receives each row's sum Σ_p op(A)[i, p], added in order of p from zero (∇b = Σ_rows δ beside ∇W = δᵀ x), and
    /// with a Step or DecayedStep epilogue <paramref name="rowAux"/> (m values, b) is stepped by those sums as aux is
    /// by C; the rows are summed by the thread that owns them.
    /// </summary>
    public static void Run(
        ReadOnlySpan<float> a, int rsA, int csA,
        ReadOnlySpan<float> b, int rsB, int csB,
        Span<float> c, int m, int n, int k, bool accumulate,
        GemmEpilogue epilogue = GemmEpilogue.None, ReadOnlySpan<float> bias = default, Span<float> aux = default, float scale = 0, float decay = 0,
        Span<float> rowSums = default, Span<float> rowAux = default)
    {
        if (m <= 0 || n <= 0)
        {
            return;
        }
        bool stepRows = Check(a, rsA, csA, b, rsB, csB, c, m, n, k, epilogue, bias, aux, rowSums, rowAux);
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
            int blocks = Plan(job, m, n, k, rsA, csA, rsB, csB);
            WorkerPool.Run(job, blocks);
            job.Clear();
        }
    }

    /// <summary>
    /// Two products over the same rows of one layer's W in one parallel job, so that the threads meet once instead of
    /// twice: first ∇W = δᵀ x with the fused step (as <see cref="Run"/> with a Step or DecayedStep epilogue and row
    /// sums: δ of shape (k, m) read as op(A) = δᵀ, x row-major (k, n), k ≤ 800), then the next batch's
    /// z' = x' Wᵀ + b (x' row-major (nextRows, n), W read as op(B) = Wᵀ, a Bias or BiasRelu epilogue). Each thread
    /// steps a run of W's rows and then computes the same columns of z', which read only those rows of W and b. Every
    /// value is computed as the two <see cref="Run"/> calls compute it, so the bits are the same. Returns false, having
    /// done nothing, where the products do not have these shapes or one thread runs; the caller then makes the two calls.
    /// </summary>
    public static bool RunStepThenForward(
        ReadOnlySpan<float> delta, ReadOnlySpan<float> x, Span<float> gradient, int m, int n, int k,
        GemmEpilogue step, Span<float> weights, float scale, float decay, Span<float> biasSums, Span<float> bias,
        ReadOnlySpan<float> nextX, Span<float> z, int nextRows, GemmEpilogue forward, Span<float> nextA)
    {
        // Runs of whole NR-row panels of W: one column panel of z', NR / MR row panels of ∇W. One run saves no meeting.
        int units = (m + NR - 1) / NR;
        int blocks = Math.Min(units, WorkerPool.ThreadCount);
        if (m <= 0 || n <= 0 || k <= 0 || k > KcMax || nextRows <= 0 || !s_readAInPlace || blocks < 2
            || step is not (GemmEpilogue.Step or GemmEpilogue.DecayedStep) || forward is not (GemmEpilogue.Bias or GemmEpilogue.BiasRelu))
        {
            return false;
        }
        Check(delta, 1, m, x, n, 1, gradient, m, n, k, step, default, weights, biasSums, bias);
        Check(nextX, n, 1, weights, 1, n, z, nextRows, m, n, forward, bias, nextA, default, default);
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
            // The plans Run would choose for a batch of up to 800 rows: ∇W reads x in place and splits W's rows,
            // the forward product reads x' in place and splits the columns of z' (the same rows of W).
            GemmJob first = t_job ??= new GemmJob();
            first.Set(pdelta, 1, m, px, n, 1, pgradient, m, n, k, false, step, null, pweights, scale, decay);
            first.SetRowSums(psums, pbias);
            first.DirectA = false;
            first.DirectB = true;
            first.SplitColumns = false;
            GemmJob second = t_secondJob ??= new GemmJob();
            second.Set(pnext, n, 1, pweights, 1, n, pz, nextRows, m, n, false, forward, pbias, pa, 0, 0);
            second.SetRowSums(null, null);
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

    // Checks the arguments of one product; returns whether rowAux is stepped by the row sums.
    private static bool Check(
        ReadOnlySpan<float> a, int rsA, int csA, ReadOnlySpan<float> b, int rsB, int csB, Span<float> c, int m, int n, int k,
        GemmEpilogue epilogue, ReadOnlySpan<float> bias, Span<float> aux, Span<float> rowSums, Span<float> rowAux)
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
        if ((epilogue is GemmEpilogue.BiasRelu or GemmEpilogue.ReluMask or GemmEpilogue.Step or GemmEpilogue.DecayedStep) && aux.Length < m * n)
        {
            throw new ArgumentException($"aux holds {aux.Length} values; ({m}, {n}) needs {m * n}.", nameof(aux));
        }
        bool stepRows = !rowSums.IsEmpty && epilogue is GemmEpilogue.Step or GemmEpilogue.DecayedStep;
        if ((!rowSums.IsEmpty && rowSums.Length < m) || (stepRows && rowAux.Length < m))
        {
            throw new ArgumentException($"row sums and the rows they step need {m} values each.", nameof(rowSums));
        }
        return stepRows;
    }

    // Chooses how the product is split and packed (A or B read in place, rows or columns per block, prepacking) and
    // returns the number of blocks.
    private static int Plan(GemmJob job, int m, int n, int k, int rsA, int csA, int rsB, int csB)
    {
        // A row-major A (a batch of inputs, δ) needs no packing: the micro-kernel broadcasts from its eight rows in
        // place, each read front to back. Only a last panel of fewer than eight rows is packed.
        job.DirectA = csA == 1 && s_readAInPlace;
        int threads = WorkerPool.ThreadCount;
        int blocks = 1;
        bool tall = m > McMax && n <= NcMax;
        if (tall)
        {
            // B (a layer's weights) is small next to A: pack it once, for every row block and thread.
            job.PrepackB(Scratch.ForThisThread());
        }
        // A row-major B with k in one block (∇W = δᵀ x over a batch of 64) needs no packing: the micro-kernel
        // reads its rows in place. Rows of C are then split between threads, as for the forward product of the
        // same layer, so that each thread works on the same rows of W in both and they stay in its cache.
        job.DirectB = csB == 1 && k <= KcMax && k > 0 && !tall;
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

    /// <summary>One GEMM's arguments, and the work of one column or row block.</summary>
    private sealed class GemmJob : IBlockJob
    {
        private float* _a;
        private float* _b;
        private float* _c;
        private float* _bias;
        private float* _aux;
        private float* _packedA;
        private float* _packedB;
        private float* _packingA;
        private int _packBlocks;
        private bool _wide;
        private int _nr;
        private int _rsA;
        private int _csA;
        private int _rsB;
        private int _csB;
        private int _m;
        private int _n;
        private int _k;
        private bool _accumulate;
        private GemmEpilogue _epilogue;
        private float _scale;
        private float _decay;
        private float* _rowSums;
        private float* _rowAux;

        public bool SplitColumns { get; set; }

        /// <summary>Whether B's rows are read in place instead of packed (set by Run for row-major B and a short k).</summary>
        public bool DirectB { get; set; }

        /// <summary>Whether A's rows are read in place instead of packed (set by Run for row-major A).</summary>
        public bool DirectA { get; set; }

        /// <summary>Columns of the micro-tile for this product.</summary>
        public int NR => _nr;

        public int Blocks { get; set; }

        public void Set(float* a, int rsA, int csA, float* b, int rsB, int csB, float* c, int m, int n, int k,
            bool accumulate, GemmEpilogue epilogue, float* bias, float* aux, float scale, float decay)
        {
            _scale = scale;
            _decay = decay;
            _a = a;
            _b = b;
            _c = c;
            _bias = bias;
            _aux = aux;
            _packedA = null;
            _packedB = null;
            // One kernel width for the whole product, even if a test switches UseVector512 meanwhile: packing,
            // tiling and the micro-kernel must agree on the tile width.
            _wide = s_wide;
            _nr = _wide ? 32 : 16;
            (_rsA, _csA, _rsB, _csB, _m, _n, _k) = (rsA, csA, rsB, csB, m, n, k);
            (_accumulate, _epilogue) = (accumulate, epilogue);
        }

        public void SetRowSums(float* rowSums, float* rowAux)
        {
            _rowSums = rowSums;
            _rowAux = rowAux;
        }

        public void Clear()
        {
            _a = _b = _c = _bias = _aux = _packedA = _packedB = _packingA = _rowSums = _rowAux = null;
        }

        // Packs all of op(B) (n ≤ NcMax columns), k block after k block, into the thread's shared buffer:
        // the block starting at pc is at columnsRounded · pc.
        public void PrepackB(Scratch s)
        {
            int nr = _nr;
            int columnsRounded = (_n + nr - 1) / nr * nr;
            float* buffer = s.SharedB((long)columnsRounded * Math.Max(_k, 1));
            int kcStep = KcStep(_k);
            int pc = 0;
            do
            {
                int kc = Math.Min(kcStep, _k - pc);
                PackB(_b, _rsB, _csB, pc, kc, 0, _n, nr, buffer + (long)columnsRounded * pc);
                pc += kc;
            }
            while (pc < _k);
            _packedB = buffer;
        }

        // Packs all of op(A) (m ≤ McMax rows), k block after k block, into the calling thread's shared buffer:
        // the block starting at pc is at rowsRounded · pc. A large A (a batch of 64 images) is packed by all threads,
        // each taking whole panels of MR rows, so that the other threads do not wait for this one.
        public void PrepackA(Scratch s, int threads)
        {
            int rowsRounded = (_m + MR - 1) / MR * MR;
            _packingA = s.SharedA((long)rowsRounded * Math.Max(_k, 1));
            int panels = rowsRounded / MR;
            _packBlocks = threads > 1 && (long)_m * _k >= ParallelPackValues ? Math.Min(panels, threads) : 1;
            if (_packBlocks == 1)
            {
                PackAPanels(0);
            }
            else
            {
                WorkerPool.Run(this, _packBlocks);
            }
            _packBlocks = 0;
            _packedA = _packingA;
            _packingA = null;
        }

        // Panels of block `block` of _packBlocks, every k block of them.
        private void PackAPanels(int block)
        {
            int panels = (_m + MR - 1) / MR;
            int first = panels * block / _packBlocks * MR;
            int end = Math.Min(_m, panels * (block + 1) / _packBlocks * MR);
            int rowsRounded = panels * MR;
            int kcStep = KcStep(_k);
            int pc = 0;
            do
            {
                int kc = Math.Min(kcStep, _k - pc);
                PackA(_a, _rsA, _csA, first, end - first, pc, kc, _packingA + (long)rowsRounded * pc + (long)first * kc);
                pc += kc;
            }
            while (pc < _k);
        }

        public void Execute(int block)
        {
            int nr = _nr;
            if (_packBlocks > 0)
            {
                PackAPanels(block);
            }
            else if (Blocks == 1)
            {
                Compute(0, _m, 0, _n);
                SumRows(0, _m);
            }
            else if (SplitColumns)
            {
                (int j0, int j1) = Range(block, (_n + nr - 1) / nr, nr, _n);
                Compute(0, _m, j0, j1);
                if (block == 0)
                {
                    SumRows(0, _m);
                }
            }
            else
            {
                (int i0, int i1) = Range(block, (_m + MR - 1) / MR, MR, _m);
                Compute(i0, i1, 0, _n);
                SumRows(i0, i1);
            }
        }

        /// <summary>Rows [i0, i1) of C, all columns, and their row sums: a row block's work, run by this thread.</summary>
        public void RunRows(int i0, int i1)
        {
            Compute(i0, i1, 0, _n);
            SumRows(i0, i1);
        }

        /// <summary>Columns [j0, j1) of C, all rows: a column block's work, run by this thread.</summary>
        public void RunColumns(int j0, int j1) => Compute(0, _m, j0, j1);

        // Row sums of op(A) for rows [i0, i1), each added in order of p from zero, and the step of rowAux by them.
        private void SumRows(int i0, int i1)
        {
            if (_rowSums is null || i0 >= i1)
            {
                return;
            }
            int i = i0;
            if (_rsA == 1 && Vector512.IsHardwareAccelerated)
            {
                // Consecutive rows are consecutive in memory: sixteen rows at a time, each lane its own row's sum.
                for (; i + 16 <= i1; i += 16)
                {
                    Vector512<float> sum = Vector512<float>.Zero;
                    float* column = _a + i;
                    for (int p = 0; p < _k; p++)
                    {
                        sum += Vector512.Load(column + (long)p * _csA);
                    }
                    Vector512.Store(sum, _rowSums + i);
                }
            }
            for (; i < i1; i++)
            {
                float sum = 0f;
                for (int p = 0; p < _k; p++)
                {
                    sum += _a[(long)i * _rsA + (long)p * _csA];
                }
                _rowSums[i] = sum;
            }
            if (_rowAux is not null)
            {
                PackedGemm.ApplyEpilogue(_epilogue, _rowSums + i0, 0, null, _rowAux + i0, 1, i1 - i0, _scale, _decay);
            }
        }

        private (int Start, int End) Range(int block, int units, int unit, int length) => BlockRange(block, Blocks, units, unit, length);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Compute(int i0, int i1, int j0, int j1)
        {
            if (i0 >= i1 || j0 >= j1)
            {
                return;
            }
            Scratch s = Scratch.ForThisThread();
            int kcStep = KcStep(_k);
            int rowsRounded = (_m + MR - 1) / MR * MR;
            int nr = _nr;
            if (_packedB is not null)
            {
                // All of B is packed: walk row blocks outside the k blocks, so each block of C stays in cache
                // across its k blocks (tall products such as inference on 10000 rows).
                int columnsRounded = (_n + nr - 1) / nr * nr;
                for (int ic = i0; ic < i1; ic += McMax)
                {
                    int mc = Math.Min(McMax, i1 - ic);
                    int pc = 0;
                    do
                    {
                        int kc = Math.Min(kcStep, _k - pc);
                        float* packedA = DirectA ? null : s.A;
                        if (!DirectA)
                        {
                            PackA(_a, _rsA, _csA, ic, mc, pc, kc, s.A);
                        }
                        Macro(s, ic, mc, j0, j1 - j0, pc, kc, packedA, _packedB + (long)columnsRounded * pc + (long)j0 * kc);
                        pc += kc;
                    }
                    while (pc < _k);
                }
                return;
            }
            if (DirectB)
            {
                // B is row-major and k fits one block: its rows are read in place, only A (these rows) is packed.
                for (int ic = i0; ic < i1; ic += McMax)
                {
                    int mc = Math.Min(McMax, i1 - ic);
                    float* packedA = DirectA ? null : s.A;
                    if (!DirectA)
                    {
                        PackA(_a, _rsA, _csA, ic, mc, 0, _k, s.A);
                    }
                    Macro(s, ic, mc, j0, j1 - j0, 0, _k, packedA, null);
                }
                return;
            }
            for (int jc = j0; jc < j1; jc += NcMax)
            {
                int nc = Math.Min(NcMax, j1 - jc);
                int pc = 0;
                do
                {
                    int kc = Math.Min(kcStep, _k - pc);
                    PackB(_b, _rsB, _csB, pc, kc, jc, nc, nr, s.B);
                    for (int ic = i0; ic < i1; ic += McMax)
                    {
                        int mc = Math.Min(McMax, i1 - ic);
                        float* packedA = null;
                        if (_packedA is not null)
                        {
                            packedA = _packedA + (long)rowsRounded * pc;
                        }
                        else if (!DirectA)
                        {
                            packedA = s.A;
                            PackA(_a, _rsA, _csA, ic, mc, pc, kc, s.A);
                        }
                        Macro(s, ic, mc, jc, nc, pc, kc, packedA, s.B);
                    }
                    pc += kc;
                }
                while (pc < _k);
            }
        }

        // C[ic .. ic+mc, jc .. jc+nc] (+)= packed A block × packed B block for the k block at pc, tile by tile.
        // packedA null: A's rows are read in place (DirectA), all but a last panel of fewer than MR rows, packed here.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Macro(Scratch s, int ic, int mc, int jc, int nc, int pc, int kc, float* packedA, float* packedB)
        {
            int nrMax = _nr;
            bool wide = _wide;
            bool add = pc != 0 || _accumulate;
            bool last = pc + kc >= _k;
            int fullRows = mc / MR * MR;
            if (packedA is null && fullRows < mc)
            {
                PackA(_a, _rsA, _csA, ic + fullRows, mc - fullRows, pc, kc, s.EdgeA);
            }
            for (int jr = 0; jr < nc; jr += nrMax)
            {
                int nr = Math.Min(nrMax, nc - jr);
                float* panelB = packedB + jr * kc;
                int ldb = nrMax;
                if (packedB is null)
                {
                    // B read in place: row p of the panel is row pc + p of B. A narrow last panel is packed (zero-padded).
                    if (nr == nrMax)
                    {
                        panelB = _b + (long)pc * _rsB + jc + jr;
                        ldb = _rsB;
                    }
                    else
                    {
                        PackB(_b, _rsB, _csB, pc, kc, jc + jr, nr, nrMax, s.B);
                        panelB = s.B;
                    }
                }
                for (int ir = 0; ir < mc; ir += MR)
                {
                    int mr = Math.Min(MR, mc - ir);
                    // lda 0: a packed panel; otherwise the distance between the rows of A read in place.
                    float* panelA;
                    int lda = 0;
                    if (packedA is not null)
                    {
                        panelA = packedA + ir * kc;
                    }
                    else if (mr == MR)
                    {
                        panelA = _a + (long)(ic + ir) * _rsA + pc;
                        lda = _rsA;
                    }
                    else
                    {
                        panelA = s.EdgeA;
                    }
                    float* tile = _c + (long)(ic + ir) * _n + jc + jr;
                    if (wide && last && mr == MR && nr == nrMax && _epilogue is GemmEpilogue.Step or GemmEpilogue.DecayedStep)
                    {
                        // The fused SGD step of a full tile: W is stepped row by row from the registers (same bits
                        // as the epilogue below).
                        float* w = _aux + (long)(ic + ir) * _n + jc + jr;
                        if (_epilogue == GemmEpilogue.Step)
                        {
                            Kernel8x32<StepRow>(kc, panelA, lda, panelB, ldb, tile, _n, add, w, _scale, _decay);
                        }
                        else
                        {
                            Kernel8x32<DecayedStepRow>(kc, panelA, lda, panelB, ldb, tile, _n, add, w, _scale, _decay);
                        }
                        continue;
                    }
                    if (mr == MR && nr == nrMax)
                    {
                        Kernel(wide, kc, panelA, lda, panelB, ldb, tile, _n, add);
                    }
                    else if (wide && nr <= 16)
                    {
                        // A narrow last panel (10 classes) needs only the left half of the 8 × 32 tile: one
                        // Vector512 per row.
                        if (lda != 0 && _m > McMax && ir + 2 * MR <= mc && Sse.IsSupported)
                        {
                            PrefetchRows(panelA + (long)MR * lda, lda, kc);
                        }
                        Kernel8x16Wide(kc, panelA, lda, panelB, ldb, s.Tile, nrMax);
                        Merge(s.Tile, nrMax, tile, _n, mr, nr, add);
                    }
                    else
                    {
                        Kernel(wide, kc, panelA, lda, panelB, ldb, s.Tile, nrMax, false);
                        Merge(s.Tile, nrMax, tile, _n, mr, nr, add);
                    }
                    if (last && _epilogue != GemmEpilogue.None)
                    {
                        FinishTile(ic + ir, mr, jc + jr, nr);
                    }
                }
            }
        }

        private void FinishTile(int row, int rows, int col, int cols)
        {
            long offset = (long)row * _n + col;
            PackedGemm.ApplyEpilogue(_epilogue, _c + offset, _n, _bias + col, _aux + offset, rows, cols, _scale, _decay);
        }
    }

    // A finished tile of rows × count values (rows ldc apart): c (+ bias), and aux as the epilogue says, element by
    // element on the widest vectors; GemmReference.ApplyEpilogue is its twin.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ApplyEpilogue(GemmEpilogue epilogue, float* c, int ldc, float* bias, float* aux, int rows, int count, float scale, float decay)
    {
        int wide = Vector512.IsHardwareAccelerated ? count / 16 * 16 : 0;
        for (int r = 0; r < rows; r++, c += ldc, aux += ldc)
        {
            int j = 0;
            switch (epilogue)
            {
                case GemmEpilogue.Bias:
                    for (; j < wide; j += 16)
                    {
                        Vector512.Store(Vector512.Load(c + j) + Vector512.Load(bias + j), c + j);
                    }
                    for (; j + 8 <= count; j += 8)
                    {
                        Vector256.Store(Vector256.Load(c + j) + Vector256.Load(bias + j), c + j);
                    }
                    for (; j < count; j++)
                    {
                        c[j] += bias[j];
                    }
                    break;
                case GemmEpilogue.BiasRelu:
                    for (; j < wide; j += 16)
                    {
                        Vector512<float> z = Vector512.Load(c + j) + Vector512.Load(bias + j);
                        Vector512.Store(z, c + j);
                        Vector512.Store(Vector512.Max(z, Vector512<float>.Zero), aux + j);
                    }
                    for (; j + 8 <= count; j += 8)
                    {
                        Vector256<float> z = Vector256.Load(c + j) + Vector256.Load(bias + j);
                        Vector256.Store(z, c + j);
                        Vector256.Store(Vector256.Max(z, Vector256<float>.Zero), aux + j);
                    }
                    for (; j < count; j++)
                    {
                        float z = c[j] + bias[j];
                        c[j] = z;
                        aux[j] = MathF.Max(z, 0f);
                    }
                    break;
                case GemmEpilogue.ReluMask:
                    for (; j < wide; j += 16)
                    {
                        Vector512<float> keep = Vector512.GreaterThan(Vector512.Load(aux + j), Vector512<float>.Zero);
                        Vector512.Store(Vector512.ConditionalSelect(keep, Vector512.Load(c + j), Vector512<float>.Zero), c + j);
                    }
                    for (; j + 8 <= count; j += 8)
                    {
                        Vector256<float> keep = Vector256.GreaterThan(Vector256.Load(aux + j), Vector256<float>.Zero);
                        Vector256.Store(Vector256.ConditionalSelect(keep, Vector256.Load(c + j), Vector256<float>.Zero), c + j);
                    }
                    for (; j < count; j++)
                    {
                        if (!(aux[j] > 0f))
                        {
                            c[j] = 0f;
                        }
                    }
                    break;
                case GemmEpilogue.Step:
                    // The product and the sum as two roundings, never contracted into one FMA: the same bits as Sgd's step.
                    for (; j < wide; j += 16)
                    {
                        Vector512.Store(Vector512.Load(c + j) * Vector512.Create(scale) + Vector512.Load(aux + j), aux + j);
                    }
                    for (; j + 8 <= count; j += 8)
                    {
                        Vector256.Store(Vector256.Load(c + j) * Vector256.Create(scale) + Vector256.Load(aux + j), aux + j);
                    }
                    for (; j < count; j++)
                    {
                        aux[j] = c[j] * scale + aux[j];
                    }
                    break;
                case GemmEpilogue.DecayedStep:
                    // s = W λ + ∇W, then W = s (−η) + W: Sgd's rounding with weight decay, no FMA anywhere.
                    for (; j < wide; j += 16)
                    {
                        Vector512<float> w = Vector512.Load(aux + j);
                        Vector512<float> sum = w * Vector512.Create(decay) + Vector512.Load(c + j);
                        Vector512.Store(sum * Vector512.Create(scale) + w, aux + j);
                    }
                    for (; j + 8 <= count; j += 8)
                    {
                        Vector256<float> w = Vector256.Load(aux + j);
                        Vector256<float> sum = w * Vector256.Create(decay) + Vector256.Load(c + j);
                        Vector256.Store(sum * Vector256.Create(scale) + w, aux + j);
                    }
                    for (; j < count; j++)
                    {
                        aux[j] = (aux[j] * decay + c[j]) * scale + aux[j];
                    }
                    break;
                default:
                    return;
            }
        }
    }

    // ldb: floats from one row of the B panel to the next (the tile width when packed; a row of B read in place).
    // lda: 0 for a packed A panel, else the floats from one row of A read in place to the next.
    private static void Kernel(bool wide, int kc, float* a, int lda, float* b, int ldb, float* c, int ldc, bool add)
    {
        if (wide)
        {
            Kernel8x32<PlainRow>(kc, a, lda, b, ldb, c, ldc, add, null, 0, 0);
        }
        else
        {
            Kernel8x16(kc, a, lda, b, ldb, c, ldc, add);
        }
    }

    // Asks for every cache line of the next MR rows of an A read in place (kc values each, lda apart). A narrow
    // product over many rows (the 10-class layer of inference on 10 000 rows, whose input does not fit the cache)
    // does little work per row, so its rows otherwise arrive at the speed of memory, not of the kernel. A batch of
    // 64 rows is in cache already; asking again only costs.
    private static void PrefetchRows(float* a, int lda, int kc)
    {
        for (int r = 0; r < MR; r++)
        {
            byte* row = (byte*)(a + (long)r * lda);
            for (int offset = 0; offset < kc * sizeof(float); offset += 64)
            {
                Sse.Prefetch0(row + offset);
            }
        }
    }

    // Copies (or adds) the valid rows × cols of a micro-tile computed into scratch, for tiles at the edges of C.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Merge(float* tile, int ldt, float* c, int ldc, int rows, int cols, bool add)
    {
        for (int r = 0; r < rows; r++)
        {
            float* src = tile + r * ldt;
            float* dst = c + (long)r * ldc;
            for (int j = 0; j < cols; j++)
            {
                dst[j] = add ? dst[j] + src[j] : src[j];
            }
        }
    }

    // The 8 × 32 micro-kernel: 16 Vector512 accumulators, per p two loads of B, eight broadcasts of A, 16 FMAs. A is a
    // packed panel or eight rows read in place; each element gets the same FMAs in the same order either way.
    // TRow writes each finished row of the tile: into C, and for the fused SGD steps also W (w, laid out like C) while
    // the row is still in registers.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel8x32<TRow>(int kc, float* a, int lda, float* b, int ldb, float* c, int ldc, bool add, float* w, float scale, float decay)
        where TRow : struct, ITileRow
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;
        // Element (r, p) of A is a_r[p·step]: a packed panel (lda 0) holds it at a[p·MR + r], rows read in place at
        // a[r·lda + p].
        long rs = lda == 0 ? 1 : lda;
        long step = lda == 0 ? MR : 1;
        float* a0 = a, a1 = a + rs, a2 = a1 + rs, a3 = a2 + rs;
        float* a4 = a3 + rs, a5 = a4 + rs, a6 = a5 + rs, a7 = a6 + rs;
        long end = kc * step;
        long at = 0;
        // Two steps of p per iteration: the loop's own instructions are then a small share of the FMAs.
        Vector512<float> b0, b1, ai;
        for (; at + step < end; at += 2 * step)
        {
            b0 = Vector512.Load(b);
            b1 = Vector512.Load(b + 16);
            ai = Vector512.Create(a0[at]);
            c00 = Vector512.FusedMultiplyAdd(ai, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector512.Create(a1[at]);
            c10 = Vector512.FusedMultiplyAdd(ai, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector512.Create(a2[at]);
            c20 = Vector512.FusedMultiplyAdd(ai, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector512.Create(a3[at]);
            c30 = Vector512.FusedMultiplyAdd(ai, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(ai, b1, c31);
            ai = Vector512.Create(a4[at]);
            c40 = Vector512.FusedMultiplyAdd(ai, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(ai, b1, c41);
            ai = Vector512.Create(a5[at]);
            c50 = Vector512.FusedMultiplyAdd(ai, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(ai, b1, c51);
            ai = Vector512.Create(a6[at]);
            c60 = Vector512.FusedMultiplyAdd(ai, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(ai, b1, c61);
            ai = Vector512.Create(a7[at]);
            c70 = Vector512.FusedMultiplyAdd(ai, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(ai, b1, c71);
            b0 = Vector512.Load(b + ldb);
            b1 = Vector512.Load(b + ldb + 16);
            ai = Vector512.Create(a0[at + step]);
            c00 = Vector512.FusedMultiplyAdd(ai, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector512.Create(a1[at + step]);
            c10 = Vector512.FusedMultiplyAdd(ai, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector512.Create(a2[at + step]);
            c20 = Vector512.FusedMultiplyAdd(ai, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector512.Create(a3[at + step]);
            c30 = Vector512.FusedMultiplyAdd(ai, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(ai, b1, c31);
            ai = Vector512.Create(a4[at + step]);
            c40 = Vector512.FusedMultiplyAdd(ai, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(ai, b1, c41);
            ai = Vector512.Create(a5[at + step]);
            c50 = Vector512.FusedMultiplyAdd(ai, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(ai, b1, c51);
            ai = Vector512.Create(a6[at + step]);
            c60 = Vector512.FusedMultiplyAdd(ai, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(ai, b1, c61);
            ai = Vector512.Create(a7[at + step]);
            c70 = Vector512.FusedMultiplyAdd(ai, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(ai, b1, c71);
            b += 2 * ldb;
        }
        if (at < end)
        {
            b0 = Vector512.Load(b);
            b1 = Vector512.Load(b + 16);
            ai = Vector512.Create(a0[at]);
            c00 = Vector512.FusedMultiplyAdd(ai, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector512.Create(a1[at]);
            c10 = Vector512.FusedMultiplyAdd(ai, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector512.Create(a2[at]);
            c20 = Vector512.FusedMultiplyAdd(ai, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector512.Create(a3[at]);
            c30 = Vector512.FusedMultiplyAdd(ai, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(ai, b1, c31);
            ai = Vector512.Create(a4[at]);
            c40 = Vector512.FusedMultiplyAdd(ai, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(ai, b1, c41);
            ai = Vector512.Create(a5[at]);
            c50 = Vector512.FusedMultiplyAdd(ai, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(ai, b1, c51);
            ai = Vector512.Create(a6[at]);
            c60 = Vector512.FusedMultiplyAdd(ai, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(ai, b1, c61);
            ai = Vector512.Create(a7[at]);
            c70 = Vector512.FusedMultiplyAdd(ai, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(ai, b1, c71);
        }
        TRow.Store(c, w, c00, c01, add, scale, decay);
        TRow.Store(c + ldc, w + ldc, c10, c11, add, scale, decay);
        TRow.Store(c + 2 * ldc, w + 2 * ldc, c20, c21, add, scale, decay);
        TRow.Store(c + 3 * ldc, w + 3 * ldc, c30, c31, add, scale, decay);
        TRow.Store(c + 4 * ldc, w + 4 * ldc, c40, c41, add, scale, decay);
        TRow.Store(c + 5 * ldc, w + 5 * ldc, c50, c51, add, scale, decay);
        TRow.Store(c + 6 * ldc, w + 6 * ldc, c60, c61, add, scale, decay);
        TRow.Store(c + 7 * ldc, w + 7 * ldc, c70, c71, add, scale, decay);
    }

    /// <summary>How <see cref="Kernel8x32"/> writes one finished row of its tile, 32 values.</summary>
    private interface ITileRow
    {
        static abstract void Store(float* c, float* w, Vector512<float> v0, Vector512<float> v1, bool add, float scale, float decay);
    }

    // c = v, or c += v.
    private struct PlainRow : ITileRow
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(float* c, float* w, Vector512<float> v0, Vector512<float> v1, bool add, float scale, float decay)
            => Store512(c, ref v0, ref v1, add);
    }

    // As PlainRow, then the Step epilogue on the row: w = c · scale + w (two roundings, as ApplyEpilogue).
    private struct StepRow : ITileRow
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(float* c, float* w, Vector512<float> v0, Vector512<float> v1, bool add, float scale, float decay)
        {
            Store512(c, ref v0, ref v1, add);
            Vector512<float> s = Vector512.Create(scale);
            Vector512.Store(v0 * s + Vector512.Load(w), w);
            Vector512.Store(v1 * s + Vector512.Load(w + 16), w + 16);
        }
    }

    // As PlainRow, then the DecayedStep epilogue on the row: w = (w · decay + c) · scale + w, as ApplyEpilogue.
    private struct DecayedStepRow : ITileRow
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(float* c, float* w, Vector512<float> v0, Vector512<float> v1, bool add, float scale, float decay)
        {
            Store512(c, ref v0, ref v1, add);
            Vector512<float> s = Vector512.Create(scale);
            Vector512<float> d = Vector512.Create(decay);
            Vector512<float> w0 = Vector512.Load(w);
            Vector512<float> w1 = Vector512.Load(w + 16);
            Vector512.Store((w0 * d + v0) * s + w0, w);
            Vector512.Store((w1 * d + v1) * s + w1, w + 16);
        }
    }

    // c = v or c += v for one row of the tile; v becomes what was stored.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store512(float* c, ref Vector512<float> v0, ref Vector512<float> v1, bool add)
    {
        if (add)
        {
            v0 = Vector512.Load(c) + v0;
            v1 = Vector512.Load(c + 16) + v1;
        }
        Vector512.Store(v0, c);
        Vector512.Store(v1, c + 16);
    }

    // The left 16 columns of the 8 × 32 tile, one Vector512 accumulator per row: 8 FMAs per p instead of 16 on
    // Vector256. A as in Kernel8x32; the same FMAs in the same order per element as the other kernels, so the same
    // bits. Writes the tile (ldc apart), never adds.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel8x16Wide(int kc, float* a, int lda, float* b, int ldb, float* c, int ldc)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default;
        Vector512<float> c4 = default, c5 = default, c6 = default, c7 = default;
        long rs = lda == 0 ? 1 : lda;
        long step = lda == 0 ? MR : 1;
        float* a0 = a, a1 = a + rs, a2 = a1 + rs, a3 = a2 + rs;
        float* a4 = a3 + rs, a5 = a4 + rs, a6 = a5 + rs, a7 = a6 + rs;
        long end = kc * step;
        for (long at = 0; at < end; at += step)
        {
            Vector512<float> bp = Vector512.Load(b);
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(a0[at]), bp, c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Create(a1[at]), bp, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.Create(a2[at]), bp, c2);
            c3 = Vector512.FusedMultiplyAdd(Vector512.Create(a3[at]), bp, c3);
            c4 = Vector512.FusedMultiplyAdd(Vector512.Create(a4[at]), bp, c4);
            c5 = Vector512.FusedMultiplyAdd(Vector512.Create(a5[at]), bp, c5);
            c6 = Vector512.FusedMultiplyAdd(Vector512.Create(a6[at]), bp, c6);
            c7 = Vector512.FusedMultiplyAdd(Vector512.Create(a7[at]), bp, c7);
            b += ldb;
        }
        Vector512.Store(c0, c);
        Vector512.Store(c1, c + ldc);
        Vector512.Store(c2, c + 2 * ldc);
        Vector512.Store(c3, c + 3 * ldc);
        Vector512.Store(c4, c + 4 * ldc);
        Vector512.Store(c5, c + 5 * ldc);
        Vector512.Store(c6, c + 6 * ldc);
        Vector512.Store(c7, c + 7 * ldc);
    }

    // The 8 × 16 micro-kernel on Vector256: 16 accumulators, per p two loads of B, eight broadcasts, 16 FMAs. A as in
    // Kernel8x32.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel8x16(int kc, float* a, int lda, float* b, int ldb, float* c, int ldc, bool add)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector256<float> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector256<float> c60 = default, c61 = default, c70 = default, c71 = default;
        long rs = lda == 0 ? 1 : lda;
        long step = lda == 0 ? MR : 1;
        float* a0 = a, a1 = a + rs, a2 = a1 + rs, a3 = a2 + rs;
        float* a4 = a3 + rs, a5 = a4 + rs, a6 = a5 + rs, a7 = a6 + rs;
        long end = kc * step;
        for (long at = 0; at < end; at += step)
        {
            Vector256<float> b0 = Vector256.Load(b);
            Vector256<float> b1 = Vector256.Load(b + 8);
            Vector256<float> ai = Vector256.Create(a0[at]);
            c00 = Vector256.FusedMultiplyAdd(ai, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector256.Create(a1[at]);
            c10 = Vector256.FusedMultiplyAdd(ai, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector256.Create(a2[at]);
            c20 = Vector256.FusedMultiplyAdd(ai, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector256.Create(a3[at]);
            c30 = Vector256.FusedMultiplyAdd(ai, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(ai, b1, c31);
            ai = Vector256.Create(a4[at]);
            c40 = Vector256.FusedMultiplyAdd(ai, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(ai, b1, c41);
            ai = Vector256.Create(a5[at]);
            c50 = Vector256.FusedMultiplyAdd(ai, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(ai, b1, c51);
            ai = Vector256.Create(a6[at]);
            c60 = Vector256.FusedMultiplyAdd(ai, b0, c60);
            c61 = Vector256.FusedMultiplyAdd(ai, b1, c61);
            ai = Vector256.Create(a7[at]);
            c70 = Vector256.FusedMultiplyAdd(ai, b0, c70);
            c71 = Vector256.FusedMultiplyAdd(ai, b1, c71);
            b += ldb;
        }
        Store256(c, c00, c01, add);
        Store256(c + ldc, c10, c11, add);
        Store256(c + 2 * ldc, c20, c21, add);
        Store256(c + 3 * ldc, c30, c31, add);
        Store256(c + 4 * ldc, c40, c41, add);
        Store256(c + 5 * ldc, c50, c51, add);
        Store256(c + 6 * ldc, c60, c61, add);
        Store256(c + 7 * ldc, c70, c71, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store256(float* c, Vector256<float> v0, Vector256<float> v1, bool add)
    {
        if (add)
        {
            v0 = Vector256.Load(c) + v0;
            v1 = Vector256.Load(c + 8) + v1;
        }
        Vector256.Store(v0, c);
        Vector256.Store(v1, c + 8);
    }

    // Packs op(A)[ic .. ic+mc, pc .. pc+kc] into panels of MR rows: panel[p·MR + r] = op(A)[ic + r, pc + p],
    // padding missing rows with zeros. A block of panels is mc rounded up to MR by kc.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(float* a, int rsA, int csA, int ic, int mc, int pc, int kc, float* dst)
    {
        for (int ir = 0; ir < mc; ir += MR)
        {
            int rows = Math.Min(MR, mc - ir);
            float* panel = dst + ir * kc;
            float* origin = a + (long)(ic + ir) * rsA + (long)pc * csA;
            int p = 0;
            if (rows == MR && csA == 1)
            {
                for (; p + 8 <= kc; p += 8)
                {
                    Transpose8x8(origin + p, rsA, panel + p * MR, MR);
                }
            }
            else if (rows == MR && rsA == 1)
            {
                for (; p < kc; p++)
                {
                    Vector256.Store(Vector256.Load(origin + (long)p * csA), panel + p * MR);
                }
            }
            for (; p < kc; p++)
            {
                float* src = origin + (long)p * csA;
                float* d = panel + p * MR;
                int r = 0;
                for (; r < rows; r++)
                {
                    d[r] = src[(long)r * rsA];
                }
                for (; r < MR; r++)
                {
                    d[r] = 0f;
                }
            }
        }
    }

    // Packs op(B)[pc .. pc+kc, jc .. jc+nc] into panels of nr columns: panel[p·nr + j] = op(B)[pc + p, jc + j],
    // padding missing columns with zeros.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(float* b, int rsB, int csB, int pc, int kc, int jc, int nc, int nr, float* dst)
    {
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            float* panel = dst + jr * kc;
            float* origin = b + (long)pc * rsB + (long)(jc + jr) * csB;
            int p = 0;
            if (cols == nr && csB == 1)
            {
                for (; p < kc; p++)
                {
                    float* src = origin + (long)p * rsB;
                    float* d = panel + p * nr;
                    for (int j = 0; j < nr; j += 8)
                    {
                        Vector256.Store(Vector256.Load(src + j), d + j);
                    }
                }
            }
            else if (rsB == 1)
            {
                // Column-major B (Wᵀ in x Wᵀ): eight rows of the panel at a time, whole groups of eight columns by
                // 8 × 8 transposes. A narrow last panel (the 10 columns of a classifier's Wᵀ) gets its last few
                // columns element by element and its padding in vector stores.
                int whole = cols & ~7;
                for (; p + 8 <= kc; p += 8)
                {
                    for (int g = 0; g < whole; g += 8)
                    {
                        Transpose8x8(origin + (long)g * csB + p, csB, panel + p * nr + g, nr);
                    }
                    if (whole == cols)
                    {
                        continue;
                    }
                    for (int q = p; q < p + 8; q++)
                    {
                        float* d = panel + q * nr;
                        for (int g = whole; g < nr; g += 8)
                        {
                            Vector256.Store(Vector256<float>.Zero, d + g);
                        }
                        for (int j = whole; j < cols; j++)
                        {
                            d[j] = origin[(long)j * csB + q];
                        }
                    }
                }
            }
            for (; p < kc; p++)
            {
                float* src = origin + (long)p * rsB;
                float* d = panel + p * nr;
                int j = 0;
                for (; j < cols; j++)
                {
                    d[j] = src[(long)j * csB];
                }
                for (; j < nr; j++)
                {
                    d[j] = 0f;
                }
            }
        }
    }

    // dst[c·dstStride + r] = src[r·srcStride + c] for an 8 × 8 block.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* src, long srcStride, float* dst, int dstStride)
    {
        Vector256<float> r0 = Avx.LoadVector256(src);
        Vector256<float> r1 = Avx.LoadVector256(src + srcStride);
        Vector256<float> r2 = Avx.LoadVector256(src + 2 * srcStride);
        Vector256<float> r3 = Avx.LoadVector256(src + 3 * srcStride);
        Vector256<float> r4 = Avx.LoadVector256(src + 4 * srcStride);
        Vector256<float> r5 = Avx.LoadVector256(src + 5 * srcStride);
        Vector256<float> r6 = Avx.LoadVector256(src + 6 * srcStride);
        Vector256<float> r7 = Avx.LoadVector256(src + 7 * srcStride);

        Vector256<float> t0 = Avx.UnpackLow(r0, r1);
        Vector256<float> t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3);
        Vector256<float> t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5);
        Vector256<float> t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7);
        Vector256<float> t7 = Avx.UnpackHigh(r6, r7);

        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44);
        Vector256<float> s1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44);
        Vector256<float> s3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44);
        Vector256<float> s5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> s6 = Avx.Shuffle(t5, t7, 0x44);
        Vector256<float> s7 = Avx.Shuffle(t5, t7, 0xEE);

        Avx.Store(dst, Avx.Permute2x128(s0, s4, 0x20));
        Avx.Store(dst + dstStride, Avx.Permute2x128(s1, s5, 0x20));
        Avx.Store(dst + 2 * dstStride, Avx.Permute2x128(s2, s6, 0x20));
        Avx.Store(dst + 3 * dstStride, Avx.Permute2x128(s3, s7, 0x20));
        Avx.Store(dst + 4 * dstStride, Avx.Permute2x128(s0, s4, 0x31));
        Avx.Store(dst + 5 * dstStride, Avx.Permute2x128(s1, s5, 0x31));
        Avx.Store(dst + 6 * dstStride, Avx.Permute2x128(s2, s6, 0x31));
        Avx.Store(dst + 7 * dstStride, Avx.Permute2x128(s3, s7, 0x31));
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

        public void Execute(int block)
        {
            (int r0, int r1) = BlockRange(block, _blocks, _units, _first!.NR, _rows);
            _first.RunRows(r0, r1);
            _second!.RunColumns(r0, r1);
        }
    }

    /// <summary>
    /// Packing buffers of one thread, allocated on its first GEMM as pinned arrays (so the GC never moves them and
    /// nothing needs freeing by hand); they go with the thread.
    /// </summary>
    private sealed class Scratch
    {
        [ThreadStatic]
        private static Scratch? t_scratch;

        private readonly float[] _a = GC.AllocateUninitializedArray<float>(McMax * KcMax, pinned: true);
        private readonly float[] _b = GC.AllocateUninitializedArray<float>(KcMax * NcMax, pinned: true);
        private readonly float[] _tile = GC.AllocateUninitializedArray<float>(MR * 32, pinned: true);
        private readonly float[] _edgeA = GC.AllocateUninitializedArray<float>(MR * KcMax, pinned: true);
        private float[] _sharedA = [];
        private float[] _sharedB = [];

        public float* A => Address(_a);

        public float* B => Address(_b);

        public float* Tile => Address(_tile);

        /// <summary>A last panel of fewer than MR rows of an A otherwise read in place, packed (MR × KcMax).</summary>
        public float* EdgeA => Address(_edgeA);

        public static Scratch ForThisThread() => t_scratch ??= new Scratch();

        /// <summary>A buffer of at least <paramref name="floats"/> values for a prepacked A; grows, never shrinks.</summary>
        public float* SharedA(long floats) => Address(Grow(ref _sharedA, floats));

        /// <summary>A buffer of at least <paramref name="floats"/> values for a prepacked B; grows, never shrinks.</summary>
        public float* SharedB(long floats) => Address(Grow(ref _sharedB, floats));

        private static float[] Grow(ref float[] buffer, long floats)
        {
            if (floats > buffer.Length)
            {
                buffer = GC.AllocateUninitializedArray<float>(checked((int)floats), pinned: true);
            }
            return buffer;
        }

        private static float* Address(float[] pinned) => (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));
    }
}
