using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Tensors;

// Packing op(A) and op(B) into the panels the micro-kernels stream.
internal static unsafe partial class PackedGemm
{
    // Whether TallMR rows of A read in place, rowStride floats apart, crowd into one set of L1. An L1 of 64 sets of
    // 64-byte lines (Zen 4's 32 KiB 8-way, the Xeon's 48 KiB 12-way) maps rows 4 KiB apart (1 024 floats: GEMM 1024³)
    // all to one set, where the twelve rows of the 12 × 32 tile, which should stay in L1 while they meet every panel
    // of B, evict one another and the lines of B: copied apart, GEMM 1024³ on one thread went from 93 to 103 GFLOP/s on
    // Zen 4 (bench/Backprop.Benchmarks gemm-probe). Rows 2 KiB apart (a hidden layer of 512) share two sets, six rows
    // to a set, and there the copy cost 1-3 %: so true only where some set would hold more than half the rows.
    private static bool RowsShareL1Sets(long rowStride)
    {
        if (!s_spreadRows)
        {
            return false;
        }
        Span<int> rowsInSet = stackalloc int[64];
        for (int r = 0; r < TallMR; r++)
        {
            if (++rowsInSet[(int)((r * rowStride * sizeof(float) / 64) & 63)] > TallMR / 2)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Whether rows of A that would share sets of L1 are copied apart before the 12 × 32 tile reads them (the default);
    /// benchmarks switch it off to compare. Both give the same bits.
    /// </summary>
    internal static bool SpreadAliasedRows
    {
        get => s_spreadRows;
        set => s_spreadRows = value;
    }

    private static bool s_spreadRows = true;

    // A row stride of at least kc floats that is an odd number of cache lines, so that rows copied that far apart
    // land in different sets of L1 (see RowsShareL1Sets).
    private static long OddLineStride(int kc)
    {
        long lines = (kc + 15) / 16;
        return (lines | 1) * 16;
    }

    // Copies rows × kc values from rows `from` floats apart to rows `to` floats apart: the same values, so the kernel
    // that reads them computes the same bits.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyRows(float* src, long from, float* dst, long to, int rows, int kc)
    {
        for (int r = 0; r < rows; r++)
        {
            new ReadOnlySpan<float>(src + r * from, kc).CopyTo(new Span<float>(dst + r * to, kc));
        }
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
}
