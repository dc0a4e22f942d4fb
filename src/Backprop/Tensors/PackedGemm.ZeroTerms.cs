using Backprop.Activations;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Tensors;

// ∇W = δᵀ x without δ's zero terms: behind ReLU about half of δ is zero (the units a row left inactive).
internal static unsafe partial class PackedGemm
{
    /// <summary>
    /// Whether the fused step of a ReLU layer (the paired job, <see cref="RunStepThenForward"/>, or <see cref="Run"/>
    /// told so) leaves out the terms of ∇W = δᵀ x whose δ is zero, where few enough of a block's δ are not (the
    /// default); tests and benchmarks switch it off to compare. The same bits either way (see <see cref="GemmJob"/>'s
    /// ComputeWithoutZeroTerms).
    /// </summary>
    internal static bool SkipZeroTerms
    {
        get => s_skipZeroTerms;
        set => s_skipZeroTerms = value;
    }

    private static bool s_skipZeroTerms = true;

    /// <summary>How many blocks of ∇W were computed without δ's zero terms, on any thread (tests check that a case takes that path).</summary>
    internal static long BlocksWithoutZeroTerms => Volatile.Read(ref s_blocksWithoutZeroTerms);

    private static long s_blocksWithoutZeroTerms;

    // The largest share of nonzero δ, in percent, for which a block leaves out the zero terms. The dense kernels run at
    // 92-97 % of the FMA peak; this one loads a vector of x for every FMA. The 784-128 paired job on two threads
    // (bench/Backprop.Benchmarks sparse-probe 64 Z), every term against the zero ones left out, with 50, 60 and 70 %
    // of δ nonzero: 0.83-0.92×, 0.88×, 1.03×.
    private const int ZeroTermsMaxDensityPercent = 60;

    // The largest batch (k) whose zero terms are left out: one word of the masks, the batch's rows of x for a run of
    // columns in L1 while every row of ∇W reads them. Past it the rows come from L2 and L3, and the partial sums go
    // through ∇W between words: with half of δ zero at random the paired job took 0.91× at batch 256, but training
    // steps with δ as it comes took 0.99-1.03× for 784-128-10 at batch 128 and 256 (few blocks sparse enough),
    // 1.04× and with the second layer too 1.12× for 784-512-256-10 at batch 256 (bench zero-terms).
    private const int ZeroTermsMaxK = 64;

    // Whether ∇W = δᵀ x of this product can leave out zero terms: a ReLU layer (whose derivative zeroes δ;
    // for other activations δ has no zeros to leave out, and counting them costs a pass over δ), δ read as op(A) = δᵀ from a row-major
    // (k, m) δ, x row-major and read in place, a batch of at most ZeroTermsMaxK rows (one chain of FMAs per element, from
    // zero in the order of the rows, that the zero terms leave as it is), whole vectors of columns, C written (not
    // added to) with a fused step. Both kernel widths.
    private static bool CanSkipZeroTerms(int rsA, int csB, int n, int k, bool accumulate, GemmEpilogue epilogue, Activation activation)
        => s_skipZeroTerms && activation == Activation.Relu && rsA == 1 && csB == 1 && k <= ZeroTermsMaxK && n % (s_wide ? 16 : 8) == 0 && !accumulate
            && epilogue is GemmEpilogue.Step or GemmEpilogue.DecayedStep or GemmEpilogue.Update;

    /// <summary>Whether a block with <paramref name="nonzero"/> of its <paramref name="terms"/> factors not zero leaves out the zero ones.</summary>
    internal static bool FewEnoughNonzeroTerms(long nonzero, long terms) => nonzero * 100 <= ZeroTermsMaxDensityPercent * terms;

    // Bit b of masks[i − i0] is set where op(A)[i, b] = a[i + b · lda] is not zero (±0 is zero, NaN is not), for rows
    // [i0, i1) and k ≤ 64 columns, sixteen rows at a time on Vector512 (wide), eight on Vector256; returns how many are
    // set.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static long ZeroTermMasks(float* a, int lda, int k, int i0, int i1, ulong* masks, bool wide)
    {
        Debug.Assert(k <= 64);
        int i = i0;
        for (; wide && i + 16 <= i1; i += 16)
        {
            Vector512<ulong> low = Vector512<ulong>.Zero, high = Vector512<ulong>.Zero;
            float* column = a + i;
            for (int b = 0; b < k; b++, column += lda)
            {
                Vector512<int> zero = Vector512.Equals(Vector512.Load(column), Vector512<float>.Zero).AsInt32();
                (Vector512<long> l, Vector512<long> h) = Vector512.Widen(~zero);
                Vector512<ulong> bit = Vector512.Create(1UL << b);
                low |= l.AsUInt64() & bit;
                high |= h.AsUInt64() & bit;
            }
            Vector512.Store(low, masks + (i - i0));
            Vector512.Store(high, masks + (i - i0) + 8);
        }
        for (; !wide && i + 8 <= i1; i += 8)
        {
            Vector256<ulong> low = Vector256<ulong>.Zero, high = Vector256<ulong>.Zero;
            float* column = a + i;
            for (int b = 0; b < k; b++, column += lda)
            {
                Vector256<int> zero = Vector256.Equals(Vector256.Load(column), Vector256<float>.Zero).AsInt32();
                (Vector256<long> l, Vector256<long> h) = Vector256.Widen(~zero);
                Vector256<ulong> bit = Vector256.Create(1UL << b);
                low |= l.AsUInt64() & bit;
                high |= h.AsUInt64() & bit;
            }
            Vector256.Store(low, masks + (i - i0));
            Vector256.Store(high, masks + (i - i0) + 4);
        }
        for (; i < i1; i++)
        {
            ulong bits = 0;
            for (int b = 0; b < k; b++)
            {
                bits |= (a[i + (long)b * lda] != 0f ? 1UL : 0UL) << b;
            }
            masks[i - i0] = bits;
        }
        long set = 0;
        for (int r = 0; r < i1 - i0; r++)
        {
            set += BitOperations.PopCount(masks[r]);
        }
        return set;
    }

    private interface IVectors
    {
        static abstract int Count { get; }
    }

    private struct OneVector : IVectors
    {
        public static int Count => 1;
    }

    private struct TwoVectors : IVectors
    {
        public static int Count => 2;
    }

    private struct ThreeVectors : IVectors
    {
        public static int Count => 3;
    }

    private struct FourVectors : IVectors
    {
        public static int Count => 4;
    }

    private struct FiveVectors : IVectors
    {
        public static int Count => 5;
    }

    private struct SixVectors : IVectors
    {
        public static int Count => 6;
    }

    private struct SevenVectors : IVectors
    {
        public static int Count => 7;
    }

    /// <summary>
    /// One row of C over <typeparamref name="TVectors"/> × 16 columns, for the (up to 64) terms whose bits are set:
    /// c = Σ_b a_b x_b over the set bits b in order, each term one FMA into one accumulator per vector, from zero; the
    /// sums go to <typeparamref name="TRow"/> (C, and W stepped from the registers) in pairs of vectors, an odd last
    /// vector to C alone (the caller applies its epilogue). a: the row's first factor, lda apart; x: the first row of B
    /// at these columns, ldb apart.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowOfSetTerms<TVectors, TRow>(ulong bits, float* a, long lda, float* x, long ldb, float* c, float* w, float scale, float decay, bool stream)
        where TVectors : struct, IVectors
        where TRow : struct, ITileRow
    {
        int count = TVectors.Count;
        Vector512<float> c0, c1, c2, c3, c4, c5, c6;
        c0 = c1 = c2 = c3 = c4 = c5 = c6 = Vector512<float>.Zero;
        while (bits != 0)
        {
            int b = BitOperations.TrailingZeroCount(bits);
            bits &= bits - 1;
            Vector512<float> s = Vector512.Create(a[b * lda]);
            float* row = x + b * ldb;
            c0 = Vector512.FusedMultiplyAdd(s, Vector512.Load(row), c0);
            if (count > 1) { c1 = Vector512.FusedMultiplyAdd(s, Vector512.Load(row + 16), c1); }
            if (count > 2) { c2 = Vector512.FusedMultiplyAdd(s, Vector512.Load(row + 32), c2); }
            if (count > 3) { c3 = Vector512.FusedMultiplyAdd(s, Vector512.Load(row + 48), c3); }
            if (count > 4) { c4 = Vector512.FusedMultiplyAdd(s, Vector512.Load(row + 64), c4); }
            if (count > 5) { c5 = Vector512.FusedMultiplyAdd(s, Vector512.Load(row + 80), c5); }
            if (count > 6) { c6 = Vector512.FusedMultiplyAdd(s, Vector512.Load(row + 96), c6); }
        }
        // Pairs through TRow, as the 8 × 32 kernel stores its rows; an odd last vector stored plainly.
        if (count == 1) { c0.Store(c); return; }
        TRow.Store(c, w, c0, c1, false, scale, decay, stream);
        if (count == 2) { return; }
        if (count == 3) { c2.Store(c + 32); return; }
        TRow.Store(c + 32, w + 32, c2, c3, false, scale, decay, stream);
        if (count == 4) { return; }
        if (count == 5) { c4.Store(c + 64); return; }
        TRow.Store(c + 64, w + 64, c4, c5, false, scale, decay, stream);
        if (count == 6) { return; }
        c6.Store(c + 96);
    }

    /// <summary>
    /// <see cref="RowOfSetTerms{TVectors, TRow}"/> on Vector256: <typeparamref name="TVectors"/> × 8 columns, pairs of
    /// vectors through <typeparamref name="TRow"/>'s Store256.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowOfSetTerms256<TVectors, TRow>(ulong bits, float* a, long lda, float* x, long ldb, float* c, float* w, float scale, float decay, bool stream)
        where TVectors : struct, IVectors
        where TRow : struct, ITileRow
    {
        int count = TVectors.Count;
        Vector256<float> c0, c1, c2, c3, c4, c5, c6;
        c0 = c1 = c2 = c3 = c4 = c5 = c6 = Vector256<float>.Zero;
        while (bits != 0)
        {
            int b = BitOperations.TrailingZeroCount(bits);
            bits &= bits - 1;
            Vector256<float> s = Vector256.Create(a[b * lda]);
            float* row = x + b * ldb;
            c0 = Vector256.FusedMultiplyAdd(s, Vector256.Load(row), c0);
            if (count > 1) { c1 = Vector256.FusedMultiplyAdd(s, Vector256.Load(row + 8), c1); }
            if (count > 2) { c2 = Vector256.FusedMultiplyAdd(s, Vector256.Load(row + 16), c2); }
            if (count > 3) { c3 = Vector256.FusedMultiplyAdd(s, Vector256.Load(row + 24), c3); }
            if (count > 4) { c4 = Vector256.FusedMultiplyAdd(s, Vector256.Load(row + 32), c4); }
            if (count > 5) { c5 = Vector256.FusedMultiplyAdd(s, Vector256.Load(row + 40), c5); }
            if (count > 6) { c6 = Vector256.FusedMultiplyAdd(s, Vector256.Load(row + 48), c6); }
        }
        if (count == 1) { c0.Store(c); return; }
        TRow.Store256(c, w, c0, c1, false, scale, decay, stream);
        if (count == 2) { return; }
        if (count == 3) { c2.Store(c + 16); return; }
        TRow.Store256(c + 16, w + 16, c2, c3, false, scale, decay, stream);
        if (count == 4) { return; }
        if (count == 5) { c4.Store(c + 32); return; }
        TRow.Store256(c + 32, w + 32, c4, c5, false, scale, decay, stream);
        if (count == 6) { return; }
        c6.Store(c + 48);
    }

    private sealed partial class GemmJob
    {
        /// <summary>
        /// Whether this product's blocks may leave out δ's zero terms (RunStepThenForward, and Run for a ReLU layer's
        /// δ, set it where <see cref="CanSkipZeroTerms"/>); each block decides by its own share of zeros.
        /// </summary>
        public bool SkipsZeroTerms { get; set; }

        /// <summary>
        /// Rows [i0, i1) and columns [j0, j1) of C = op(A) op(B) (the fused step's ∇W = δᵀ x over at most 64 rows, see
        /// CanSkipZeroTerms) over only the terms whose factor op(A)[i, p] is not zero, where this product may leave them
        /// out (SkipsZeroTerms) and at most ZeroTermsMaxDensityPercent of them are not; returns false, having done
        /// nothing, otherwise. A zero term's FMA
        /// leaves a finite sum as it is (a chain from +0 never holds −0), so with a finite op(B) every element gets the
        /// bits of the dense kernels: the same chain, in the same order, less the terms that add nothing. The columns go
        /// in runs of four vectors (the last run takes up to three more), whose rows of B stay in L1 while every row of
        /// C meets them; the epilogue is applied as each row's sums leave the registers (Step, DecayedStep), or over
        /// each run when done (Update).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool ComputeWithoutZeroTerms(int i0, int i1, int j0, int j1)
        {
            int rows = i1 - i0;
            int lanes = _wide ? 16 : 8;
            // A's panels packed beforehand (PrepackA) are used, not wasted: such a product sums every term.
            if (!SkipsZeroTerms || _packedA is not null || rows <= 0 || j1 <= j0 || (j1 - j0) % lanes != 0 || _k > ZeroTermsMaxK)
            {
                return false;
            }
            ulong* masks = Scratch.ForThisThread().Masks(rows);
            long set = ZeroTermMasks(_a, _csA, _k, i0, i1, masks, _wide);
            if (!FewEnoughNonzeroTerms(set, (long)rows * _k))
            {
                return false;
            }
            Interlocked.Increment(ref s_blocksWithoutZeroTerms);
            bool stream = StreamsGradientInStep && _epilogue is GemmEpilogue.Step or GemmEpilogue.DecayedStep;
            bool fromRegisters = _epilogue is GemmEpilogue.Step or GemmEpilogue.DecayedStep;
            for (int col = j0; col < j1;)
            {
                int left = (j1 - col) / lanes;
                int run = left < 8 ? left : 4;
                float* x = _b + col;
                for (int i = i0; i < i1; i++)
                {
                    ulong bits = masks[i - i0];
                    float* a = _a + i;
                    long offset = (long)i * _n + col;
                    float* c = _c + offset;
                    float* wr = _aux + offset;
                    switch (_epilogue)
                    {
                        case GemmEpilogue.Step:
                            Row<StepRow>(run, bits, a, x, c, wr, stream);
                            break;
                        case GemmEpilogue.DecayedStep:
                            Row<DecayedStepRow>(run, bits, a, x, c, wr, stream);
                            break;
                        default:
                            Row<PlainRow>(run, bits, a, x, c, wr, false);
                            break;
                    }
                    if (fromRegisters && run % 2 == 1)
                    {
                        // The odd last vector was stored plainly: its step as the epilogue applies it.
                        int at = (run - 1) * lanes;
                        PackedGemm.ApplyEpilogue(_epilogue, c + at, _n, null, wr + at, 1, lanes, _scale, _decay);
                    }
                }
                if (_epilogue == GemmEpilogue.Update)
                {
                    FinishTile(i0, rows, col, run * lanes);
                }
                col += run * lanes;
            }
            if (stream)
            {
                Sse.StoreFence();
            }
            return true;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Row<TRow>(int run, ulong bits, float* a, float* x, float* c, float* w, bool stream)
            where TRow : struct, ITileRow
        {
            switch (run)
            {
                case 1: Row<OneVector, TRow>(bits, a, x, c, w, stream); break;
                case 2: Row<TwoVectors, TRow>(bits, a, x, c, w, stream); break;
                case 3: Row<ThreeVectors, TRow>(bits, a, x, c, w, stream); break;
                case 4: Row<FourVectors, TRow>(bits, a, x, c, w, stream); break;
                case 5: Row<FiveVectors, TRow>(bits, a, x, c, w, stream); break;
                case 6: Row<SixVectors, TRow>(bits, a, x, c, w, stream); break;
                default: Row<SevenVectors, TRow>(bits, a, x, c, w, stream); break;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Row<TVectors, TRow>(ulong bits, float* a, float* x, float* c, float* w, bool stream)
            where TVectors : struct, IVectors
            where TRow : struct, ITileRow
        {
            if (_wide)
            {
                RowOfSetTerms<TVectors, TRow>(bits, a, _csA, x, _rsB, c, w, _scale, _decay, stream);
            }
            else
            {
                RowOfSetTerms256<TVectors, TRow>(bits, a, _csA, x, _rsB, c, w, _scale, _decay, stream);
            }
        }
    }
}
