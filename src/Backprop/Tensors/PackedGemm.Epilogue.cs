using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Tensors;

// What happens to a finished tile while it is in cache or registers: bias, ReLU, the ReLU mask, the fused SGD steps.
internal static unsafe partial class PackedGemm
{
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

    /// <summary>
    /// How <see cref="Kernel12x32"/> writes one row of its tile, 32 values, after the last chain of the product's
    /// last k block: the sum alone, or with the Bias or BiasRelu epilogue applied from the registers (bias at the
    /// tile's first column, aux laid out like C), with the bits <see cref="ApplyEpilogue"/> gives the stored sum.
    /// </summary>
    private interface ITileFinish
    {
        static abstract void Store(float* c, float* aux, float* bias, Vector512<float> v0, Vector512<float> v1, bool add);
    }

    // c = v, or c += v: the epilogue, if any, runs over the tile afterwards (FinishTile).
    private struct SumFinish : ITileFinish
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(float* c, float* aux, float* bias, Vector512<float> v0, Vector512<float> v1, bool add)
            => Store512(c, ref v0, ref v1, add);
    }

    // The sum s, then c = s + bias (GemmEpilogue.Bias).
    private struct BiasFinish : ITileFinish
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(float* c, float* aux, float* bias, Vector512<float> v0, Vector512<float> v1, bool add)
        {
            if (add)
            {
                v0 = Vector512.Load(c) + v0;
                v1 = Vector512.Load(c + 16) + v1;
            }
            Vector512.Store(v0 + Vector512.Load(bias), c);
            Vector512.Store(v1 + Vector512.Load(bias + 16), c + 16);
        }
    }

    // The sum s, then z = s + bias into c and max(z, 0) into aux, in that order (aux may be c: ReLU in place).
    private struct BiasReluFinish : ITileFinish
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(float* c, float* aux, float* bias, Vector512<float> v0, Vector512<float> v1, bool add)
        {
            if (add)
            {
                v0 = Vector512.Load(c) + v0;
                v1 = Vector512.Load(c + 16) + v1;
            }
            Vector512<float> z0 = v0 + Vector512.Load(bias);
            Vector512<float> z1 = v1 + Vector512.Load(bias + 16);
            Vector512.Store(z0, c);
            Vector512.Store(z1, c + 16);
            Vector512.Store(Vector512.Max(z0, Vector512<float>.Zero), aux);
            Vector512.Store(Vector512.Max(z1, Vector512<float>.Zero), aux + 16);
        }
    }

    /// <summary>
    /// How <see cref="Kernel8x32"/> writes one finished row of its tile, 32 values (<c>Store</c>), and how
    /// <see cref="Kernel6x16"/> and <see cref="Kernel4x16"/> write one row of 16 after their last chain (<c>Store256</c>).
    /// With <c>stream</c> the steps write the row of ∇W past the caches (see GemmJob.StreamsGradientInStep).
    /// </summary>
    private interface ITileRow
    {
        static abstract void Store(float* c, float* w, Vector512<float> v0, Vector512<float> v1, bool add, float scale, float decay, bool stream);

        static abstract void Store256(float* c, float* w, Vector256<float> v0, Vector256<float> v1, bool add, float scale, float decay, bool stream);
    }

    // c = v, or c += v.
    private struct PlainRow : ITileRow
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(float* c, float* w, Vector512<float> v0, Vector512<float> v1, bool add, float scale, float decay, bool stream)
            => Store512(c, ref v0, ref v1, add);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store256(float* c, float* w, Vector256<float> v0, Vector256<float> v1, bool add, float scale, float decay, bool stream)
            => PackedGemm.Store256(c, ref v0, ref v1, add);
    }

    // As PlainRow, then the Step epilogue on the row: w = c · scale + w (two roundings, as ApplyEpilogue).
    private struct StepRow : ITileRow
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(float* c, float* w, Vector512<float> v0, Vector512<float> v1, bool add, float scale, float decay, bool stream)
        {
            StoreGradient(c, ref v0, ref v1, add, stream);
            Vector512<float> s = Vector512.Create(scale);
            Vector512.Store(v0 * s + Vector512.Load(w), w);
            Vector512.Store(v1 * s + Vector512.Load(w + 16), w + 16);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store256(float* c, float* w, Vector256<float> v0, Vector256<float> v1, bool add, float scale, float decay, bool stream)
        {
            StoreGradient256(c, ref v0, ref v1, add, stream);
            Vector256<float> s = Vector256.Create(scale);
            Vector256.Store(v0 * s + Vector256.Load(w), w);
            Vector256.Store(v1 * s + Vector256.Load(w + 8), w + 8);
        }
    }

    // As PlainRow, then the DecayedStep epilogue on the row: w = (w · decay + c) · scale + w, as ApplyEpilogue.
    private struct DecayedStepRow : ITileRow
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(float* c, float* w, Vector512<float> v0, Vector512<float> v1, bool add, float scale, float decay, bool stream)
        {
            StoreGradient(c, ref v0, ref v1, add, stream);
            Vector512<float> s = Vector512.Create(scale);
            Vector512<float> d = Vector512.Create(decay);
            Vector512<float> w0 = Vector512.Load(w);
            Vector512<float> w1 = Vector512.Load(w + 16);
            Vector512.Store((w0 * d + v0) * s + w0, w);
            Vector512.Store((w1 * d + v1) * s + w1, w + 16);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store256(float* c, float* w, Vector256<float> v0, Vector256<float> v1, bool add, float scale, float decay, bool stream)
        {
            StoreGradient256(c, ref v0, ref v1, add, stream);
            Vector256<float> s = Vector256.Create(scale);
            Vector256<float> d = Vector256.Create(decay);
            Vector256<float> w0 = Vector256.Load(w);
            Vector256<float> w1 = Vector256.Load(w + 8);
            Vector256.Store((w0 * d + v0) * s + w0, w);
            Vector256.Store((w1 * d + v1) * s + w1, w + 8);
        }
    }
}
