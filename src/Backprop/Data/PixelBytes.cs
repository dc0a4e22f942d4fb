using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Data;

/// <summary>
/// Image bytes as feature values: b ↦ b / 255, rounded once to T. A set of images keeps its bytes (a quarter of the
/// memory of float32 values) and turns them into values only when a batch is gathered.
/// </summary>
internal static class PixelBytes
{
    /// <summary>The value of byte <paramref name="b"/>: b / 255 in T. The scalar twin of <see cref="Convert{T}"/>.</summary>
    public static T Value<T>(byte b) where T : unmanaged, IFloatingPointIeee754<T>
        => T.CreateChecked(b) / T.CreateChecked(255);

    /// <summary>destination[i] = <see cref="Value{T}"/>(source[i]), bit for bit.</summary>
    public static void Convert<T>(ReadOnlySpan<byte> source, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        destination = destination[..source.Length];
        if (typeof(T) == typeof(float))
        {
            ConvertToFloat(source, MemoryMarshal.Cast<T, float>(destination));
            return;
        }
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = Value<T>(source[i]);
        }
    }

    /// <summary>Whether the float conversion uses Vector512 where AVX-512 is there (default); tests switch it off to cover Vector256.</summary>
    internal static bool UseVector512 { get; set; } = Avx512F.IsSupported;

    // For float: b / 255f in float arithmetic, without a division: q = b · r with r = 1/255f rounded, then one
    // Newton-Raphson correction with the exact residual, q + (b − 255 q) · r (two FMAs). That is b / 255f for every one of
    // the 256 bytes (a test checks them all, both vector widths), as is the scalar tail's b · (1/255) in double rounded
    // once to float. Converting through double instead (two conversions each way per vector) took the conversion
    // about twice the time, and it is most of a gather's time when the rows come from cache.
    private static void ConvertToFloat(ReadOnlySpan<byte> source, Span<float> destination)
    {
        const double Reciprocal = 1.0 / 255.0;
        const float FloatReciprocal = 1f / 255f;
        int n = source.Length;
        int i = 0;
        ref byte src = ref MemoryMarshal.GetReference(source);
        ref float dst = ref MemoryMarshal.GetReference(destination);
        if (UseVector512 && Avx512F.IsSupported)
        {
            Vector512<float> r = Vector512.Create(FloatReciprocal);
            Vector512<float> d = Vector512.Create(-255f);
            for (; i + 16 <= n; i += 16)
            {
                Vector512<float> b = Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref src, (nuint)i)));
                Vector512<float> q = b * r;
                Vector512<float> e = Avx512F.FusedMultiplyAdd(q, d, b);
                Avx512F.FusedMultiplyAdd(e, r, q).StoreUnsafe(ref dst, (nuint)i);
            }
        }
        else if (Avx2.IsSupported && Fma.IsSupported)
        {
            Vector256<float> r = Vector256.Create(FloatReciprocal);
            Vector256<float> d = Vector256.Create(-255f);
            for (; i + 8 <= n; i += 8)
            {
                Vector128<byte> bytes = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref src, i))).AsByte();
                Vector256<float> b = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(bytes));
                Vector256<float> q = b * r;
                Vector256<float> e = Fma.MultiplyAdd(q, d, b);
                Fma.MultiplyAdd(e, r, q).StoreUnsafe(ref dst, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref dst, i) = (float)(Unsafe.Add(ref src, i) * Reciprocal);
        }
    }

    /// <summary>
    /// Image bytes of one row through a per-column table of values, for a set of images rescaled by a
    /// <see cref="FeatureScaler"/>: destination[i] = table[source[i] · width + start + i], where table holds, for each
    /// byte b, the rescaled value of every column (256 rows of <paramref name="width"/>). source holds columns
    /// [start, start + source.Length) of the row.
    /// </summary>
    public static unsafe void Lookup<T>(ReadOnlySpan<byte> source, ReadOnlySpan<T> table, int width, int start, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = source.Length;
        destination = destination[..n];
        if ((long)256 * width > table.Length || start + n > width)
        {
            throw new ArgumentException($"a table of {table.Length} values does not hold 256 rows of {width} columns from column {start + n}.", nameof(table));
        }
        int i = 0;
        if (typeof(T) == typeof(float) && Avx2.IsSupported)
        {
            // Eight columns at a time: index b · width + column, gathered from the table (it is 256 × width floats, so
            // every index fits an int once the table does).
            fixed (byte* src = source)
            fixed (T* tableStart = table)
            fixed (T* dst = destination)
            {
                Vector256<int> columns = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) + Vector256.Create(start);
                Vector256<int> w = Vector256.Create(width);
                for (; i + 8 <= n; i += 8)
                {
                    Vector256<int> bytes = Avx2.ConvertToVector256Int32(src + i);
                    Vector256<int> index = bytes * w + columns;
                    Avx2.GatherVector256((float*)tableStart, index, 4).Store((float*)dst + i);
                    columns += Vector256.Create(8);
                }
            }
        }
        for (; i < n; i++)
        {
            destination[i] = table[source[i] * width + start + i];
        }
    }
}
