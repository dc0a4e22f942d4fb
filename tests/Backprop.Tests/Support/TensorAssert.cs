using System.Globalization;

namespace Backprop.Tests.Support;

/// <summary>Compares tensors element by element and names the tensor and the index that differs.</summary>
internal static class TensorAssert
{
    public static void Close(string name, ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double tolerance)
    {
        Assert.True(expected.Length == actual.Length, $"{name}: expected {expected.Length} values, got {actual.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs(expected[i] - actual[i]);
            if (!(diff <= tolerance))
            {
                Assert.Fail(string.Create(CultureInfo.InvariantCulture,
                    $"{name}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (difference {diff:E3} > {tolerance:E1})"));
            }
        }
    }

    public static void Close(string name, double expected, double actual, double tolerance)
        => Close(name, [expected], [actual], tolerance);
}
