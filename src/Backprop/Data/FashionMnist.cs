using System.Numerics;

namespace Backprop.Data;

/// <summary>
/// Fashion-MNIST (Zalando Research, MIT licence): 28×28 grey-scale images of ten kinds of clothing, 60 000 for
/// training and 10 000 for testing, read from the four IDX files of the Debian package dataset-fashion-mnist
/// (/usr/share/datasets/fashion-mnist) or any folder holding them, gzipped or not.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where the Debian package dataset-fashion-mnist installs the files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The ten classes, by label value.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>True when all four files are in <paramref name="directory"/> (default <see cref="DefaultDirectory"/>).</summary>
    public static bool IsAvailable(string? directory = null)
    {
        string dir = directory ?? DefaultDirectory;
        return Files.All(name => Find(dir, name) is not null);
    }

    /// <summary>
    /// Loads the published split: Train 60 000 rows, Test 10 000 rows, 784 features pixel0 … pixel783 in [0, 1]
    /// (one contiguous block per split), label column "label".
    /// </summary>
    /// <exception cref="FileNotFoundException">A file is missing (the message says how to install the package).</exception>
    /// <exception cref="InvalidDataException">A file is malformed, or the images are not 28×28.</exception>
    public static DatasetSplits<T> Load<T>(string? directory = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        string[] paths = Paths(directory, 0, Files.Length);
        Dataset<T> train = Read<T>(paths[0], paths[1]);
        Dataset<T> test = Read<T>(paths[2], paths[3]);
        return new DatasetSplits<T>(train, null, test);
    }

    /// <summary>
    /// Loads the published training split alone: <see cref="Load{T}"/>'s Train, 60 000 rows (one contiguous block), without
    /// reading the test files, so that the two splits can be read on two threads.
    /// </summary>
    /// <exception cref="FileNotFoundException">A training file is missing (the message says how to install the package).</exception>
    /// <exception cref="InvalidDataException">A training file is malformed, or the images are not 28×28.</exception>
    public static Dataset<T> LoadTrain<T>(string? directory = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        string[] paths = Paths(directory, 0, 2);
        return Read<T>(paths[0], paths[1]);
    }

    /// <summary>
    /// Loads the published test split alone: <see cref="Load{T}"/>'s Test, 10 000 rows, without reading the training
    /// files (evaluating a model on the test set, or reading it on another thread while the training split loads).
    /// </summary>
    /// <exception cref="FileNotFoundException">A test file is missing (the message says how to install the package).</exception>
    /// <exception cref="InvalidDataException">A test file is malformed, or the images are not 28×28.</exception>
    public static Dataset<T> LoadTest<T>(string? directory = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        string[] paths = Paths(directory, 2, 2);
        return Read<T>(paths[0], paths[1]);
    }

    // The paths of Files[first .. first + count) in the directory, each found plain or gzipped; every one checked first.
    private static string[] Paths(string? directory, int first, int count)
    {
        string dir = directory ?? DefaultDirectory;
        string[] paths = new string[count];
        for (int i = 0; i < count; i++)
        {
            string name = Files[first + i];
            paths[i] = Find(dir, name) ?? throw new FileNotFoundException(
                $"Fashion-MNIST not found: {Path.Combine(dir, name)}(.gz) is missing; install it with 'apt-get install dataset-fashion-mnist' or give the folder that holds the four IDX files (--data-dir)",
                Path.Combine(dir, name));
        }
        return paths;
    }

    private static readonly string[] Files = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    private static Dataset<T> Read<T>(string images, string labels) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Dataset<T> data = IdxReader.Load<T>(images, labels, ClassNames);
        if (data.FeatureCount != 28 * 28)
        {
            throw new InvalidDataException($"{images}: wrong dimensions: Fashion-MNIST images are 28×28 but these have {data.FeatureCount} pixels");
        }
        return data;
    }

    private static string? Find(string directory, string name)
    {
        string plain = Path.Combine(directory, name);
        if (File.Exists(plain + ".gz"))
        {
            return plain + ".gz";
        }
        return File.Exists(plain) ? plain : null;
    }
}
