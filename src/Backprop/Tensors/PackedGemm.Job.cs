using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Tensors;

// The work of one GEMM: its arguments, and how one block of columns or rows is packed, multiplied and finished.
internal static unsafe partial class PackedGemm
{
    /// <summary>One GEMM's arguments, and the work of one column or row block.</summary>
    private sealed partial class GemmJob : IBlockJob
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
        private ElementwiseUpdate<float>? _update;
        private int _updateOffset;
        private int _rowUpdateOffset;

        public bool SplitColumns { get; set; }

        /// <summary>Whether B's rows are read in place instead of packed (set by Run for row-major B and a short k).</summary>
        public bool DirectB { get; set; }

        /// <summary>Whether A's rows are read in place instead of packed (set by Run for row-major A).</summary>
        public bool DirectA { get; set; }

        /// <summary>
        /// Whether the rows of an A read in place come from memory (prediction's rows, each read once): the 12 × 32
        /// kernel then asks for them ahead on their first panel of B. Set per product; Set clears it.
        /// </summary>
        public bool StreamA { get; set; }

        /// <summary>Columns of the micro-tile for this product.</summary>
        public int NR => _nr;

        public int Blocks { get; set; }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
            StreamA = false;
            SkipsZeroTerms = false;
        }

        /// <summary>Uses a B packed beforehand with panels of <paramref name="nr"/> columns (<see cref="PackedOperand"/>).</summary>
        public void UsePackedB(float* packed, int nr)
        {
            _packedB = packed;
            _nr = nr;
            _wide = nr == 32;
        }

        public void SetRowSums(float* rowSums, float* rowAux)
        {
            _rowSums = rowSums;
            _rowAux = rowAux;
        }

        // The Update epilogue's step, and where C's first element and the first row sum are in the parameter block.
        public void SetUpdate(ElementwiseUpdate<float>? update, int offset, int rowOffset)
            => (_update, _updateOffset, _rowUpdateOffset) = (update, offset, rowOffset);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Clear()
        {
            _update = null;
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

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int block)
        {
            int nr = _nr;
            if (_packBlocks > 0)
            {
                PackAPanels(block);
            }
            else if (Blocks == 1)
            {
                ComputeBlock(0, _m, 0, _n);
                SumRows(0, _m);
            }
            else if (SplitColumns)
            {
                (int j0, int j1) = Range(block, (_n + nr - 1) / nr, nr, _n);
                ComputeBlock(0, _m, j0, j1);
                if (block == 0)
                {
                    SumRows(0, _m);
                }
            }
            else
            {
                (int i0, int i1) = Range(block, (_m + MR - 1) / MR, MR, _m);
                ComputeBlock(i0, i1, 0, _n);
                SumRows(i0, i1);
            }
        }

        /// <summary>Rows [i0, i1) of C, all columns, and their row sums: a row block's work, run by this thread.</summary>
        public void RunRows(int i0, int i1)
        {
            ComputeBlock(i0, i1, 0, _n);
            SumRows(i0, i1);
        }

        // Rows [i0, i1) and columns [j0, j1) of C: without δ's zero terms where this product may leave them out and
        // the block's δ is sparse enough, otherwise with every term.
        private void ComputeBlock(int i0, int i1, int j0, int j1)
        {
            if (!ComputeWithoutZeroTerms(i0, i1, j0, j1))
            {
                Compute(i0, i1, j0, j1);
            }
        }

        /// <summary>Columns [j0, j1) of C, all rows: a column block's work, run by this thread.</summary>
        public void RunColumns(int j0, int j1) => Compute(0, _m, j0, j1);

        /// <summary>
        /// Columns [j0, j1) of C, all rows, where B is read in place and A is packed: with <paramref name="packed"/>,
        /// A as this thread packed it for the previous columns it ran of this product (one block of at most McMax rows).
        /// </summary>
        public void RunColumns(int j0, int j1, bool packed)
        {
            // Both calls of a block (see KSplit.Step) read the same rows of A, so they decide alike.
            if (!ComputeWithoutZeroTerms(0, _m, j0, j1))
            {
                Compute(0, _m, j0, j1, packed && DirectB && !DirectA && _m <= McMax);
            }
        }

        /// <summary>Every row's sum (and the step of the rows they step), run by this thread.</summary>
        public void SumAllRows() => SumRows(0, _m);

        // Row sums of op(A) for rows [i0, i1), each in the order of ColumnSums, and the step of rowAux by them.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void SumRows(int i0, int i1)
        {
            if (_rowSums is null || i0 >= i1)
            {
                return;
            }
            if (_rsA == 1)
            {
                // Consecutive rows are consecutive in memory: the rows of op(A) are the columns of a (k, ·) matrix.
                ColumnSums.Compute(_a, _csA, _k, i0, i1, _rowSums);
            }
            else
            {
                for (int i = i0; i < i1; i++)
                {
                    _rowSums[i] = ColumnSums.Sum(_a + (long)i * _rsA, _csA, _k);
                }
            }
            if (_rowAux is not null && _epilogue == GemmEpilogue.Update)
            {
                _update!.Apply(new Span<float>(_rowAux + i0, i1 - i0), new ReadOnlySpan<float>(_rowSums + i0, i1 - i0), _rowUpdateOffset + i0);
            }
            else if (_rowAux is not null)
            {
                PackedGemm.ApplyEpilogue(_epilogue, _rowSums + i0, 0, null, _rowAux + i0, 1, i1 - i0, _scale, _decay);
            }
        }

        private (int Start, int End) Range(int block, int units, int unit, int length) => BlockRange(block, Blocks, units, unit, length);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Compute(int i0, int i1, int j0, int j1, bool packedBefore = false)
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
                    if (!DirectA && !packedBefore)
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
            bool stream = last && StreamsGradientInStep && _epilogue is GemmEpilogue.Step or GemmEpilogue.DecayedStep;
            int fullRows = mc / MR * MR;
            // On Vector256 the rows of an A read in place go 6 at a time through the 6 × 16 kernel (12 accumulators,
            // where the 8 × 16 tile's two passes of 4 rows hold 8: AVX2 has 16 registers), then 4 at a time (8 when six
            // would leave 2), up to where the packed edge panel begins: its rows sum their chains in the tile buffer
            // before adding them to C, in place as packed. So do the columns of a column-major A read in place (δᵀ of
            // ∇W = δᵀ x), a full tile's fused SGD step applied from the registers as its last chain is stored.
            int shortRows = 0;
            if (!wide && packedA is null)
            {
                shortRows = fullRows / ShortMR * ShortMR;
                if (fullRows - shortRows == 2 && shortRows > 0)
                {
                    shortRows -= ShortMR;
                }
            }
            if (packedA is null && fullRows < mc)
            {
                PackA(_a, _rsA, _csA, ic + fullRows, mc - fullRows, pc, kc, s.EdgeA);
            }
            // Rows of an A read in place go 12 at a time through the 12 × 32 kernel (not for the fused SGD steps, which
            // are 8 × 32 only), in an even number of such tiles so that the 8-row tiles after them end where the
            // packed edge panel begins. With all of B packed, each 12-row panel of A (12 × 512 floats for GEMM 1024³)
            // stays in L1 while it meets every panel of B, which streams from L2 with prefetching: GEMM 1024³ 4–6 %
            // faster than walking the rows of A inside each panel of B. Rows that would share one set of L1 (4 KiB apart)
            // are first copied apart (RowsShareL1Sets). Every element is summed as by the 8-row kernels.
            int tallRows = wide && packedA is null && _epilogue is not (GemmEpilogue.Step or GemmEpilogue.DecayedStep)
                ? fullRows / (2 * TallMR) * (2 * TallMR) : 0;
            bool rowsOuter = tallRows > 0 && packedB is not null;
            if (rowsOuter)
            {
                int fullCols = nc / nrMax * nrMax;
                long restride = fullCols > nrMax && RowsShareL1Sets(_rsA) ? OddLineStride(kc) : 0;
                for (int ir = 0; ir < tallRows; ir += TallMR)
                {
                    float* rows = _a + (long)(ic + ir) * _rsA + pc;
                    long rs = _rsA;
                    if (restride != 0)
                    {
                        CopyRows(rows, _rsA, s.A, restride, TallMR, kc);
                        rows = s.A;
                        rs = restride;
                    }
                    for (int jr = 0; jr < fullCols; jr += nrMax)
                    {
                        Tall(kc, rows, rs, packedB + jr * kc, nrMax, ic + ir, jc + jr, add, last, StreamA && jr == 0 && restride == 0);
                    }
                    if (last && _epilogue is not (GemmEpilogue.None or GemmEpilogue.Update) && !FinishedInKernel)
                    {
                        FinishTile(ic + ir, TallMR, jc, fullCols);
                    }
                }
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
                int ir = 0;
                if (nr == nrMax && rowsOuter)
                {
                    ir = tallRows;
                }
                else if (!wide && packedA is null)
                {
                    // Every element is summed as by the 8-row kernel; a narrow last panel through the tile buffer.
                    for (; ir < fullRows;)
                    {
                        int rows = ir < shortRows ? ShortMR : 4;
                        float* rowsOfA = _a + (long)(ic + ir) * _rsA + (long)pc * _csA;
                        float* tile = _c + (long)(ic + ir) * _n + jc + jr;
                        bool full = nr == nrMax;
                        // A full tile's fused SGD step from the registers (the bits of the epilogue over the stored tile).
                        bool step = full && last && _epilogue is GemmEpilogue.Step or GemmEpilogue.DecayedStep;
                        float* w = step ? _aux + (long)(ic + ir) * _n + jc + jr : null;
                        float* to = full ? tile : s.Tile;
                        int ldc = full ? _n : nrMax;
                        if (rows == ShortMR)
                        {
                            if (!step)
                            {
                                Kernel6x16<PlainRow>(kc, rowsOfA, _rsA, _csA, panelB, ldb, to, ldc, add && full, null, 0, 0);
                            }
                            else if (_epilogue == GemmEpilogue.Step)
                            {
                                Kernel6x16<StepRow>(kc, rowsOfA, _rsA, _csA, panelB, ldb, to, ldc, add, w, _scale, _decay, stream);
                            }
                            else
                            {
                                Kernel6x16<DecayedStepRow>(kc, rowsOfA, _rsA, _csA, panelB, ldb, to, ldc, add, w, _scale, _decay, stream);
                            }
                        }
                        else if (!step)
                        {
                            Kernel4x16<PlainRow>(kc, rowsOfA, _rsA, _csA, panelB, ldb, to, ldc, add && full, null, 0, 0);
                        }
                        else if (_epilogue == GemmEpilogue.Step)
                        {
                            Kernel4x16<StepRow>(kc, rowsOfA, _rsA, _csA, panelB, ldb, to, ldc, add, w, _scale, _decay, stream);
                        }
                        else
                        {
                            Kernel4x16<DecayedStepRow>(kc, rowsOfA, _rsA, _csA, panelB, ldb, to, ldc, add, w, _scale, _decay, stream);
                        }
                        if (!full)
                        {
                            Merge(s.Tile, nrMax, tile, _n, rows, nr, add);
                        }
                        if (last && !step && _epilogue is not (GemmEpilogue.None or GemmEpilogue.Update))
                        {
                            FinishTile(ic + ir, rows, jc + jr, nr);
                        }
                        ir += rows;
                    }
                }
                else if (nr == nrMax && tallRows > 0)
                {
                    for (; ir < tallRows; ir += TallMR)
                    {
                        float* rows = _a + (long)(ic + ir) * _rsA + pc;
                        Tall(kc, rows, _rsA, panelB, ldb, ic + ir, jc + jr, add, last, false);
                        if (last && _epilogue is not (GemmEpilogue.None or GemmEpilogue.Update) && !FinishedInKernel)
                        {
                            FinishTile(ic + ir, TallMR, jc + jr, nr);
                        }
                    }
                }
                for (; ir < mc; ir += MR)
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
                        PrefetchNextStepTile(ir, mc, jr, nc, w, tile, true);
                        if (_epilogue == GemmEpilogue.Step)
                        {
                            Kernel8x32<StepRow>(kc, panelA, lda, panelB, ldb, tile, _n, add, w, _scale, _decay, PrefetchB(packedB, ir, kc, ldb), stream);
                        }
                        else
                        {
                            Kernel8x32<DecayedStepRow>(kc, panelA, lda, panelB, ldb, tile, _n, add, w, _scale, _decay, PrefetchB(packedB, ir, kc, ldb), stream);
                        }
                        continue;
                    }
                    if (mr == MR && nr == nrMax)
                    {
                        if (!wide && last && _epilogue is GemmEpilogue.Step or GemmEpilogue.DecayedStep)
                        {
                            PrefetchNextStepTile(ir, mc, jr, nc, _aux + (long)(ic + ir) * _n + jc + jr, tile, false);
                        }
                        Kernel(wide, kc, panelA, lda, panelB, ldb, tile, _n, add, PrefetchB(packedB, ir, kc, ldb));
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
                    if (last && _epilogue is not (GemmEpilogue.None or GemmEpilogue.Update))
                    {
                        FinishTile(ic + ir, mr, jc + jr, nr);
                    }
                }
            }
            if (last && _epilogue == GemmEpilogue.Update)
            {
                // The optimizer's step on the whole block of ∇W this call finished (still in this thread's L2), its
                // state at the same offsets as W: stepping each tile as it left the registers streamed W and the
                // state through L1 between the tiles and evicted the panels of A and B the next tiles read.
                FinishTile(ic, mc, jc, nc);
            }
            if (stream)
            {
                // Streamed stores are ordered only by a fence: before this thread reports its block done (or a later
                // call reads Network.Gradients), every row of ∇W it wrote is visible to the other threads.
                Sse.StoreFence();
            }
        }

        // How far ahead (in floats) the kernel asks for rows of a B read in place: a long panel (more than DirectBMaxK
        // rows, each a whole row of B apart) on the first row tile that meets it, whose rows come from L2 or further in
        // a pattern the hardware prefetchers do not follow; 0 (no asking) otherwise.
        private static long PrefetchB(float* packedB, int ir, int kc, int ldb)
            => packedB is null && ir == 0 && kc > DirectBMaxK ? (long)PrefetchRowsOfBInPlace * ldb : 0;

        // Whether Kernel12x32 applies the epilogue itself, from its registers, in the last k block (Bias and BiasRelu).
        private bool FinishedInKernel => _epilogue is GemmEpilogue.Bias or GemmEpilogue.BiasRelu;

        // One 12 × 32 tile of C at (row, col), rows of A rs apart (read in place, or copied apart): in the last k block
        // with the Bias or BiasRelu epilogue applied as the tile leaves the registers (the same bits as FinishTile over
        // the stored tile).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Tall(int kc, float* rows, long rs, float* panelB, long ldb, int row, int col, bool add, bool last, bool streamA)
        {
            long offset = (long)row * _n + col;
            if (last && _epilogue == GemmEpilogue.BiasRelu)
            {
                Kernel12x32<BiasReluFinish>(kc, rows, rs, panelB, ldb, _c + offset, _n, add, streamA, _bias + col, _aux + offset);
            }
            else if (last && _epilogue == GemmEpilogue.Bias)
            {
                Kernel12x32<BiasFinish>(kc, rows, rs, panelB, ldb, _c + offset, _n, add, streamA, _bias + col, null);
            }
            else
            {
                Kernel12x32<SumFinish>(kc, rows, rs, panelB, ldb, _c + offset, _n, add, streamA, null, null);
            }
        }

        // From this many weights (W and ∇W together 1 MiB, Zen 4's and Zen 5's L2) the fused step asks ahead from a
        // batch of StepPrefetchMinK rows on (where AskAheadForLargeSteps). The 512 × 784 and 256 × 512 layers of
        // 784-512-256-10, SGD, batch 64, epochs alternating with and without (bench/Backprop.Benchmarks step-prefetch)
        // on Zen 4: one thread 1.551 → 1.517 s, two 0.839 → 0.824 s; on the Vector256 kernels no change. Batch 16 on
        // two threads was 2 % slower (1.120 → 1.147 s), and asking ahead for 784-128-10's 128 × 784 1 % slower.
        private const long StepPrefetchMinWeights = 1L << 17;

        private const int StepPrefetchMinK = 32;

        // Whether the fused step asks for the next tile: past a batch of DirectBMaxK rows, or on a large layer (see
        // StepPrefetchMinWeights). A batch of up to 128 rows against a layer whose W and ∇W fit L2 together does not:
        // the prefetches would cost a tile of a short product (batch 16: 128 cycles of FMAs) more than they save.
        private bool AsksAheadInStep => _k > DirectBMaxK
            || (s_askAheadForLargeSteps && _k >= StepPrefetchMinK && (long)_m * _n >= StepPrefetchMinWeights);

        // Whether the fused SGD step writes ∇W past the caches (non-temporal stores, whole cache lines): the step reads
        // only W and its registers, and ∇W is kept for Network.Gradients alone, so on a layer whose W and ∇W overflow L2
        // together (StepPrefetchMinWeights) writing ∇W through the caches fetched each line first and evicted W and the
        // batch for it. 784-512-256-10, SGD, Zen 4 (bench/Backprop.Benchmarks step-prefetch 512,256 B E T stream, epochs
        // alternating): batch 64, one thread 1.575 → 1.521 s (Vector256: 1.76 → 1.69), two threads 0.818 → 0.815 (each
        // core's half nearly fits its L2); batch 16, one thread, 1.925 → 1.845 s; batch 256, two threads, 0.790 → 0.772.
        // 784-128-10's 128 × 784 layer measured the same either way, and small layers keep the cached stores (their
        // fence would cost more than it saves).
        private bool StreamsGradientInStep => s_streamStepGradients && (long)_m * _n >= StepPrefetchMinWeights;

        // The fused SGD step of a full tile at (ir, jr) of this block, W's rows at w and ∇W's at tile: asks for the next
        // tile's rows of W and ∇W (below this one, or the top of the next panel) while this one is computed. Past a
        // batch of about 128 the step's working set (the batch, its packed copy, W, ∇W) outgrows L2, and a tile's eight
        // rows, 3 136 bytes apart, are no pattern the hardware prefetchers follow: at batch 256 the fused step then
        // cost more than ∇W and a separate SGD pass.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void PrefetchNextStepTile(int ir, int mc, int jr, int nc, float* w, float* tile, bool wide)
        {
            if (!Sse.IsSupported || !AsksAheadInStep)
            {
                return;
            }
            int nrMax = _nr;
            long next = ir + 2 * MR <= mc ? (long)MR * _n : jr + 2 * nrMax <= nc ? nrMax - (long)ir * _n : 0;
            if (next != 0)
            {
                PrefetchTile(w + next, _n, wide);
                if (!StreamsGradientInStep)
                {
                    PrefetchTile(tile + next, _n, wide); // a streamed ∇W is written without being read first
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void FinishTile(int row, int rows, int col, int cols)
        {
            long offset = (long)row * _n + col;
            if (_epilogue == GemmEpilogue.Update)
            {
                // The optimizer's step on the tile, its state at the same offsets as W.
                _update!.ApplyTile(_aux + offset, _c + offset, _n, rows, cols, _updateOffset + (int)offset);
                return;
            }
            PackedGemm.ApplyEpilogue(_epilogue, _c + offset, _n, _bias + col, _aux + offset, rows, cols, _scale, _decay);
        }
    }
}
