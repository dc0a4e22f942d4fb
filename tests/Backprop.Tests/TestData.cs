namespace Backprop.Tests;

/// <summary>Small in-memory data sets for tests, made with the project's seeded generator.</summary>
internal static class TestData
{
    /// <summary>Gaussian blobs: <paramref name="classes"/> centres spread on a circle of radius 3 in the first two of
    /// <paramref name="features"/> dimensions, unit noise, <paramref name="perClass"/> rows each (counts may differ per class).</summary>
    public static Dataset<float> Blobs(int perClass, int classes = 3, int features = 2, long seed = 1, double spread = 1.0, int[]? counts = null)
    {
        var rng = new Rng(seed);
        var x = new List<float>();
        var y = new List<int>();
        for (int c = 0; c < classes; c++)
        {
            double angle = 2 * Math.PI * c / classes;
            int n = counts?[c] ?? perClass;
            for (int i = 0; i < n; i++)
            {
                for (int f = 0; f < features; f++)
                {
                    double centre = f == 0 ? 3 * Math.Cos(angle) : f == 1 ? 3 * Math.Sin(angle) : 0;
                    x.Add((float)(centre + spread * rng.NextGaussian()));
                }
                y.Add(c);
            }
        }
        return new Dataset<float>([.. x], features, [.. y], classes,
            [.. Enumerable.Range(0, features).Select(f => $"f{f}")], [.. Enumerable.Range(0, classes).Select(c => $"class{c}")]);
    }

    /// <summary>The loss named in a test case ("cross-entropy" or "mse"): attributes take only constants.</summary>
    public static Loss Loss(string name) => LossNames.TryCreate(name, out Loss? loss) ? loss : throw new ArgumentException(name, nameof(name));

    /// <summary>Dense layers of the given sizes and activations with dropout of <paramref name="rate"/> after every hidden one.</summary>
    public static Network<T> WithDropout<T>(int[] sizes, Activation[] activations, Loss loss, double rate) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var layers = new List<Layer<T>>();
        for (int l = 0; l < activations.Length; l++)
        {
            layers.Add(new Dense<T>(sizes[l + 1], activations[l]));
            if (l < activations.Length - 1)
            {
                layers.Add(new Dropout<T>(rate));
            }
        }
        return new Network<T>(sizes[0], layers, loss);
    }

    /// <summary>A random double network with parameters drawn from the seed (and dropout after every hidden layer when the rate is above 0).</summary>
    public static Network<double> RandomNetwork(int[] sizes, Activation hidden, Loss loss, long seed, double dropout = 0)
    {
        var activations = new Activation[sizes.Length - 1];
        Array.Fill(activations, hidden);
        activations[^1] = loss.FusedActivation ?? Activation.Sigmoid;
        var network = dropout > 0 ? WithDropout<double>(sizes, activations, loss, dropout) : new Network<double>(sizes, activations, loss);
        var rng = new Rng(seed);
        Span<double> p = network.Parameters;
        for (int i = 0; i < p.Length; i++)
        {
            p[i] = rng.NextDouble() * 2 - 1;
        }
        return network;
    }

    public static double[] RandomValues(int count, long seed)
    {
        var rng = new Rng(seed);
        return [.. Enumerable.Range(0, count).Select(_ => rng.NextDouble() * 2 - 1)];
    }

    public static double[] OneHotRows(int rows, int classes, long seed)
    {
        var rng = new Rng(seed);
        var t = new double[rows * classes];
        for (int r = 0; r < rows; r++)
        {
            t[r * classes + rng.Next(classes)] = 1;
        }
        return t;
    }

    public static string TempDirectory()
    {
        string path = Path.Combine(Path.GetTempPath(), "backprop-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
