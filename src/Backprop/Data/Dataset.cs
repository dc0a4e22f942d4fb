using System.Numerics;

namespace Backprop;

/// <summary>
/// Samples held once, as one contiguous row-major block of features (Count, FeatureCount), with either class
/// labels (classification) or target rows (regression, (Count, TargetCount)). Batches are gathered from it into
/// reused buffers; no per-sample objects exist.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed class Dataset<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _features;
    private readonly int[]? _labels;
    private readonly T[]? _targets;

    /// <summary>A classification set: features (count, featureCount) and one class index per row.</summary>
    /// <exception cref="ArgumentException">Lengths disagree or a label is outside [0, classCount).</exception>
    public Dataset(T[] features, int featureCount, int[] labels, int classCount, IReadOnlyList<string>? featureNames = null, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        if (features.Length != labels.Length * featureCount)
        {
            throw new ArgumentException($"{labels.Length} labels need {labels.Length * featureCount} feature values; got {features.Length}.", nameof(features));
        }
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
            {
                throw new ArgumentException($"Label {labels[i]} of row {i + 1} is outside 0..{classCount - 1}.", nameof(labels));
            }
        }
        if (classNames is not null && classNames.Count != classCount)
        {
            throw new ArgumentException($"{classCount} classes but {classNames.Count} class names.", nameof(classNames));
        }
        _features = features;
        _labels = labels;
        FeatureCount = featureCount;
        OutputCount = classCount;
        Count = labels.Length;
        FeatureNames = featureNames ?? DefaultNames("x", featureCount);
        ClassNames = classNames ?? DefaultNames("", classCount);
    }

    /// <summary>A regression set (or explicit target vectors): features (count, featureCount), targets (count, targetCount).</summary>
    /// <exception cref="ArgumentException">Lengths disagree.</exception>
    public Dataset(T[] features, int featureCount, T[] targets, int targetCount, IReadOnlyList<string>? featureNames = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetCount, 1);
        if (features.Length % featureCount != 0 || targets.Length != features.Length / featureCount * targetCount)
        {
            throw new ArgumentException($"{features.Length} feature values of width {featureCount} and {targets.Length} target values of width {targetCount} do not describe the same rows.", nameof(targets));
        }
        _features = features;
        _targets = targets;
        FeatureCount = featureCount;
        OutputCount = targetCount;
        Count = features.Length / featureCount;
        FeatureNames = featureNames ?? DefaultNames("x", featureCount);
        ClassNames = [];
    }

    /// <summary>Number of rows.</summary>
    public int Count { get; }

    /// <summary>Number of features per row.</summary>
    public int FeatureCount { get; }

    /// <summary>Number of classes (classification) or target values per row (regression).</summary>
    public int OutputCount { get; }

    /// <summary>True when rows carry class labels.</summary>
    public bool IsClassification => _labels is not null;

    /// <summary>Feature names, in column order.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Class names by class index (empty for regression).</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>All features, (Count, FeatureCount) row-major.</summary>
    public ReadOnlySpan<T> Features => _features;

    /// <summary>Class index per row (empty for regression).</summary>
    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>Target rows, (Count, OutputCount) (empty for classification).</summary>
    public ReadOnlySpan<T> Targets => _targets;

    /// <summary>The features of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<T> Row(int row) => _features.AsSpan(row * FeatureCount, FeatureCount);

    /// <summary>
    /// Copies the rows named by <paramref name="indices"/> into x (rows, FeatureCount) and their targets into
    /// t (rows, OutputCount): one-hot rows for labels, the target rows otherwise.
    /// </summary>
    internal void Gather(ReadOnlySpan<int> indices, Span<T> x, Span<T> t)
    {
        int d = FeatureCount;
        int k = OutputCount;
        for (int r = 0; r < indices.Length; r++)
        {
            int row = indices[r];
            _features.AsSpan(row * d, d).CopyTo(x.Slice(r * d, d));
            Span<T> tr = t.Slice(r * k, k);
            if (_labels is not null)
            {
                tr.Clear();
                tr[_labels[row]] = T.One;
            }
            else
            {
                _targets.AsSpan(row * k, k).CopyTo(tr);
            }
        }
    }

    /// <summary>
    /// Asks the CPU to start loading the rows named by <paramref name="indices"/> into cache, without waiting: the
    /// trainer names the next batch's rows before it computes the current batch, so that shuffled rows of a large set
    /// arrive while the current batch computes instead of one row's memory latency after another at the next gather.
    /// </summary>
    internal unsafe void Prefetch(ReadOnlySpan<int> indices)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported)
        {
            return;
        }
        int bytes = FeatureCount * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        fixed (T* features = _features)
        {
            foreach (int row in indices)
            {
                byte* start = (byte*)(features + (long)row * FeatureCount);
                for (int offset = 0; offset < bytes; offset += 64)
                {
                    System.Runtime.Intrinsics.X86.Sse.Prefetch1(start + offset);
                }
            }
        }
    }

    private static string[] DefaultNames(string prefix, int count)
    {
        var names = new string[count];
        for (int i = 0; i < count; i++)
        {
            names[i] = prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return names;
    }
}
