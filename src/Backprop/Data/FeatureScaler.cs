using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Backprop.Tensors;
using System.Runtime.Intrinsics;

namespace Backprop.Data;

/// <summary>How features are rescaled before they reach the network.</summary>
public enum ScalingKind
{
    /// <summary>Features are used as they are.</summary>
    None,

    /// <summary>x' = (x − mean) / standard deviation, per feature.</summary>
    Standard,

    /// <summary>x' = (x − min) / (max − min), per feature, into [0, 1].</summary>
    MinMax,
}

/// <summary>
/// A per-feature affine rescaling x' = (x − Offset) / Scale, fitted on the training split only and stored with the
/// model, so evaluation and prediction see exactly what training saw. Constant features (every value equal) get
/// Scale = 1; any other feature is scaled, however small its values.
/// </summary>
public sealed class FeatureScaler
{
    /// <summary>Creates a scaler from its parameters (as read from a model file).</summary>
    /// <exception cref="ArgumentException">Lengths differ, or a scale is zero or not finite.</exception>
    public FeatureScaler(ScalingKind kind, double[] offset, double[] scale)
    {
        ArgumentNullException.ThrowIfNull(offset);
        ArgumentNullException.ThrowIfNull(scale);
        if (offset.Length != scale.Length)
        {
            throw new ArgumentException($"{offset.Length} offsets but {scale.Length} scales.", nameof(scale));
        }
        if (scale.Any(s => s == 0 || !double.IsFinite(s)) || offset.Any(o => !double.IsFinite(o)))
        {
            throw new ArgumentException("Scaler offsets must be finite and scales finite and non-zero.", nameof(scale));
        }
        Kind = kind;
        // Copies: the reciprocals below must stay those of the scales.
        _offset = [.. offset];
        _scale = [.. scale];
        _inverse = scale.All(s => Math.Abs(s) is >= 9.332636185032189e-302 and <= 1.0715086071862673e+301) // 2^∓1000
            ? [.. scale.Select(s => 1.0 / s)] : null;
    }

    private readonly double[] _offset;
    private readonly double[] _scale;

    // 1 / Scale[j], each a normal double (null where a scale is too large or small for that): see RescaleRows.
    private readonly double[]? _inverse;

    /// <summary>Which rescaling this is.</summary>
    public ScalingKind Kind { get; }

    /// <summary>Subtracted from each feature.</summary>
    public IReadOnlyList<double> Offset => _offset;

    /// <summary>Each feature is divided by this after the offset.</summary>
    public IReadOnlyList<double> Scale => _scale;

    /// <summary>Number of features.</summary>
    public int FeatureCount => Offset.Count;

    /// <summary>
    /// Fits the rescaling on the features of <paramref name="data"/>. With <see cref="ScalingKind.None"/> nothing is
    /// read, so a set of image bytes stays bytes; a set of image bytes is read row by row, never converted whole.
    /// </summary>
    public static unsafe FeatureScaler Fit<T>(Dataset<T> data, ScalingKind kind) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(data);
        if (kind == ScalingKind.None || !data.KeepsPixelBytes)
        {
            return kind == ScalingKind.None ? Fit(ReadOnlySpan<T>.Empty, data.FeatureCount, kind) : Fit(data.Features, data.FeatureCount, kind);
        }
        return ColumnStatistics<T>.Fit(new ColumnStatistics<T>.Source(data, null), data.Count, data.FeatureCount, kind);
    }

    /// <summary>Fits the rescaling on (rows, featureCount) row-major <paramref name="features"/>.</summary>
    public static unsafe FeatureScaler Fit<T>(ReadOnlySpan<T> features, int featureCount, ScalingKind kind) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        fixed (T* values = features)
        {
            return ColumnStatistics<T>.Fit(new ColumnStatistics<T>.Source(null, values), features.Length / featureCount, featureCount, kind);
        }
    }

    // Offset and scale of each feature from its statistics: the mean and standard deviation (Standard) or the minimum
    // and range (MinMax).
    private static FeatureScaler FromStatistics(ScalingKind kind, double[] min, double[] max, double[] mean, double[] squares, int rows)
    {
        int featureCount = min.Length;
        var offset = new double[featureCount];
        var scale = new double[featureCount];
        Array.Fill(scale, 1.0);
        if (kind == ScalingKind.None || rows == 0)
        {
            return new FeatureScaler(kind, offset, scale);
        }
        for (int j = 0; j < featureCount; j++)
        {
            // Only an exactly constant feature (min = max) keeps Scale = 1: a spread tested against an absolute
            // threshold would throw away a feature whose values are all tiny (near 1e-15) yet separate the classes.
            bool constant = min[j] == max[j];
            if (kind == ScalingKind.Standard)
            {
                double sd = Math.Sqrt(squares[j] / rows);
                offset[j] = mean[j];
                // Squares of values near 1e-160 underflow; the range is then the scale (it is not zero).
                scale[j] = constant ? 1.0 : double.IsNormal(sd) ? sd : max[j] - min[j];
            }
            else
            {
                offset[j] = min[j];
                scale[j] = constant ? 1.0 : max[j] - min[j];
            }
        }
        return new FeatureScaler(kind, offset, scale);
    }

    /// <summary>Rescales (rows, FeatureCount) row-major features in place.</summary>
    /// <exception cref="ArgumentException">The length is not a multiple of <see cref="FeatureCount"/>.</exception>
    public unsafe void Apply<T>(Span<T> features) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int d = FeatureCount;
        if (features.Length % d != 0)
        {
            throw new ArgumentException($"{features.Length} values are not rows of {d} features.", nameof(features));
        }
        if (Kind == ScalingKind.None || features.IsEmpty)
        {
            return;
        }
        int rows = features.Length / d;
        int blocks = (long)features.Length >= ParallelValues ? Math.Min(WorkerPool.ThreadCount, rows) : 1;
        fixed (T* values = features)
        {
            var job = new ApplyJob<T>(values, rows, d, _offset, _scale, _inverse, blocks);
            if (blocks == 1)
            {
                job.Execute(0);
            }
            else
            {
                WorkerPool.Run(job, blocks);
            }
        }
    }

    // From this many values on, fitting and rescaling are shared by the threads.
    private const long ParallelValues = 1 << 16;

    // Rows [first, end) of block `block`: each value x' = (x − Offset) / Scale in double, rounded once to T, as the
    // scalar formula T((double(x) − Offset[j]) / Scale[j]) rounds it; a row at a time on the widest vectors.
    private sealed unsafe class ApplyJob<T>(T* values, int rows, int d, double[] offset, double[] scale, double[]? inverse, int blocks) : IBlockJob
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int block)
        {
            int first = (int)((long)rows * block / blocks);
            int end = (int)((long)rows * (block + 1) / blocks);
            if (typeof(T) == typeof(float))
            {
                // Float rows in place, eight at a time (the same bits as the loop below: see RescaleRows).
                var block32 = new Span<float>((float*)values + (long)first * d, (end - first) * d);
                RescaleRows(block32, block32, d, offset, scale, inverse);
                return;
            }
            double[] buffer = typeof(T) == typeof(double) ? [] : new double[d];
            for (int r = first; r < end; r++)
            {
                Span<T> row = new(values + (long)r * d, d);
                Span<double> x = typeof(T) == typeof(double) ? MemoryMarshal.Cast<T, double>(row) : buffer;
                if (typeof(T) != typeof(double))
                {
                    TensorPrimitives.ConvertTruncating<T, double>(row, x);
                }
                TensorPrimitives.Subtract(x, offset, x);
                TensorPrimitives.Divide(x, scale, x);
                if (typeof(T) != typeof(double))
                {
                    TensorPrimitives.ConvertTruncating<double, T>(x, row);
                }
            }
        }
    }

    /// <summary>
    /// Per-column minimum, maximum, mean and sum of squared deviations, in double, each column summed over the rows in
    /// order from the first (the order of the plain loops, so the same bits), read row by row: a block of columns per
    /// thread, its part of each row added on the widest vectors (<see cref="ColumnMoments"/>). Image bytes standing for
    /// b / 255 in float are read as bytes; image bytes through a table of rescaled values are looked up a row at a time.
    /// </summary>
    private sealed unsafe class ColumnStatistics<T> : IBlockJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly Source _source;
        private readonly int _rows;
        private readonly int _d;
        private readonly int _blocks;
        private readonly bool _standard;
        private readonly double[] _min;
        private readonly double[] _max;
        private readonly double[] _mean;
        private readonly double[] _squares;

        private ColumnStatistics(Source source, int rows, int d, int blocks, bool standard)
        {
            (_source, _rows, _d, _blocks, _standard) = (source, rows, d, blocks, standard);
            _min = new double[d];
            _max = new double[d];
            _mean = new double[d];
            _squares = new double[d];
            Array.Fill(_min, double.PositiveInfinity);
            Array.Fill(_max, double.NegativeInfinity);
        }

        /// <summary>Where the rows come from: a set of image bytes, or row-major values.</summary>
        public readonly unsafe struct Source(Dataset<T>? data, T* values)
        {
            public Dataset<T>? Data => data;

            public T* Values => values;
        }

        public static FeatureScaler Fit(Source source, int rows, int d, ScalingKind kind)
        {
            int blocks = kind != ScalingKind.None && (long)rows * d >= ParallelValues ? Math.Min(WorkerPool.ThreadCount, (d + 7) / 8) : 1;
            var statistics = new ColumnStatistics<T>(source, rows, d, blocks, kind == ScalingKind.Standard);
            if (kind != ScalingKind.None && rows > 0)
            {
                if (blocks == 1)
                {
                    statistics.Execute(0);
                }
                else
                {
                    WorkerPool.Run(statistics, blocks);
                }
            }
            return FromStatistics(kind, statistics._min, statistics._max, statistics._mean, statistics._squares, rows);
        }

        // Columns [j0, j1) of block `block`, whole runs of eight.
        public void Execute(int block)
        {
            int units = (_d + 7) / 8;
            int j0 = Math.Min(_d, units * block / _blocks * 8);
            int j1 = Math.Min(_d, units * (block + 1) / _blocks * 8);
            if (j1 > j0)
            {
                if (typeof(T) == typeof(float) && _source.Data?.PlainPixels is { } pixels)
                {
                    FitPixels(pixels, j0, j1 - j0);
                }
                else
                {
                    FitValues(j0, j1 - j0);
                }
            }
        }

        // Rows of values: in place, or (image bytes through a table) looked up a row at a time into a buffer.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void FitValues(int j0, int width)
        {
            Dataset<T>? data = _source.Data;
            T[] buffer = data is null ? [] : new T[width];
            var min = new T[width];
            var max = new T[width];
            Array.Fill(min, T.PositiveInfinity);
            Array.Fill(max, T.NegativeInfinity);
            // Sums in arrays of this block's own (see Local), copied out at the end.
            double[] sums = Local(width);
            double[] squareSums = Local(width);
            fixed (T* row = buffer)
            fixed (T* pMin = min)
            fixed (T* pMax = max)
            fixed (double* mean = &sums[Pad])
            fixed (double* squares = &squareSums[Pad])
            {
                for (int r = 0; r < _rows; r++)
                {
                    ColumnMoments.AddRow(Read(data, r, j0, row, width), width, pMin, pMax, mean);
                }
                for (int j = 0; j < width; j++)
                {
                    _min[j0 + j] = double.CreateTruncating(min[j]);
                    _max[j0 + j] = double.CreateTruncating(max[j]);
                    mean[j] /= _rows;
                }
                if (_standard)
                {
                    for (int r = 0; r < _rows; r++)
                    {
                        ColumnMoments.AddSquares(Read(data, r, j0, row, width), width, mean, squares);
                    }
                }
            }
            CopyOut(sums, squareSums, j0, width);
        }

        // Columns [j0, j0 + width) of row r: in place, or looked up into the buffer.
        private T* Read(Dataset<T>? data, int r, int j0, T* buffer, int width)
        {
            if (data is null)
            {
                return _source.Values + (long)r * _d + j0;
            }
            data.RowValues(r, j0, new Span<T>(buffer, width));
            return buffer;
        }

        // Image bytes b standing for b / 255 in float, read as bytes.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void FitPixels(byte[] pixels, int j0, int width)
        {
            var min = new byte[width];
            var max = new byte[width];
            Array.Fill(min, byte.MaxValue);
            double[] sums = Local(width);
            double[] squareSums = Local(width);
            fixed (byte* start = pixels)
            fixed (byte* pMin = min)
            fixed (byte* pMax = max)
            fixed (double* mean = &sums[Pad])
            fixed (double* squares = &squareSums[Pad])
            {
                for (int r = 0; r < _rows; r++)
                {
                    ColumnMoments.AddPixelRow(start + (long)r * _d + j0, width, pMin, pMax, mean);
                }
                for (int j = 0; j < width; j++)
                {
                    _min[j0 + j] = PixelBytes.Value<float>(min[j]);
                    _max[j0 + j] = PixelBytes.Value<float>(max[j]);
                    mean[j] /= _rows;
                }
                if (_standard)
                {
                    for (int r = 0; r < _rows; r++)
                    {
                        ColumnMoments.AddPixelSquares(start + (long)r * _d + j0, width, mean, squares);
                    }
                }
            }
            CopyOut(sums, squareSums, j0, width);
        }

        // A block's sums live in arrays of its own while the rows are added, padded by a cache line on each side:
        // they are written once a row, and in one array shared by the blocks the edge columns of two blocks would
        // share a cache line that two cores then pass back and forth every row.
        private const int Pad = 8;

        private static double[] Local(int width) => new double[width + 2 * Pad];

        private void CopyOut(double[] sums, double[] squareSums, int j0, int width)
        {
            sums.AsSpan(Pad, width).CopyTo(_mean.AsSpan(j0, width));
            squareSums.AsSpan(Pad, width).CopyTo(_squares.AsSpan(j0, width));
        }
    }

    /// <summary>
    /// <see cref="Apply{T}"/> of float rows from <paramref name="source"/> into <paramref name="destination"/>, with
    /// the same bits (each value rescaled in double and rounded once to float), four doubles at a time: prediction
    /// rescales each chunk of rows on the way in.
    /// </summary>
    /// <exception cref="ArgumentException">The length is not a multiple of <see cref="FeatureCount"/>, or the destination is shorter.</exception>
    internal void Apply(ReadOnlySpan<float> source, Span<float> destination)
    {
        int d = FeatureCount;
        if (source.Length % d != 0 || destination.Length < source.Length)
        {
            throw new ArgumentException($"{source.Length} values are not rows of {d} features, or do not fit in {destination.Length}.", nameof(source));
        }
        if (Kind == ScalingKind.None)
        {
            source.CopyTo(destination);
            return;
        }
        RescaleRows(source, destination, d, _offset, _scale, _inverse);
    }

    // Rows of d floats from source into destination (which may be the same span): each value rescaled in double and
    // rounded once to float, as T((double(x) − Offset[j]) / Scale[j]), on the widest vectors. Dividing doubles is what
    // costs (two cycles a value on Vector256 or Vector512): with the reciprocals (inverse, each a normal double) a
    // vector takes q = (x − o) · (1 / s) instead where that rounds to the same float as the quotient (Quotient).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RescaleRows(ReadOnlySpan<float> source, Span<float> destination, int d, ReadOnlySpan<double> offset, ReadOnlySpan<double> scale, double[]? inverse)
    {
        bool multiply = inverse is not null;
        ReadOnlySpan<double> r = inverse ?? scale;
        for (int start = 0; start < source.Length; start += d)
        {
            ReadOnlySpan<float> row = source.Slice(start, d);
            Span<float> to = destination.Slice(start, d);
            int j = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; j + 16 <= d; j += 16)
                {
                    (Vector512<double> low, Vector512<double> high) = Vector512.Widen(Vector512.Create(row.Slice(j, 16)));
                    low -= Vector512.Create(offset.Slice(j, 8));
                    high -= Vector512.Create(offset.Slice(j + 8, 8));
                    low = multiply ? Quotient(low, Vector512.Create(scale.Slice(j, 8)), Vector512.Create(r.Slice(j, 8))) : low / Vector512.Create(scale.Slice(j, 8));
                    high = multiply ? Quotient(high, Vector512.Create(scale.Slice(j + 8, 8)), Vector512.Create(r.Slice(j + 8, 8))) : high / Vector512.Create(scale.Slice(j + 8, 8));
                    Vector512.Narrow(low, high).CopyTo(to.Slice(j, 16));
                }
            }
            if (Vector256.IsHardwareAccelerated)
            {
                for (; j + 8 <= d; j += 8)
                {
                    (Vector256<double> low, Vector256<double> high) = Vector256.Widen(Vector256.Create(row.Slice(j, 8)));
                    low -= Vector256.Create(offset.Slice(j, 4));
                    high -= Vector256.Create(offset.Slice(j + 4, 4));
                    low = multiply ? Quotient(low, Vector256.Create(scale.Slice(j, 4)), Vector256.Create(r.Slice(j, 4))) : low / Vector256.Create(scale.Slice(j, 4));
                    high = multiply ? Quotient(high, Vector256.Create(scale.Slice(j + 4, 4)), Vector256.Create(r.Slice(j + 4, 4))) : high / Vector256.Create(scale.Slice(j + 4, 4));
                    Vector256.Narrow(low, high).CopyTo(to.Slice(j, 8));
                }
            }
            for (; j < d; j++)
            {
                to[j] = (float)((row[j] - offset[j]) / scale[j]);
            }
        }
    }

    // Float rounding of the quotient difference / scale through the product q = difference · inverse, inverse = 1 / scale
    // rounded: q is within 2⁻⁵² relative (two roundings of 2⁻⁵³, for a normal product of normal factors) of the exact
    // quotient, the quotient rounded to double within 2⁻⁵³, so q lies within 3 units in its last place of it and both
    // round to the same float unless a float rounding boundary lies between them. Those boundaries are the midpoints
    // between two floats, where the 29 bits of a double's 52 that float drops are 2²⁸ (a float itself is not one: both
    // sides of it round to it); so q is used where those bits are more than 8 units from 2²⁸ and |q| is in float's
    // normal range, [2⁻¹²⁶, 2¹²⁸) (below it float's spacing is coarser, above it the result is ∞; 0, ∞ and NaN are
    // outside it too). Any other vector is divided: the same bits as dividing every vector (FeatureScalerTests).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Quotient(Vector512<double> difference, Vector512<double> scale, Vector512<double> inverse)
    {
        Vector512<double> q = difference * inverse;
        Vector512<double> size = Vector512.Abs(q);
        // The dropped bits minus (2²⁸ − 8), modulo 2²⁹: at most 16 where they are within 8 of 2²⁸.
        Vector512<long> dropped = (q.AsInt64() - Vector512.Create(Midpoint - Margin)) & Vector512.Create(DroppedBits);
        return Vector512.GreaterThanAll(dropped, Vector512.Create(2 * Margin))
            && Vector512.GreaterThanOrEqualAll(size, Vector512.Create(SmallestNormalFloat)) && Vector512.LessThanAll(size, Vector512.Create(FloatOverflow))
            ? q : difference / scale;
    }

    /// <summary><see cref="Quotient(Vector512{double}, Vector512{double}, Vector512{double})"/> on Vector256.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Quotient(Vector256<double> difference, Vector256<double> scale, Vector256<double> inverse)
    {
        Vector256<double> q = difference * inverse;
        Vector256<double> size = Vector256.Abs(q);
        Vector256<long> dropped = (q.AsInt64() - Vector256.Create(Midpoint - Margin)) & Vector256.Create(DroppedBits);
        return Vector256.GreaterThanAll(dropped, Vector256.Create(2 * Margin))
            && Vector256.GreaterThanOrEqualAll(size, Vector256.Create(SmallestNormalFloat)) && Vector256.LessThanAll(size, Vector256.Create(FloatOverflow))
            ? q : difference / scale;
    }

    // The 29 low bits of a double that rounding to float drops, their value at a midpoint between two floats, how far
    // from it (in units of the double's last place) a product is divided instead, and float's normal range: 2⁻¹²⁶ and 2¹²⁸.
    private const long DroppedBits = (1L << 29) - 1;
    private const long Midpoint = 1L << 28;
    private const long Margin = 8;
    private const double SmallestNormalFloat = 1.1754943508222875e-38;
    private const double FloatOverflow = 3.402823669209385e+38;
}
