using System.Numerics;

namespace Backprop.Data;

/// <summary>
/// Seeded two-dimensional toy problems (features x1, x2; label column "class"): two interleaving half-moons,
/// two concentric circles, and interleaved spiral arms. Gaussian noise of standard deviation <c>noise</c> is added
/// to both coordinates. The rows are spread evenly over the classes; the same seed gives the same points everywhere.
/// </summary>
public static class SyntheticDatasets
{
    /// <summary>Two interleaving half-circles: class 0 on (cos θ, sin θ), class 1 on (1 − cos θ, 0.5 − sin θ), θ ∈ [0, π].</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer rows than classes, or noise negative or not finite.</exception>
    public static Dataset<T> Moons<T>(int rows, double noise, long seed) where T : unmanaged, IFloatingPointIeee754<T>
        => Generate<T>(rows, 2, noise, seed, (c, u) =>
        {
            double theta = Math.PI * u;
            return c == 0 ? (Math.Cos(theta), Math.Sin(theta)) : (1 - Math.Cos(theta), 0.5 - Math.Sin(theta));
        });

    /// <summary>Two concentric circles: class 0 of radius 1, class 1 of radius 0.5, angles spread evenly.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer rows than classes, or noise negative or not finite.</exception>
    public static Dataset<T> Circles<T>(int rows, double noise, long seed) where T : unmanaged, IFloatingPointIeee754<T>
        => Generate<T>(rows, 2, noise, seed, (c, u) =>
        {
            double radius = c == 0 ? 1.0 : 0.5;
            double theta = 2 * Math.PI * u;
            return (radius * Math.Cos(theta), radius * Math.Sin(theta));
        });

    /// <summary>
    /// <paramref name="arms"/> interleaved spiral arms (default 3): arm k at radius r ∈ (0, 1] and angle 2πk/arms + 1.75π r.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 2 arms, fewer rows than arms, or noise negative or not finite.</exception>
    public static Dataset<T> Spirals<T>(int rows, double noise, long seed, int arms = 3) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(arms, 2);
        return Generate<T>(rows, arms, noise, seed, (c, u) =>
        {
            double r = 0.05 + 0.95 * u;
            double theta = 2 * Math.PI * c / arms + 1.75 * Math.PI * r;
            return (r * Math.Cos(theta), r * Math.Sin(theta));
        });
    }

    /// <summary>
    /// Class c gets rows/classes points (the first rows % classes classes one more) at positions u = i / (n − 1)
    /// along its curve, plus noise. Rows alternate between classes so any prefix is balanced.
    /// </summary>
    private static Dataset<T> Generate<T>(int rows, int classes, double noise, long seed, Func<int, double, (double X, double Y)> curve) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, classes);
        if (!(noise >= 0) || !double.IsFinite(noise))
        {
            throw new ArgumentOutOfRangeException(nameof(noise), noise, "The noise must be a finite number ≥ 0.");
        }
        var rng = new Rng(seed);
        var x = new T[rows * 2];
        var labels = new int[rows];
        var perClass = new int[classes];
        for (int row = 0; row < rows; row++)
        {
            perClass[row % classes]++;
        }
        var next = new int[classes];
        for (int row = 0; row < rows; row++)
        {
            int c = row % classes;
            int n = perClass[c];
            double u = n == 1 ? 0.5 : next[c]++ / (double)(n - 1);
            (double px, double py) = curve(c, u);
            x[2 * row] = T.CreateChecked(px + noise * rng.NextGaussian());
            x[2 * row + 1] = T.CreateChecked(py + noise * rng.NextGaussian());
            labels[row] = c;
        }
        string[] classNames = [.. Enumerable.Range(0, classes).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        return new Dataset<T>(x, 2, labels, classes, ["x1", "x2"], classNames) { LabelName = "class" };
    }
}
