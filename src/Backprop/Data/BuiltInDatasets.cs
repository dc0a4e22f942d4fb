using System.Numerics;

namespace Backprop.Data;

/// <summary>
/// Data sets available by name (`--dataset NAME`): seed (the article's one sample), xor, iris and digits (embedded
/// CSV files), the synthetic moons, circles and spirals, and fashion-mnist (read from its Debian package).
/// </summary>
public static class BuiltInDatasets
{
    /// <summary>The names <see cref="Load{T}(string)"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["seed", "xor", "iris", "digits", "moons", "circles", "spirals", "fashion-mnist"];

    /// <summary>The sets generated from a seed, which take <see cref="BuiltInDatasetOptions.Rows"/> and <see cref="BuiltInDatasetOptions.Noise"/>.</summary>
    public static IReadOnlyList<string> SyntheticNames { get; } = ["moons", "circles", "spirals"];

    /// <summary>Rows of a synthetic set unless told otherwise.</summary>
    public const int DefaultSyntheticRows = 500;

    /// <summary>The noise a synthetic set gets unless told otherwise: moons 0.1, circles 0.05, spirals 0.05.</summary>
    public static double DefaultNoise(string name) => Normalize(name) switch
    {
        "moons" => 0.1,
        "circles" or "spirals" => 0.05,
        _ => throw new ArgumentException($"'{name}' is not a synthetic data set (those are {string.Join(", ", SyntheticNames)})", nameof(name)),
    };

    /// <summary>
    /// Loads a built-in data set by name (case-insensitive) with default settings. For fashion-mnist this is its
    /// 60 000 training rows; <see cref="LoadSplits{T}"/> also returns its test rows.
    /// </summary>
    /// <exception cref="ArgumentException">The name is unknown (the message lists the known ones).</exception>
    /// <exception cref="FileNotFoundException">fashion-mnist is not installed.</exception>
    public static Dataset<T> Load<T>(string name) where T : unmanaged, IFloatingPointIeee754<T>
        => LoadSplits<T>(name, null).Train;

    /// <summary>
    /// Loads a built-in data set by name (case-insensitive): Train holds all rows, except for fashion-mnist, whose
    /// published split gives Train (60 000) and Test (10 000). Validation is always null.
    /// </summary>
    /// <exception cref="ArgumentException">The name is unknown, or an option does not fit the set.</exception>
    /// <exception cref="FileNotFoundException">fashion-mnist is not installed.</exception>
    public static DatasetSplits<T> LoadSplits<T>(string name, BuiltInDatasetOptions? options) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(name);
        options ??= new BuiltInDatasetOptions();
        string key = Normalize(name);
        int rows = options.Rows ?? DefaultSyntheticRows;
        return key switch
        {
            "seed" => Whole(ArticleExample.CreateDataset<T>()),
            "xor" => Whole(Xor<T>()),
            "iris" => Whole(Iris<T>()),
            "digits" => Whole(Digits<T>()),
            "moons" => Whole(SyntheticDatasets.Moons<T>(rows, options.Noise ?? DefaultNoise(key), options.Seed)),
            "circles" => Whole(SyntheticDatasets.Circles<T>(rows, options.Noise ?? DefaultNoise(key), options.Seed)),
            "spirals" => Whole(SyntheticDatasets.Spirals<T>(rows, options.Noise ?? DefaultNoise(key), options.Seed)),
            "fashion-mnist" => FashionMnist.Load<T>(options.DataDirectory),
            _ => throw new ArgumentException($"unknown data set '{name}' (known: {string.Join(", ", Names)})", nameof(name)),
        };
    }

    /// <summary>The four rows of exclusive-or: inputs (0,0), (0,1), (1,0), (1,1); classes 0, 1, 1, 0.</summary>
    public static Dataset<T> Xor<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] x = [.. new double[] { 0, 0, 0, 1, 1, 0, 1, 1 }.Select(T.CreateChecked)];
        return new Dataset<T>(x, 2, [0, 1, 1, 0], 2, ["a", "b"], ["0", "1"]);
    }

    /// <summary>
    /// Fisher's iris flowers (1936): 150 rows, 4 measurements in cm, 3 species (setosa, versicolor, virginica),
    /// 50 of each. Embedded.
    /// </summary>
    public static Dataset<T> Iris<T>() where T : unmanaged, IFloatingPointIeee754<T> => ReadEmbedded<T>("iris.csv");

    /// <summary>
    /// Hand-written digits: 1 797 images of 8×8 cells with ink counts 0–16 (64 features pixel0 … pixel63), classes
    /// 0–9 (label column "digit"). Embedded.
    /// </summary>
    public static Dataset<T> Digits<T>() where T : unmanaged, IFloatingPointIeee754<T> => ReadEmbedded<T>("digits.csv");

    private static DatasetSplits<T> Whole<T>(Dataset<T> data) where T : unmanaged, IFloatingPointIeee754<T> => new(data, null, null);

    private static string Normalize(string name) => name.Trim().ToLowerInvariant() switch
    {
        "fashion" or "fashionmnist" or "fashion_mnist" => "fashion-mnist",
        var other => other,
    };

    private static Dataset<T> ReadEmbedded<T>(string file) where T : unmanaged, IFloatingPointIeee754<T>
    {
        string resource = "Backprop.Data.Embedded." + file;
        using Stream stream = typeof(BuiltInDatasets).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The embedded resource {resource} is missing from the assembly.");
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return CsvDatasetReader.Read<T>(reader, file + " (built in)", new CsvDatasetOptions { Delimiter = ',' });
    }
}
