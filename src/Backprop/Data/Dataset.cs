using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Data;

/// <summary>
/// Samples held once, as one contiguous row-major block of features (Count, FeatureCount), with either class
/// labels (classification) or target rows (regression, (Count, TargetCount)). Batches are gathered from it into
/// reused buffers; no per-sample objects exist. A set of images read from IDX files keeps its pixel bytes and turns
/// them into values b / 255 as batches are gathered: a quarter of the memory, and a quarter of the bytes each
/// shuffled batch pulls from memory. Asking for all of <see cref="Features"/> at once converts them, once.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed class Dataset<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    // Exactly one of the two holds the features: values, or image bytes b standing for b / 255 (see PixelBytes).
    // Features converts the bytes once, on first use; readers take one local copy of each field.
    private T[]? _features;
    private byte[]? _pixels;
    // With image bytes after a rescaling: the value of byte b in column j is _pixelValues.Values[b · FeatureCount + j]
    // (256 rows of FeatureCount), which most columns also compute (PixelTable); null while byte b stands for b / 255.
    private PixelTable<T>? _pixelValues;
    private readonly int[]? _labels;
    private readonly T[]? _targets;
    private readonly LearningTask _task;

    /// <summary>A classification set: features (count, featureCount) and one class index per row.</summary>
    /// <exception cref="ArgumentException">Lengths disagree or a label is outside [0, classCount).</exception>
    public Dataset(T[] features, int featureCount, int[] labels, int classCount, IReadOnlyList<string>? featureNames = null, IReadOnlyList<string>? classNames = null)
        : this(features ?? throw new ArgumentNullException(nameof(features)), null, featureCount, labels, classCount, featureNames, classNames)
    {
    }

    /// <summary>
    /// A classification set of images: <paramref name="pixels"/> (count, featureCount), each byte b the feature value
    /// b / 255, kept as bytes (see <see cref="PixelBytes"/>).
    /// </summary>
    internal static Dataset<T> FromPixels(byte[] pixels, int featureCount, int[] labels, int classCount, IReadOnlyList<string>? featureNames = null, IReadOnlyList<string>? classNames = null)
        => new(null, pixels ?? throw new ArgumentNullException(nameof(pixels)), featureCount, labels, classCount, featureNames, classNames);

    private Dataset(T[]? features, byte[]? pixels, int featureCount, int[] labels, int classCount, IReadOnlyList<string>? featureNames, IReadOnlyList<string>? classNames)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        int values = features?.Length ?? pixels!.Length;
        if (values != labels.Length * featureCount)
        {
            throw new ArgumentException($"{labels.Length} labels need {labels.Length * featureCount} feature values; got {values}.", features is null ? nameof(pixels) : nameof(features));
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
        _pixels = pixels;
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
        _task = LearningTask.Regression;
        FeatureCount = featureCount;
        OutputCount = targetCount;
        Count = features.Length / featureCount;
        FeatureNames = featureNames ?? DefaultNames("x", featureCount);
        ClassNames = [];
        TargetNames = DefaultNames("y", targetCount);
    }

    /// <summary>An unlabelled set; see <see cref="Unlabelled"/>.</summary>
    internal Dataset(T[] features, int featureCount, IReadOnlyList<string>? featureNames, IReadOnlyList<string>? classNames)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        if (features.Length % featureCount != 0)
        {
            throw new ArgumentException($"{features.Length} feature values are not whole rows of {featureCount}.", nameof(features));
        }
        if (featureNames is not null && featureNames.Count != featureCount)
        {
            throw new ArgumentException($"{featureCount} features but {featureNames.Count} feature names.", nameof(featureNames));
        }
        _features = features;
        FeatureCount = featureCount;
        ClassNames = classNames ?? [];
        OutputCount = ClassNames.Count;
        Count = features.Length / featureCount;
        FeatureNames = featureNames ?? DefaultNames("x", featureCount);
    }

    /// <summary>
    /// A set of rows without labels or targets (data to predict on): features (count, featureCount). It cannot be
    /// trained on; <paramref name="classNames"/>, when given, names the classes a model will predict.
    /// </summary>
    /// <exception cref="ArgumentException">The length is not whole rows, or the names disagree with the width.</exception>
    public static Dataset<T> Unlabelled(T[] features, int featureCount, IReadOnlyList<string>? featureNames = null, IReadOnlyList<string>? classNames = null)
        => new(features, featureCount, featureNames, classNames);

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

    /// <summary>True when rows carry class labels or target rows; false for a set made by <see cref="Unlabelled"/>.</summary>
    public bool IsLabelled => _labels is not null || _targets is not null;

    /// <summary>The name of the column the labels came from ("label" unless the source names it).</summary>
    public string LabelName { get; init; } = "label";

    /// <summary>Columns of the source that are neither features nor the label (non-numeric text columns of a CSV file).</summary>
    public IReadOnlyList<string> IgnoredColumns { get; init; } = [];

    /// <summary>
    /// What the labels ask for: <see cref="LearningTask.Classification"/> for class labels (and unlabelled sets),
    /// <see cref="LearningTask.Regression"/> for target rows unless set to <see cref="LearningTask.MultiLabel"/>, whose
    /// targets are 0 or 1 (one column per label).
    /// </summary>
    /// <exception cref="ArgumentException">Classification set on target rows, or another task on class labels.</exception>
    public LearningTask Task
    {
        get => _task;
        init
        {
            if ((value == LearningTask.Classification && _targets is not null) || (value != LearningTask.Classification && _labels is not null))
            {
                throw new ArgumentException($"A set of {(_labels is not null ? "class labels" : "target rows")} cannot be a {value} set.", nameof(value));
            }
            _task = value;
        }
    }

    /// <summary>The target (regression) or label (multi-label) column names, one per output; empty for class labels.</summary>
    public IReadOnlyList<string> TargetNames { get; init; } = [];

    /// <summary>Rows of the source left out because their label was missing (an empty cell, NA or ?).</summary>
    public int DroppedRows { get; init; }

    /// <summary>
    /// For a table read with <see cref="CsvDatasetOptions.Table"/>: what each feature column holds (numbers, or codes of
    /// texts); null for plain numeric features. <see cref="Preprocessor"/> reads it.
    /// </summary>
    public IReadOnlyList<TableColumnInfo>? Columns { get; init; }

    /// <summary>All features, (Count, FeatureCount) row-major.</summary>
    public ReadOnlySpan<T> Features => Values();

    /// <summary>Class index per row (empty for regression).</summary>
    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>Target rows, (Count, OutputCount) (empty for classification).</summary>
    public ReadOnlySpan<T> Targets => _targets;

    /// <summary>The features of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<T> Row(int row) => Values().AsSpan(row * FeatureCount, FeatureCount);

    /// <summary>The table of rescaled values a set of image bytes is gathered with; null unless rescaled bytes.</summary>
    internal PixelTable<T>? PixelValues => Volatile.Read(ref _features) is null ? _pixelValues : null;

    /// <summary>Whether the features are still image bytes, converted as batches are gathered.</summary>
    internal bool KeepsPixelBytes => Volatile.Read(ref _features) is null;

    /// <summary>The image bytes while each byte b stands for b / 255 (not converted, not rescaled); else null.</summary>
    internal byte[]? PlainPixels => Volatile.Read(ref _features) is null && _pixelValues is null ? _pixels : null;

    // The feature values, converting image bytes on first use (once: a second thread converting at the same time
    // produces the same values and one of the two arrays is kept).
    private T[] Values()
    {
        T[]? features = Volatile.Read(ref _features);
        if (features is not null)
        {
            return features;
        }
        byte[] pixels = _pixels!;
        var values = new T[pixels.Length];
        if (_pixelValues is not { } table)
        {
            PixelBytes.Convert<T>(pixels, values);
        }
        else
        {
            for (int row = 0; row < Count; row++)
            {
                PixelBytes.Lookup<T>(pixels.AsSpan(row * FeatureCount, FeatureCount), table, 0, values.AsSpan(row * FeatureCount, FeatureCount));
            }
        }
        return Interlocked.CompareExchange(ref _features, values, null) ?? values;
    }

    /// <summary>
    /// Columns [start, start + destination.Length) of row <paramref name="row"/>, as <see cref="Features"/> holds them,
    /// without converting the rest of a set of image bytes.
    /// </summary>
    internal void RowValues(int row, int start, Span<T> destination)
    {
        int d = FeatureCount;
        T[]? features = Volatile.Read(ref _features);
        if (features is not null)
        {
            features.AsSpan(row * d + start, destination.Length).CopyTo(destination);
        }
        else
        {
            ConvertPixels(_pixels.AsSpan(row * d + start, destination.Length), start, destination);
        }
    }

    /// <summary>Rows [first, first + count) into destination (count, FeatureCount), as <see cref="Features"/> holds them.</summary>
    internal void ReadRows(int first, int count, Span<T> destination)
    {
        int d = FeatureCount;
        for (int r = 0; r < count; r++)
        {
            RowValues(first + r, 0, destination.Slice(r * d, d));
        }
    }

    // Image bytes of columns [start, start + source.Length) of one row into their values.
    private void ConvertPixels(ReadOnlySpan<byte> source, int start, Span<T> destination)
    {
        if (_pixelValues is { } table)
        {
            PixelBytes.Lookup<T>(source, table, start, destination);
        }
        else
        {
            PixelBytes.Convert(source, destination);
        }
    }

    /// <summary>
    /// Copies the rows named by <paramref name="indices"/> into x (rows, FeatureCount) and their targets into
    /// t (rows, OutputCount): one-hot rows for labels, the target rows otherwise. A batch of many values is split
    /// into fixed row ranges that all threads copy: shuffled rows of a large set are waits on memory, and two cores
    /// wait for twice as many cache lines at once. Each copier also prefetches the rows a few ahead of the one it
    /// copies (see CopyRows). (Prefetching a whole next batch at once was measured too: it stalls the core that
    /// issues it as long as the copy would, and gained nothing.)
    /// </summary>
    internal unsafe void Gather(ReadOnlySpan<int> indices, Span<T> x, Span<T> t)
    {
        if (!IsLabelled)
        {
            throw new InvalidOperationException("An unlabelled set has no targets to gather.");
        }
        int d = FeatureCount;
        int k = OutputCount;
        if (x.Length < indices.Length * d || t.Length < indices.Length * k)
        {
            throw new ArgumentException($"{indices.Length} rows do not fit buffers of {x.Length} and {t.Length} values.", nameof(x));
        }
        if ((long)indices.Length * d < ParallelGatherValues || WorkerPool.ThreadCount == 1)
        {
            CopyRows(indices, x, t);
            return;
        }
        foreach (int row in indices)
        {
            if ((uint)row >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), row, $"Row index outside 0..{Count - 1}.");
            }
        }
        int blocks = Math.Min(2 * WorkerPool.ThreadCount, indices.Length);
        fixed (int* rows = indices)
        fixed (T* px = x)
        fixed (T* pt = t)
        {
            var job = new GatherJob(this, rows, indices.Length, px, pt, blocks);
            GatherJob.Pooled ??= new GatherJobBox();
            GatherJob.Pooled.Job = job;
            WorkerPool.Run(GatherJob.Pooled, blocks);
            GatherJob.Pooled.Job = default;
        }
    }

    // Below this many values per batch one thread copies faster than two start.
    private const long ParallelGatherValues = 1 << 14;

    /// <summary>Rows <paramref name="rows"/> into x (rows, FeatureCount) and their targets into t (rows, OutputCount),
    /// one after another, unchecked (the callers check the indices).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void CopyRows(ReadOnlySpan<int> rows, Span<T> x, Span<T> t)
    {
        int d = FeatureCount;
        int k = OutputCount;
        T[]? features = Volatile.Read(ref _features);
        byte[]? pixels = _pixels;
        int rowBytes = features is not null ? d * Unsafe.SizeOf<T>() : d;
        // Shuffled rows are cache misses, each row a short sequential run the hardware prefetcher hardly starts on.
        // Asking for rows PrefetchRows ahead, every cache line of them, keeps many misses in flight at once.
        int ahead = Sse.IsSupported && rows.Length > PrefetchRows ? PrefetchRows : 0;
        for (int r = 0; r < ahead; r++)
        {
            Prefetch(features, pixels, rows[r], d, rowBytes);
        }
        for (int r = 0; r < rows.Length; r++)
        {
            int row = rows[r];
            if (ahead > 0 && r + ahead < rows.Length)
            {
                Prefetch(features, pixels, rows[r + ahead], d, rowBytes);
            }
            if (features is not null)
            {
                features.AsSpan(row * d, d).CopyTo(x.Slice(r * d, d));
            }
            else
            {
                ConvertPixels(pixels.AsSpan(row * d, d), 0, x.Slice(r * d, d));
            }
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

    // Rows prefetched ahead of the row being copied. Measured on 64 shuffled Fashion-MNIST rows, one thread:
    // 23 µs → 5.5 µs from bytes, 22 µs → 14 µs from floats, four rows ahead into L1; 2 rows ahead gained less.
    // Asked for into L2 instead (PREFETCHT2), eight rows ahead (bench/Backprop.Benchmarks gather-probe, Zen 4, best of
    // 12 epochs): batch 256 from bytes 39–44 → 24–27 µs, batch 64 from bytes 9.7–10 → 5.6–5.8, from floats 30–33 →
    // 14–17, batch 16 from bytes 2.5 → 1.4. Into L1 the misses in flight are bounded by L1's few fill buffers; into
    // L2 by L2's many, and the copy then finds each line in L2. Sixteen rows ahead gained nothing more.
    private const int PrefetchRows = 8;

    // Every cache line of one row, into L2. A prefetch is only a hint and never faults, so the address of an array the
    // GC might move (it does not move large arrays in practice) is harmless.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Prefetch(T[]? features, byte[]? pixels, int row, int d, int rowBytes)
    {
        ref byte start = ref features is not null
            ? ref Unsafe.As<T, byte>(ref features[row * d])
            : ref pixels![row * d];
        byte* p = (byte*)Unsafe.AsPointer(ref start);
        for (int offset = 0; offset < rowBytes; offset += 64)
        {
            Sse.Prefetch2(p + offset);
        }
        Sse.Prefetch2(p + rowBytes - 1);
    }

    /// <summary>A gather's batch pointers: valid only while <see cref="Gather"/> runs.</summary>
    private readonly unsafe struct GatherJob(Dataset<T> data, int* rows, int count, T* x, T* t, int blocks)
    {
        [ThreadStatic]
        internal static GatherJobBox? Pooled;

        // Rows [first, end) of block `block`: fixed by the counts alone.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int block)
        {
            int first = (int)((long)count * block / blocks);
            int end = (int)((long)count * (block + 1) / blocks);
            int d = data.FeatureCount;
            int k = data.OutputCount;
            data.CopyRows(
                new ReadOnlySpan<int>(rows + first, end - first),
                new Span<T>(x + (long)first * d, (end - first) * d),
                new Span<T>(t + (long)first * k, (end - first) * k));
        }
    }

    /// <summary>The reusable pool job that carries a <see cref="GatherJob"/> (one per calling thread, no allocation per batch).</summary>
    private sealed class GatherJobBox : IBlockJob
    {
        public GatherJob Job;

        public void Execute(int block) => Job.Execute(block);
    }

    /// <summary>
    /// A new set holding copies of the rows named by <paramref name="rows"/>, in that order, with the same names,
    /// classes and label name. The features are copied once into one new contiguous block.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [0, Count).</exception>
    public Dataset<T> Subset(ReadOnlySpan<int> rows)
    {
        int d = FeatureCount;
        int k = OutputCount;
        // Image bytes stay bytes: a subset of them is as exact and a quarter of the size.
        T[]? features = Volatile.Read(ref _features);
        byte[]? pixels = features is null ? _pixels : null;
        T[] x = features is null ? [] : new T[rows.Length * d];
        byte[] subsetPixels = pixels is null ? [] : new byte[rows.Length * d];
        int[]? labels = _labels is null ? null : new int[rows.Length];
        T[]? targets = _targets is null ? null : new T[rows.Length * k];
        for (int r = 0; r < rows.Length; r++)
        {
            int row = rows[r];
            if ((uint)row >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(rows), row, $"Row index outside 0..{Count - 1}.");
            }
            if (pixels is not null)
            {
                pixels.AsSpan(row * d, d).CopyTo(subsetPixels.AsSpan(r * d, d));
            }
            else
            {
                features.AsSpan(row * d, d).CopyTo(x.AsSpan(r * d, d));
            }
            if (labels is not null)
            {
                labels[r] = _labels![row];
            }
            if (targets is not null)
            {
                _targets.AsSpan(row * k, k).CopyTo(targets.AsSpan(r * k, k));
            }
        }
        Dataset<T> subset = pixels is not null ? new Dataset<T>(null, subsetPixels, d, labels!, k, FeatureNames, ClassNames) { _pixelValues = _pixelValues }
            : labels is not null ? new Dataset<T>(x, d, labels, k, FeatureNames, ClassNames)
            : targets is not null ? new Dataset<T>(x, d, targets, k, FeatureNames)
            : new Dataset<T>(x, d, FeatureNames, ClassNames);
        return subset.WithInfoFrom(this);
    }

    /// <summary>
    /// The same rows with their labels renamed to another class list (for a model whose classes are ordered
    /// differently). Shares this set's feature block; nothing is copied but the labels.
    /// </summary>
    public Dataset<T> WithLabels(int[]? labels, IReadOnlyList<string> classNames)
    {
        T[]? features = Volatile.Read(ref _features);
        Dataset<T> result = labels is null
            ? new Dataset<T>(Values(), FeatureCount, FeatureNames, classNames)
            : features is null
                ? new Dataset<T>(null, _pixels, FeatureCount, labels, classNames.Count, FeatureNames, classNames) { _pixelValues = _pixelValues }
                : new Dataset<T>(features, FeatureCount, labels, classNames.Count, FeatureNames, classNames);
        return result.WithInfoFrom(this);
    }

    /// <summary>
    /// Rescales every row's features in place with <paramref name="scaler"/>: x' = (x − Offset) / Scale. A set of image
    /// bytes stays bytes: it rescales the 256 values a byte can stand for in each column into a table, and batches are
    /// gathered with the same values as rescaling converted features (computed where a column's values allow it, looked
    /// up in the table elsewhere).
    /// </summary>
    /// <exception cref="ArgumentException">The scaler was fitted on a different number of features.</exception>
    public void Rescale(FeatureScaler scaler)
    {
        ArgumentNullException.ThrowIfNull(scaler);
        if (scaler.FeatureCount != FeatureCount)
        {
            throw new ArgumentException($"The scaler has {scaler.FeatureCount} features but the data has {FeatureCount}.", nameof(scaler));
        }
        if (scaler.Kind == ScalingKind.None)
        {
            return; // image bytes stay bytes
        }
        if (Volatile.Read(ref _features) is null)
        {
            // A new table (shallow copies share the old one): each byte's value in each column, rescaled.
            int d = FeatureCount;
            var table = new T[256 * d];
            for (int b = 0; b < 256; b++)
            {
                Span<T> row = table.AsSpan(b * d, d);
                if (_pixelValues is { } old)
                {
                    old.Values.AsSpan(b * d, d).CopyTo(row);
                }
                else
                {
                    row.Fill(PixelBytes.Value<T>((byte)b));
                }
            }
            scaler.Apply<T>(table);
            _pixelValues = new PixelTable<T>(table, d, scaler);
            return;
        }
        scaler.Apply(Values().AsSpan());
        _pixels = null;
        _pixelValues = null;
    }

    /// <summary>
    /// Rescales the target rows in place with <paramref name="scaler"/> fitted on targets: t' = (t − Offset) / Scale
    /// (a regression's standardised targets).
    /// </summary>
    /// <exception cref="InvalidOperationException">The set has no target rows.</exception>
    /// <exception cref="ArgumentException">The scaler was fitted on a different number of targets.</exception>
    public void RescaleTargets(FeatureScaler scaler)
    {
        ArgumentNullException.ThrowIfNull(scaler);
        if (_targets is null)
        {
            throw new InvalidOperationException("Only target rows (regression) can be rescaled.");
        }
        if (scaler.FeatureCount != OutputCount)
        {
            throw new ArgumentException($"The scaler has {scaler.FeatureCount} columns but the data has {OutputCount} targets.", nameof(scaler));
        }
        scaler.Apply(_targets.AsSpan());
    }

    private Dataset<T> WithInfoFrom(Dataset<T> source) => new(this)
    {
        LabelName = source.LabelName,
        IgnoredColumns = source.IgnoredColumns,
        Task = source.Task,
        TargetNames = source.TargetNames,
        Columns = source.Columns,
    };

    /// <summary>A shallow copy (shares the arrays), so init-only properties can be set on it.</summary>
    internal Dataset(Dataset<T> other)
    {
        _features = Volatile.Read(ref other._features);
        _pixels = other._pixels;
        _pixelValues = other._pixelValues;
        _labels = other._labels;
        _targets = other._targets;
        _task = other._task;
        TargetNames = other.TargetNames;
        DroppedRows = other.DroppedRows;
        FeatureCount = other.FeatureCount;
        OutputCount = other.OutputCount;
        Count = other.Count;
        FeatureNames = other.FeatureNames;
        ClassNames = other.ClassNames;
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
