using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Tensors;

// The register-tiled FMA micro-kernels (12 × 32 and 8 × 32 on Vector512; 6 × 16, and 8 × 16 as two 4 × 16, on
// Vector256) and their stores.
internal static unsafe partial class PackedGemm
{
    // ldb: floats from one row of the B panel to the next (the tile width when packed; a row of B read in place).
    // lda: 0 for a packed A panel, else the floats from one row of A read in place to the next.
    private static void Kernel(bool wide, int kc, float* a, int lda, float* b, int ldb, float* c, int ldc, bool add, long prefetchB = 0)
    {
        if (wide)
        {
            Kernel8x32<PlainRow>(kc, a, lda, b, ldb, c, ldc, add, null, 0, 0, prefetchB);
        }
        else
        {
            Kernel8x16(kc, a, lda == 0 ? 1 : lda, lda == 0 ? MR : 1, b, ldb, c, ldc, add);
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

    // Asks for the MR rows (ld apart) of a tile of C or W: two cache lines a row for 32 columns (wide), one for 16.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchTile(float* tile, long ld, bool wide)
    {
        for (int r = 0; r < MR; r++)
        {
            Sse.Prefetch0(tile + r * ld);
            if (wide)
            {
                Sse.Prefetch0(tile + r * ld + 16);
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
    // The kc terms are summed in chains of at most KbMax (see KbStep), each chain added into C when it ends; the last
    // one is written by TRow: into C, and for the fused SGD steps also W (w, laid out like C) while the row is still in
    // registers.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel8x32<TRow>(int kc, float* a, int lda, float* b, int ldb, float* c, int ldc, bool add, float* w, float scale, float decay, long prefetchB = 0, bool stream = false)
        where TRow : struct, ITileRow
    {
        Vector512<float> c00, c01, c10, c11, c20, c21, c30, c31;
        Vector512<float> c40, c41, c50, c51, c60, c61, c70, c71;
        // Element (r, p) of A is a_r[p·step]: a packed panel (lda 0) holds it at a[p·MR + r], rows read in place at
        // a[r·lda + p].
        long rs = lda == 0 ? 1 : lda;
        long step = lda == 0 ? MR : 1;
        float* a0 = a, a1 = a + rs, a2 = a1 + rs, a3 = a2 + rs;
        float* a4 = a3 + rs, a5 = a4 + rs, a6 = a5 + rs, a7 = a6 + rs;
        long end = kc * step;
        long chain = KbStep(kc) * step;
        long at = 0;
        Vector512<float> b0, b1, ai;
        while (true)
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = Vector512<float>.Zero;
            c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = Vector512<float>.Zero;
            long stop = Math.Min(end, at + chain);
            // Two steps of p per iteration: the loop's own instructions are then a small share of the FMAs.
            for (; at + step < stop; at += 2 * step)
            {
                if (prefetchB != 0)
                {
                    Sse.Prefetch0(b + prefetchB);
                    Sse.Prefetch0(b + prefetchB + 16);
                    Sse.Prefetch0(b + ldb + prefetchB);
                    Sse.Prefetch0(b + ldb + prefetchB + 16);
                }
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
            if (at < stop)
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
                b += ldb;
                at += step;
            }
            if (at >= end)
            {
                break;
            }
            Store512(c, ref c00, ref c01, add);
            Store512(c + ldc, ref c10, ref c11, add);
            Store512(c + 2 * ldc, ref c20, ref c21, add);
            Store512(c + 3 * ldc, ref c30, ref c31, add);
            Store512(c + 4 * ldc, ref c40, ref c41, add);
            Store512(c + 5 * ldc, ref c50, ref c51, add);
            Store512(c + 6 * ldc, ref c60, ref c61, add);
            Store512(c + 7 * ldc, ref c70, ref c71, add);
            add = true;
        }
        TRow.Store(c, w, c00, c01, add, scale, decay, stream);
        TRow.Store(c + ldc, w + ldc, c10, c11, add, scale, decay, stream);
        TRow.Store(c + 2 * ldc, w + 2 * ldc, c20, c21, add, scale, decay, stream);
        TRow.Store(c + 3 * ldc, w + 3 * ldc, c30, c31, add, scale, decay, stream);
        TRow.Store(c + 4 * ldc, w + 4 * ldc, c40, c41, add, scale, decay, stream);
        TRow.Store(c + 5 * ldc, w + 5 * ldc, c50, c51, add, scale, decay, stream);
        TRow.Store(c + 6 * ldc, w + 6 * ldc, c60, c61, add, scale, decay, stream);
        TRow.Store(c + 7 * ldc, w + 7 * ldc, c70, c71, add, scale, decay, stream);
    }

    // How far ahead (in rows of the B panel, 128 bytes each) Kernel12x32 asks for B. The panel streams from L2 (a
    // 12-row panel of A stays in L1 while it meets every panel of B, see Macro), and the hardware prefetchers alone
    // leave the kernel waiting for it: 16 rows (2 KiB, about 200 cycles of FMAs) ahead took GEMM 1024³ from 74 % to
    // about 80 % of the FMA peak on a Sapphire Rapids Xeon; 8 and 32 rows did about as well.
    private const int PrefetchRowsOfB = 16;

    // How far ahead (in floats of each row) Kernel12x32 asks for rows of A that come from memory, not from a cache
    // (prediction's rows, read once, on their first panel of B). 10 000 rows through a Model on one thread, CPU time:
    // without asking 13.94 ms, 64 floats ahead 13.13 (medians of nine interleaved rounds); 32, 64, 128 and 256 floats
    // ahead in five other rounds 12.94, 12.76, 12.87 and 13.90.
    private const int StreamAhead = 64;

    // The 12 × 32 micro-kernel: 24 Vector512 accumulators (of 32 registers; c{row}{half}), per p two loads of B, twelve
    // broadcasts of A and 24 FMAs, so each value of B loaded feeds 12 FMAs instead of 8. A is twelve rows read in place
    // (rs apart). The chains are those of Kernel8x32, and each element gets the same FMAs in the same order, so the
    // same bits. Rows are addressed from three pointers (rows 0–3, 4–7, 8–11) and rs, 2 rs, 3 rs, which leaves enough
    // general registers that nothing is spilled in the loop.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel12x32<TFinish>(int kc, float* a, long rs, float* b, long ldb, float* c, int ldc, bool add, bool streamA, float* bias, float* aux)
        where TFinish : ITileFinish
    {
        Vector512<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        Vector512<float> c60, c61, c70, c71, c80, c81, c90, c91, c100, c101, c110, c111;
        long rs2 = 2 * rs, rs3 = 3 * rs;
        float* q0 = a, q4 = a + 4 * rs, q8 = a + 8 * rs;
        int chain = KbStep(kc);
        int p = 0;
        long ahead = PrefetchRowsOfB * ldb;
        Vector512<float> b0, b1, ai;
        while (true)
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = Vector512<float>.Zero;
            c60 = c61 = c70 = c71 = c80 = c81 = c90 = c91 = c100 = c101 = c110 = c111 = Vector512<float>.Zero;
            int stop = Math.Min(kc, p + chain);
            // Two steps of p per iteration while two are left: the loop's own instructions are then a small share.
            for (; p + 1 < stop; p += 2)
            {
                if (streamA)
                {
                    // Rows of A from memory (see StreamAhead): rows 0–7 one a step pair, rows 8–11 every other, so
                    // each row is asked for once per 16 floats, the 16 it reads eight step pairs later.
                    long t = (p >> 1) & 7;
                    Sse.Prefetch0(q0 + t * rs + StreamAhead);
                    if (t < 4)
                    {
                        Sse.Prefetch0(q8 + t * rs + StreamAhead);
                    }
                }
                Sse.Prefetch0(b + ahead);
                Sse.Prefetch0(b + ahead + 16);
                b0 = Vector512.Load(b);
                b1 = Vector512.Load(b + 16);
                ai = Vector512.Create(q0[0]);
                c00 = Vector512.FusedMultiplyAdd(ai, b0, c00);
                c01 = Vector512.FusedMultiplyAdd(ai, b1, c01);
                ai = Vector512.Create(q0[rs]);
                c10 = Vector512.FusedMultiplyAdd(ai, b0, c10);
                c11 = Vector512.FusedMultiplyAdd(ai, b1, c11);
                ai = Vector512.Create(q0[rs2]);
                c20 = Vector512.FusedMultiplyAdd(ai, b0, c20);
                c21 = Vector512.FusedMultiplyAdd(ai, b1, c21);
                ai = Vector512.Create(q0[rs3]);
                c30 = Vector512.FusedMultiplyAdd(ai, b0, c30);
                c31 = Vector512.FusedMultiplyAdd(ai, b1, c31);
                ai = Vector512.Create(q4[0]);
                c40 = Vector512.FusedMultiplyAdd(ai, b0, c40);
                c41 = Vector512.FusedMultiplyAdd(ai, b1, c41);
                ai = Vector512.Create(q4[rs]);
                c50 = Vector512.FusedMultiplyAdd(ai, b0, c50);
                c51 = Vector512.FusedMultiplyAdd(ai, b1, c51);
                ai = Vector512.Create(q4[rs2]);
                c60 = Vector512.FusedMultiplyAdd(ai, b0, c60);
                c61 = Vector512.FusedMultiplyAdd(ai, b1, c61);
                ai = Vector512.Create(q4[rs3]);
                c70 = Vector512.FusedMultiplyAdd(ai, b0, c70);
                c71 = Vector512.FusedMultiplyAdd(ai, b1, c71);
                ai = Vector512.Create(q8[0]);
                c80 = Vector512.FusedMultiplyAdd(ai, b0, c80);
                c81 = Vector512.FusedMultiplyAdd(ai, b1, c81);
                ai = Vector512.Create(q8[rs]);
                c90 = Vector512.FusedMultiplyAdd(ai, b0, c90);
                c91 = Vector512.FusedMultiplyAdd(ai, b1, c91);
                ai = Vector512.Create(q8[rs2]);
                c100 = Vector512.FusedMultiplyAdd(ai, b0, c100);
                c101 = Vector512.FusedMultiplyAdd(ai, b1, c101);
                ai = Vector512.Create(q8[rs3]);
                c110 = Vector512.FusedMultiplyAdd(ai, b0, c110);
                c111 = Vector512.FusedMultiplyAdd(ai, b1, c111);
                Sse.Prefetch0(b + ldb + ahead);
                Sse.Prefetch0(b + ldb + ahead + 16);
                b0 = Vector512.Load(b + ldb);
                b1 = Vector512.Load(b + ldb + 16);
                ai = Vector512.Create(q0[1]);
                c00 = Vector512.FusedMultiplyAdd(ai, b0, c00);
                c01 = Vector512.FusedMultiplyAdd(ai, b1, c01);
                ai = Vector512.Create(q0[rs + 1]);
                c10 = Vector512.FusedMultiplyAdd(ai, b0, c10);
                c11 = Vector512.FusedMultiplyAdd(ai, b1, c11);
                ai = Vector512.Create(q0[rs2 + 1]);
                c20 = Vector512.FusedMultiplyAdd(ai, b0, c20);
                c21 = Vector512.FusedMultiplyAdd(ai, b1, c21);
                ai = Vector512.Create(q0[rs3 + 1]);
                c30 = Vector512.FusedMultiplyAdd(ai, b0, c30);
                c31 = Vector512.FusedMultiplyAdd(ai, b1, c31);
                ai = Vector512.Create(q4[1]);
                c40 = Vector512.FusedMultiplyAdd(ai, b0, c40);
                c41 = Vector512.FusedMultiplyAdd(ai, b1, c41);
                ai = Vector512.Create(q4[rs + 1]);
                c50 = Vector512.FusedMultiplyAdd(ai, b0, c50);
                c51 = Vector512.FusedMultiplyAdd(ai, b1, c51);
                ai = Vector512.Create(q4[rs2 + 1]);
                c60 = Vector512.FusedMultiplyAdd(ai, b0, c60);
                c61 = Vector512.FusedMultiplyAdd(ai, b1, c61);
                ai = Vector512.Create(q4[rs3 + 1]);
                c70 = Vector512.FusedMultiplyAdd(ai, b0, c70);
                c71 = Vector512.FusedMultiplyAdd(ai, b1, c71);
                ai = Vector512.Create(q8[1]);
                c80 = Vector512.FusedMultiplyAdd(ai, b0, c80);
                c81 = Vector512.FusedMultiplyAdd(ai, b1, c81);
                ai = Vector512.Create(q8[rs + 1]);
                c90 = Vector512.FusedMultiplyAdd(ai, b0, c90);
                c91 = Vector512.FusedMultiplyAdd(ai, b1, c91);
                ai = Vector512.Create(q8[rs2 + 1]);
                c100 = Vector512.FusedMultiplyAdd(ai, b0, c100);
                c101 = Vector512.FusedMultiplyAdd(ai, b1, c101);
                ai = Vector512.Create(q8[rs3 + 1]);
                c110 = Vector512.FusedMultiplyAdd(ai, b0, c110);
                c111 = Vector512.FusedMultiplyAdd(ai, b1, c111);
                q0 += 2;
                q4 += 2;
                q8 += 2;
                b += 2 * ldb;
            }
            if (p < stop)
            {
                Sse.Prefetch0(b + ahead);
                Sse.Prefetch0(b + ahead + 16);
                b0 = Vector512.Load(b);
                b1 = Vector512.Load(b + 16);
                ai = Vector512.Create(q0[0]);
                c00 = Vector512.FusedMultiplyAdd(ai, b0, c00);
                c01 = Vector512.FusedMultiplyAdd(ai, b1, c01);
                ai = Vector512.Create(q0[rs]);
                c10 = Vector512.FusedMultiplyAdd(ai, b0, c10);
                c11 = Vector512.FusedMultiplyAdd(ai, b1, c11);
                ai = Vector512.Create(q0[rs2]);
                c20 = Vector512.FusedMultiplyAdd(ai, b0, c20);
                c21 = Vector512.FusedMultiplyAdd(ai, b1, c21);
                ai = Vector512.Create(q0[rs3]);
                c30 = Vector512.FusedMultiplyAdd(ai, b0, c30);
                c31 = Vector512.FusedMultiplyAdd(ai, b1, c31);
                ai = Vector512.Create(q4[0]);
                c40 = Vector512.FusedMultiplyAdd(ai, b0, c40);
                c41 = Vector512.FusedMultiplyAdd(ai, b1, c41);
                ai = Vector512.Create(q4[rs]);
                c50 = Vector512.FusedMultiplyAdd(ai, b0, c50);
                c51 = Vector512.FusedMultiplyAdd(ai, b1, c51);
                ai = Vector512.Create(q4[rs2]);
                c60 = Vector512.FusedMultiplyAdd(ai, b0, c60);
                c61 = Vector512.FusedMultiplyAdd(ai, b1, c61);
                ai = Vector512.Create(q4[rs3]);
                c70 = Vector512.FusedMultiplyAdd(ai, b0, c70);
                c71 = Vector512.FusedMultiplyAdd(ai, b1, c71);
                ai = Vector512.Create(q8[0]);
                c80 = Vector512.FusedMultiplyAdd(ai, b0, c80);
                c81 = Vector512.FusedMultiplyAdd(ai, b1, c81);
                ai = Vector512.Create(q8[rs]);
                c90 = Vector512.FusedMultiplyAdd(ai, b0, c90);
                c91 = Vector512.FusedMultiplyAdd(ai, b1, c91);
                ai = Vector512.Create(q8[rs2]);
                c100 = Vector512.FusedMultiplyAdd(ai, b0, c100);
                c101 = Vector512.FusedMultiplyAdd(ai, b1, c101);
                ai = Vector512.Create(q8[rs3]);
                c110 = Vector512.FusedMultiplyAdd(ai, b0, c110);
                c111 = Vector512.FusedMultiplyAdd(ai, b1, c111);
                q0++;
                q4++;
                q8++;
                b += ldb;
                p++;
            }
            if (p >= kc)
            {
                break;
            }
            Store512(c, ref c00, ref c01, add);
            Store512(c + 1 * ldc, ref c10, ref c11, add);
            Store512(c + 2 * ldc, ref c20, ref c21, add);
            Store512(c + 3 * ldc, ref c30, ref c31, add);
            Store512(c + 4 * ldc, ref c40, ref c41, add);
            Store512(c + 5 * ldc, ref c50, ref c51, add);
            Store512(c + 6 * ldc, ref c60, ref c61, add);
            Store512(c + 7 * ldc, ref c70, ref c71, add);
            Store512(c + 8 * ldc, ref c80, ref c81, add);
            Store512(c + 9 * ldc, ref c90, ref c91, add);
            Store512(c + 10 * ldc, ref c100, ref c101, add);
            Store512(c + 11 * ldc, ref c110, ref c111, add);
            add = true;
        }
        // The last chain: the row's sum, then what TFinish does with it while it is in registers.
        TFinish.Store(c, aux, bias, c00, c01, add);
        TFinish.Store(c + 1 * ldc, aux + 1 * ldc, bias, c10, c11, add);
        TFinish.Store(c + 2 * ldc, aux + 2 * ldc, bias, c20, c21, add);
        TFinish.Store(c + 3 * ldc, aux + 3 * ldc, bias, c30, c31, add);
        TFinish.Store(c + 4 * ldc, aux + 4 * ldc, bias, c40, c41, add);
        TFinish.Store(c + 5 * ldc, aux + 5 * ldc, bias, c50, c51, add);
        TFinish.Store(c + 6 * ldc, aux + 6 * ldc, bias, c60, c61, add);
        TFinish.Store(c + 7 * ldc, aux + 7 * ldc, bias, c70, c71, add);
        TFinish.Store(c + 8 * ldc, aux + 8 * ldc, bias, c80, c81, add);
        TFinish.Store(c + 9 * ldc, aux + 9 * ldc, bias, c90, c91, add);
        TFinish.Store(c + 10 * ldc, aux + 10 * ldc, bias, c100, c101, add);
        TFinish.Store(c + 11 * ldc, aux + 11 * ldc, bias, c110, c111, add);
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

    // c = v for 32 values of ∇W in a fused step (c += v with add), streamed past the caches with stream where c is a
    // whole cache line apart (see GemmJob.StreamsGradientInStep).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreGradient(float* c, ref Vector512<float> v0, ref Vector512<float> v1, bool add, bool stream)
    {
        if (stream && !add && ((nuint)c & 63) == 0)
        {
            Avx512F.StoreAlignedNonTemporal(c, v0);
            Avx512F.StoreAlignedNonTemporal(c + 16, v1);
            return;
        }
        Store512(c, ref v0, ref v1, add);
    }

    // c = v or c += v for 16 values.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store512(float* c, Vector512<float> v, bool add)
    {
        Vector512.Store(add ? Vector512.Load(c) + v : v, c);
    }

    // The left 16 columns of the 8 × 32 tile, one Vector512 accumulator per row: 8 FMAs per p instead of 16 on
    // Vector256. A as in Kernel8x32; the same FMAs in the same chains per element as the other kernels, so the same
    // bits. Writes the tile (ldc apart): the first chain stored, the others added.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel8x16Wide(int kc, float* a, int lda, float* b, int ldb, float* c, int ldc)
    {
        long rs = lda == 0 ? 1 : lda;
        long step = lda == 0 ? MR : 1;
        float* a0 = a, a1 = a + rs, a2 = a1 + rs, a3 = a2 + rs;
        float* a4 = a3 + rs, a5 = a4 + rs, a6 = a5 + rs, a7 = a6 + rs;
        long end = kc * step;
        long chain = KbStep(kc) * step;
        long at = 0;
        bool add = false;
        do
        {
            Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default;
            Vector512<float> c4 = default, c5 = default, c6 = default, c7 = default;
            long stop = Math.Min(end, at + chain);
            for (; at < stop; at += step)
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
            Store512(c, c0, add);
            Store512(c + ldc, c1, add);
            Store512(c + 2 * ldc, c2, add);
            Store512(c + 3 * ldc, c3, add);
            Store512(c + 4 * ldc, c4, add);
            Store512(c + 5 * ldc, c5, add);
            Store512(c + 6 * ldc, c6, add);
            Store512(c + 7 * ldc, c7, add);
            add = true;
        }
        while (at < end);
    }

    // The 8 × 16 tile on Vector256, as two 4 × 16 passes over the same B panel. One 8 × 16 pass needs 16 accumulators,
    // two B vectors and a broadcast: 19 registers, where Vector256 code (AVX2, no AVX-512) has 16, so the JIT kept three
    // accumulators on the stack and every p stored and reloaded them. A 4 × 16 pass holds its 8 accumulators, the two B
    // vectors and the broadcast in 11: per p four broadcasts and two loads of B for 8 FMAs, 8 independent chains. Each
    // element gets the same FMAs in the same chains as in the other kernels, so the same bits.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel8x16(int kc, float* a, long rs, long ps, float* b, int ldb, float* c, int ldc, bool add)
    {
        Kernel4x16<PlainRow>(kc, a, rs, ps, b, ldb, c, ldc, add, null, 0, 0);
        Kernel4x16<PlainRow>(kc, a + 4 * rs, rs, ps, b, ldb, c + 4 * ldc, ldc, add, null, 0, 0);
    }

    // Four rows of A times a 16-column B panel, into 4 rows of C (ldc apart): the first chain stored unless add, the
    // others added, the last through TRow (a fused SGD step of W's rows at w, ldc apart, from the registers). A's value
    // (r, p) is a[r · rs + p · ps]: a packed panel (rs 1, ps MR), rows read in place (rs the row distance, ps 1) or the
    // columns of a column-major A read in place (rs 1, ps the column distance).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel4x16<TRow>(int kc, float* a, long rs, long ps, float* b, int ldb, float* c, int ldc, bool add, float* w, float scale, float decay, bool stream = false)
        where TRow : ITileRow
    {
        float* a0 = a, a1 = a + rs, a2 = a1 + rs, a3 = a2 + rs;
        long end = kc * ps;
        long chain = KbStep(kc) * ps;
        long at = 0;
        do
        {
            Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
            Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
            long stop = Math.Min(end, at + chain);
            for (; at < stop; at += ps)
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
                b += ldb;
            }
            if (at < end)
            {
                Store256(c, ref c00, ref c01, add);
                Store256(c + ldc, ref c10, ref c11, add);
                Store256(c + 2 * ldc, ref c20, ref c21, add);
                Store256(c + 3 * ldc, ref c30, ref c31, add);
            }
            else
            {
                TRow.Store256(c, w, c00, c01, add, scale, decay, stream);
                TRow.Store256(c + ldc, w + ldc, c10, c11, add, scale, decay, stream);
                TRow.Store256(c + 2 * ldc, w + 2 * ldc, c20, c21, add, scale, decay, stream);
                TRow.Store256(c + 3 * ldc, w + 3 * ldc, c30, c31, add, scale, decay, stream);
            }
            add = true;
        }
        while (at < end);
    }

    // Six rows of an A read in place times a 16-column B panel, into 6 rows of C (ldc apart): 12 accumulators, two B
    // vectors and the broadcast in AVX2's 16 registers, 12 independent chains. A's value (r, p) is a[r · rs + p · ps]
    // (rows: rs their distance, ps 1; a column-major A such as δᵀ: rs 1, ps its column distance). The first chain
    // stored unless add, the others added, the last through TRow (as Kernel4x16); the same FMAs in the same chains per
    // element as the other kernels.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x16<TRow>(int kc, float* a, long rs, long ps, float* b, int ldb, float* c, int ldc, bool add, float* w, float scale, float decay, bool stream = false)
        where TRow : ITileRow
    {
        float* a0 = a, a1 = a + rs, a2 = a1 + rs, a3 = a2 + rs, a4 = a3 + rs, a5 = a4 + rs;
        long end = kc * ps;
        long chain = KbStep(kc) * ps;
        long at = 0;
        do
        {
            Vector256<float> c00 = default, c01 = default;
            Vector256<float> c10 = default, c11 = default;
            Vector256<float> c20 = default, c21 = default;
            Vector256<float> c30 = default, c31 = default;
            Vector256<float> c40 = default, c41 = default;
            Vector256<float> c50 = default, c51 = default;
            long stop = Math.Min(end, at + chain);
            for (; at < stop; at += ps)
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
                b += ldb;
            }
            if (at < end)
            {
                Store256(c, ref c00, ref c01, add);
                Store256(c + ldc, ref c10, ref c11, add);
                Store256(c + 2 * ldc, ref c20, ref c21, add);
                Store256(c + 3 * ldc, ref c30, ref c31, add);
                Store256(c + 4 * ldc, ref c40, ref c41, add);
                Store256(c + 5 * ldc, ref c50, ref c51, add);
            }
            else
            {
                TRow.Store256(c, w, c00, c01, add, scale, decay, stream);
                TRow.Store256(c + ldc, w + ldc, c10, c11, add, scale, decay, stream);
                TRow.Store256(c + 2 * ldc, w + 2 * ldc, c20, c21, add, scale, decay, stream);
                TRow.Store256(c + 3 * ldc, w + 3 * ldc, c30, c31, add, scale, decay, stream);
                TRow.Store256(c + 4 * ldc, w + 4 * ldc, c40, c41, add, scale, decay, stream);
                TRow.Store256(c + 5 * ldc, w + 5 * ldc, c50, c51, add, scale, decay, stream);
            }
            add = true;
        }
        while (at < end);
    }

    // c = v, or c += v (v then holds the stored sum).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store256(float* c, ref Vector256<float> v0, ref Vector256<float> v1, bool add)
    {
        if (add)
        {
            v0 = Vector256.Load(c) + v0;
            v1 = Vector256.Load(c + 8) + v1;
        }
        Vector256.Store(v0, c);
        Vector256.Store(v1, c + 8);
    }

    // As StoreGradient for 16 values (the Vector256 kernels' rows), one whole cache line.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreGradient256(float* c, ref Vector256<float> v0, ref Vector256<float> v1, bool add, bool stream)
    {
        if (stream && !add && ((nuint)c & 63) == 0)
        {
            Avx.StoreAlignedNonTemporal(c, v0);
            Avx.StoreAlignedNonTemporal(c + 8, v1);
            return;
        }
        Store256(c, ref v0, ref v1, add);
    }
}
