using System.Numerics;
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
        Offset = offset;
        Scale = scale;
    }

    /// <summary>Which rescaling this is.</summary>
    public ScalingKind Kind { get; }

    /// <summary>Subtracted from each feature.</summary>
    public IReadOnlyList<double> Offset { get; }

    /// <summary>Each feature is divided by this after the offset.</summary>
    public IReadOnlyList<double> Scale { get; }

    /// <summary>Number of features.</summary>
    public int FeatureCount => Offset.Count;

    /// <summary>
    /// Fits the rescaling on the features of <paramref name="data"/>. With <see cref="ScalingKind.None"/> nothing is
    /// read, so a set of image bytes stays bytes.
    /// </summary>
    public static FeatureScaler Fit<T>(Dataset<T> data, ScalingKind kind) where T : unmanaged, IFloatingPointIeee754<T>
        => kind == ScalingKind.None ? Fit(ReadOnlySpan<T>.Empty, data.FeatureCount, kind) : Fit(data.Features, data.FeatureCount, kind);

    /// <summary>Fits the rescaling on (rows, featureCount) row-major <paramref name="features"/>.</summary>
    public static FeatureScaler Fit<T>(ReadOnlySpan<T> features, int featureCount, ScalingKind kind) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        int rows = features.Length / featureCount;
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
            double min = double.PositiveInfinity, max = double.NegativeInfinity;
            for (int r = 0; r < rows; r++)
            {
                double v = double.CreateChecked(features[r * featureCount + j]);
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
            bool constant = min == max;
            if (kind == ScalingKind.Standard)
            {
                double mean = 0;
                for (int r = 0; r < rows; r++)
                {
                    mean += double.CreateChecked(features[r * featureCount + j]);
                }
                mean /= rows;
                double variance = 0;
                for (int r = 0; r < rows; r++)
                {
                    double d = double.CreateChecked(features[r * featureCount + j]) - mean;
                    variance += d * d;
                }
                double sd = Math.Sqrt(variance / rows);
                offset[j] = mean;
                // Squares of values near 1e-160 underflow; the range is then the scale (it is not zero).
                scale[j] = constant ? 1.0 : double.IsNormal(sd) ? sd : max - min;
            }
            else
            {
                offset[j] = min;
                scale[j] = constant ? 1.0 : max - min;
            }
        }
        return new FeatureScaler(kind, offset, scale);
    }

    /// <summary>Rescales (rows, FeatureCount) row-major features in place.</summary>
    /// <exception cref="ArgumentException">The length is not a multiple of <see cref="FeatureCount"/>.</exception>
    public void Apply<T>(Span<T> features) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int d = FeatureCount;
        if (features.Length % d != 0)
        {
            throw new ArgumentException($"{features.Length} values are not rows of {d} features.", nameof(features));
        }
        if (Kind == ScalingKind.None)
        {
            return;
        }
        for (int i = 0; i < features.Length; i++)
        {
            int j = i % d;
            features[i] = T.CreateChecked((double.CreateChecked(features[i]) - Offset[j]) / Scale[j]);
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
        ReadOnlySpan<double> offset = Offset is double[] o ? o : [.. Offset];
        ReadOnlySpan<double> scale = Scale is double[] s ? s : [.. Scale];
        for (int start = 0; start < source.Length; start += d)
        {
            ReadOnlySpan<float> row = source.Slice(start, d);
            Span<float> to = destination.Slice(start, d);
            int j = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                for (; j + 8 <= d; j += 8)
                {
                    (Vector256<double> low, Vector256<double> high) = Vector256.Widen(Vector256.Create(row.Slice(j, 8)));
                    low = (low - Vector256.Create(offset.Slice(j, 4))) / Vector256.Create(scale.Slice(j, 4));
                    high = (high - Vector256.Create(offset.Slice(j + 4, 4))) / Vector256.Create(scale.Slice(j + 4, 4));
                    Vector256.Narrow(low, high).CopyTo(to.Slice(j, 8));
                }
            }
            for (; j < d; j++)
            {
                to[j] = (float)((row[j] - offset[j]) / scale[j]);
            }
        }
    }
}
