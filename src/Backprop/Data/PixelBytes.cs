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
        int n = source.Length;
        int i = 0;
        ref byte src = ref MemoryMarshal.GetReference(source);
        ref float dst = ref MemoryMarshal.GetReference(destination);
        if (UseVector512 && Avx512F.IsSupported)
        {
            for (; i + 16 <= n; i += 16)
            {
                Over255(Vector128.LoadUnsafe(ref src, (nuint)i)).StoreUnsafe(ref dst, (nuint)i);
            }
        }
        else if (Avx2.IsSupported && Fma.IsSupported)
        {
            for (; i + 8 <= n; i += 8)
            {
                Over255(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref src, i))).StoreUnsafe(ref dst, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref dst, i) = (float)(Unsafe.Add(ref src, i) * Reciprocal);
        }
    }

    // b / 255f of sixteen bytes (AVX-512): the conversion of ConvertToFloat, shared with Affine.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Over255(Vector128<byte> bytes)
    {
        Vector512<float> r = Vector512.Create(1f / 255f);
        Vector512<float> b = Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(bytes));
        Vector512<float> q = b * r;
        return Avx512F.FusedMultiplyAdd(Avx512F.FusedMultiplyAdd(q, Vector512.Create(-255f), b), r, q);
    }

    // b / 255f of the eight bytes of `eight` (AVX2 and FMA), as Over255 above.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Over255(ulong eight)
    {
        Vector256<float> r = Vector256.Create(1f / 255f);
        Vector256<float> b = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(eight).AsByte()));
        Vector256<float> q = b * r;
        return Fma.MultiplyAdd(Fma.MultiplyAdd(q, Vector256.Create(-255f), b), r, q);
    }

    /// <summary>
    /// <see cref="Lookup{T}(ReadOnlySpan{byte}, ReadOnlySpan{T}, int, int, Span{T})"/> through a <see cref="PixelTable{T}"/>,
    /// with the same values: runs of columns whose values the table's affine map gives exactly (every column of
    /// Fashion-MNIST standardised) are computed, sixteen or eight at a time, value = (float)fma((double)(b / 255f),
    /// slope, intercept); any other column is looked up.
    /// </summary>
    public static void Lookup<T>(ReadOnlySpan<byte> source, PixelTable<T> table, int start, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = source.Length;
        destination = destination[..n];
        int width = table.Width;
        if (start < 0 || start + n > width)
        {
            throw new ArgumentException($"columns [{start}, {start + n}) are outside the table's {width}.", nameof(start));
        }
        int[]? run = typeof(T) == typeof(float) && Avx2.IsSupported && Fma.IsSupported ? table.ExactRun : null;
        int i = 0;
        while (i < n)
        {
            // Runs of computed columns, whole groups of eight; the columns between them looked up, eight at a time (every
            // column of a standardised Fashion-MNIST is computed). The hot loop is a method of its own: a call inside
            // it made the JIT keep its counters and vectors on the stack.
            int computed = run is null ? 0 : Math.Min(n - i, run[start + i]) & ~7;
            if (computed > 0)
            {
                Affine(source.Slice(i, computed), table.Slope!, table.Intercept!, start + i, MemoryMarshal.Cast<T, float>(destination.Slice(i, computed)));
                i += computed;
                continue;
            }
            int looked = run is null ? n - i : Math.Min(n - i, 8);
            Lookup(source.Slice(i, looked), table.Values, width, start + i, destination.Slice(i, looked));
            i += looked;
        }
    }

    // Columns [column, column + source.Length) of one row, a multiple of 8 long, all computed: b / 255f (Over255),
    // widened to double, fma(x, slope, intercept), rounded once to float.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Affine(ReadOnlySpan<byte> source, double[] slopes, double[] intercepts, int column, Span<float> destination)
    {
        int n = source.Length;
        int i = 0;
        fixed (byte* src = source)
        fixed (float* to = destination)
        fixed (double* slope0 = slopes)
        fixed (double* intercept0 = intercepts)
        {
            double* slope = slope0 + column;
            double* intercept = intercept0 + column;
            if (UseVector512 && Avx512F.IsSupported)
            {
                for (; i + 16 <= n; i += 16)
                {
                    Vector512<float> x = Over255(Vector128.Load(src + i));
                    Vector512<double> low = Avx512F.FusedMultiplyAdd(Avx512F.ConvertToVector512Double(x.GetLower()), Vector512.Load(slope + i), Vector512.Load(intercept + i));
                    Vector512<double> high = Avx512F.FusedMultiplyAdd(Avx512F.ConvertToVector512Double(x.GetUpper()), Vector512.Load(slope + i + 8), Vector512.Load(intercept + i + 8));
                    Avx512F.ConvertToVector256Single(low).Store(to + i);
                    Avx512F.ConvertToVector256Single(high).Store(to + i + 8);
                }
            }
            for (; i + 8 <= n; i += 8)
            {
                Vector256<float> x = Over255(Unsafe.ReadUnaligned<ulong>(src + i));
                Vector256<double> low = Fma.MultiplyAdd(Avx.ConvertToVector256Double(x.GetLower()), Vector256.Load(slope + i), Vector256.Load(intercept + i));
                Vector256<double> high = Fma.MultiplyAdd(Avx.ConvertToVector256Double(x.GetUpper()), Vector256.Load(slope + i + 4), Vector256.Load(intercept + i + 4));
                Avx.ConvertToVector128Single(low).Store(to + i);
                Avx.ConvertToVector128Single(high).Store(to + i + 4);
            }
        }
    }

    /// <summary>
    /// Image bytes of one row through a per-column table of values, for a set of images rescaled by a
    /// <see cref="FeatureScaler"/>: destination[i] = table[source[i] · width + start + i], where table holds, for each
    /// byte b, the rescaled value of every column (256 rows of <paramref name="width"/>). source holds columns
    /// [start, start + source.Length) of the row. The reference twin of the lookup through a <see cref="PixelTable{T}"/>.
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

/// <summary>
/// The values a set of image bytes stands for after a rescaling: <see cref="Values"/>[b · <see cref="Width"/> + j] is the
/// value of byte b in column j, the scaler applied to b / 255 (or to the previous table's value). For float it also
/// holds a faster way to most of them: a scaler maps x to (x − o) / s, computed in double and rounded to float, and
/// (float)fma((double)x, 1 / s, −o / s) rounds to the same float unless the quotient lies within a few units of
/// double's last place of a point halfway between two floats, or x − o cancels to 0 (a byte equal to the offset). Each
/// column is checked on all 256 bytes against the table when the table is made, and only the columns where every byte
/// agrees are computed (<see cref="PixelBytes.Lookup{T}(ReadOnlySpan{byte}, PixelTable{T}, int, Span{T})"/>), so the
/// values are the table's to the bit. A gather through the 800 KB table of Fashion-MNIST misses L2 while the network
/// trains; the arithmetic does not.
/// </summary>
internal sealed class PixelTable<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The table: 256 rows of <paramref name="width"/> values, built by the caller.</summary>
    /// <param name="values">The rescaled value of every byte in every column.</param>
    /// <param name="width">Columns.</param>
    /// <param name="scaler">The scaler that made the table's last rescaling; its offsets and scales give the affine map.</param>
    public PixelTable(T[] values, int width, FeatureScaler scaler)
    {
        if ((long)256 * width != values.Length || scaler.FeatureCount != width)
        {
            throw new ArgumentException($"a table of {values.Length} values is not 256 rows of the scaler's {scaler.FeatureCount} columns.", nameof(values));
        }
        Values = values;
        Width = width;
        if (typeof(T) != typeof(float))
        {
            return;
        }
        ReadOnlySpan<float> table = MemoryMarshal.Cast<T, float>(values.AsSpan());
        var slope = new double[width];
        var intercept = new double[width];
        var run = new int[width + 1];
        for (int j = width - 1; j >= 0; j--)
        {
            slope[j] = 1 / scaler.Scale[j];
            intercept[j] = -scaler.Offset[j] / scaler.Scale[j];
            bool exact = true;
            for (int b = 0; b < 256 && exact; b++)
            {
                exact = BitConverter.SingleToInt32Bits(Affine(PixelBytes.Value<float>((byte)b), slope[j], intercept[j]))
                    == BitConverter.SingleToInt32Bits(table[b * width + j]);
            }
            run[j] = exact ? run[j + 1] + 1 : 0;
            ExactColumns += exact ? 1 : 0;
        }
        (Slope, Intercept, ExactRun) = (slope, intercept, run);
    }

    /// <summary>The rescaled value of byte b in column j at [b · Width + j].</summary>
    public T[] Values { get; }

    /// <summary>The columns.</summary>
    public int Width { get; }

    /// <summary>Per column, 1 / s (float tables only, else null).</summary>
    public double[]? Slope { get; }

    /// <summary>Per column, −o / s (float tables only, else null).</summary>
    public double[]? Intercept { get; }

    /// <summary>Per column j, how many columns from j on are computed exactly (0 where column j is looked up); float only.</summary>
    public int[]? ExactRun { get; }

    /// <summary>How many columns are computed rather than looked up.</summary>
    public int ExactColumns { get; }

    /// <summary>The scalar twin of the computed columns: (float)fma((double)x, slope, intercept).</summary>
    public static float Affine(float x, double slope, double intercept) => (float)Math.FusedMultiplyAdd(x, slope, intercept);
}
