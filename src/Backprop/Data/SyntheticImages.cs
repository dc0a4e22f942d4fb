namespace Backprop.Data;

/// <summary>
/// Seeded image-shaped data for benchmarks: rows of pixels in [0, 1] with a class label, shaped like Fashion-MNIST
/// by default (784 pixels, 10 classes). Each class brightens its own band of pixels, so a network can learn it.
/// </summary>
public static class SyntheticImages
{
    /// <summary>
    /// <paramref name="rows"/> rows in one contiguous array, like a loaded image set: pixel c of a row of class y is
    /// 0.6 u (u uniform in [0, 1)) plus 0.4 when c lies in band y (c · classes / pixels = y), capped at 1.
    /// The same seed gives the same rows everywhere.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">rows, pixels or classes is less than 1.</exception>
    public static Dataset<float> Bands(int rows, long seed, int pixels = 784, int classes = 10)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pixels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        var rng = new Rng(seed);
        var x = new float[rows * pixels];
        var labels = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            int label = rng.Next(classes);
            labels[r] = label;
            Span<float> row = x.AsSpan(r * pixels, pixels);
            for (int c = 0; c < pixels; c++)
            {
                double band = c * classes / pixels == label ? 0.4 : 0.0;
                row[c] = (float)Math.Min(1.0, band + 0.6 * rng.NextDouble());
            }
        }
        return new Dataset<float>(x, pixels, labels, classes);
    }
}
