using System.Numerics;

namespace Backprop.Tests.Data;

/// <summary>
/// The fit's per-row kernels, each vector width (512, 256) and the scalar path, against plain loops over the columns in
/// double: Math.Min and Math.Max of the widened values, sums and squared deviations added in row order, bit for bit, for
/// every row length from 0 to a few hundred (every tail), for float, double and image bytes (every byte in every lane).
/// </summary>
public unsafe class ColumnMomentsTests
{
    public static TheoryData<int> Widths => [512, 256, 0];

    [Theory]
    [MemberData(nameof(Widths))]
    public void Rows_of_values_give_the_bits_of_the_plain_loops(int bits)
    {
        for (int n = 0; n <= 300; n += n < 70 ? 1 : 23)
        {
            Check<float>(n, bits);
            Check<double>(n, bits);
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Rows_of_image_bytes_give_the_bits_of_the_plain_loops_over_b_over_255(int bits)
    {
        for (int n = 0; n <= 300; n += n < 70 ? 1 : 23)
        {
            var rng = new Rng(n + bits);
            const int Rows = 5;
            var x = new byte[Rows * n];
            for (int i = 0; i < x.Length; i++)
            {
                // Every byte value passes through every lane over the lengths; row 0 holds the extremes 0 and 255.
                x[i] = i < n ? (byte)(i % 2 == 0 ? 0 : 255) : (byte)((i * 7 + n) % 256 ^ rng.Next(2));
            }
            var min = new byte[n];
            var max = new byte[n];
            Array.Fill(min, byte.MaxValue);
            var sum = new double[n];
            var squares = new double[n];
            double[] mean = [.. Enumerable.Range(0, n).Select(_ => rng.NextDouble())];
            fixed (byte* px = x)
            fixed (byte* pMin = min)
            fixed (byte* pMax = max)
            fixed (double* pSum = sum)
            fixed (double* pMean = mean)
            fixed (double* pSquares = squares)
            {
                for (int r = 0; r < Rows; r++)
                {
                    ColumnMoments.AddPixelRow(px + r * n, n, pMin, pMax, pSum, bits);
                    ColumnMoments.AddPixelSquares(px + r * n, n, pMean, pSquares, bits);
                }
            }
            double[] values = [.. x.Select(b => (double)(b / 255f))];
            (double[] eMin, double[] eMax, double[] eSum, double[] eSquares) = Plain(values, n, mean);
            for (int j = 0; j < n; j++)
            {
                Same(eMin[j], min[j] / 255f, "min", n, j);
                Same(eMax[j], max[j] / 255f, "max", n, j);
                Same(eSum[j], sum[j], "sum", n, j);
                Same(eSquares[j], squares[j], "squares", n, j);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Every_byte_in_every_lane_adds_exactly_b_over_255_in_float(int bits)
    {
        byte[] all = [.. Enumerable.Range(0, 512).Select(i => (byte)i)];
        for (int offset = 0; offset < 16; offset++)
        {
            const int N = 256 + 16;
            var min = new byte[N];
            var max = new byte[N];
            var sum = new double[N];
            var squares = new double[N];
            var zero = new double[N];
            fixed (byte* px = &all[offset])
            fixed (byte* pMin = min)
            fixed (byte* pMax = max)
            fixed (double* pSum = sum)
            fixed (double* pZero = zero)
            fixed (double* pSquares = squares)
            {
                ColumnMoments.AddPixelRow(px, N, pMin, pMax, pSum, bits);
                ColumnMoments.AddPixelSquares(px, N, pZero, pSquares, bits);
            }
            for (int j = 0; j < N; j++)
            {
                double value = all[offset + j] / 255f;
                Same(value, sum[j], "sum", N, j);
                Same(value * value, squares[j], "squares", N, j);
            }
        }
    }

    private static void Check<T>(int n, int bits) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Rng(n * 3 + bits);
        const int Rows = 6;
        var x = new T[Rows * n];
        for (int i = 0; i < x.Length; i++)
        {
            // Mostly spread values; some signed zeros (Math.Min puts −0 below +0), infinities and NaN (which wins).
            int kind = rng.Next(40);
            double v = kind switch
            {
                0 => 0.0,
                1 => -0.0,
                2 => double.PositiveInfinity,
                3 => double.NegativeInfinity,
                4 => double.NaN,
                _ => Math.Pow(10, rng.Next(7) - 3) * rng.NextGaussian(),
            };
            x[i] = T.CreateTruncating(v);
        }
        var min = new T[n];
        var max = new T[n];
        Array.Fill(min, T.PositiveInfinity);
        Array.Fill(max, T.NegativeInfinity);
        var sum = new double[n];
        var squares = new double[n];
        double[] mean = [.. Enumerable.Range(0, n).Select(_ => rng.NextGaussian())];
        fixed (T* px = x)
        fixed (T* pMin = min)
        fixed (T* pMax = max)
        fixed (double* pSum = sum)
        fixed (double* pMean = mean)
        fixed (double* pSquares = squares)
        {
            for (int r = 0; r < Rows; r++)
            {
                ColumnMoments.AddRow(px + r * n, n, pMin, pMax, pSum, bits);
                ColumnMoments.AddSquares(px + r * n, n, pMean, pSquares, bits);
            }
        }
        double[] values = [.. x.Select(double.CreateTruncating)];
        (double[] eMin, double[] eMax, double[] eSum, double[] eSquares) = Plain(values, n, mean);
        for (int j = 0; j < n; j++)
        {
            Same(eMin[j], double.CreateTruncating(min[j]), "min", n, j);
            Same(eMax[j], double.CreateTruncating(max[j]), "max", n, j);
            Same(eSum[j], sum[j], "sum", n, j);
            Same(eSquares[j], squares[j], "squares", n, j);
        }
    }

    // The plain loops: each column over the rows in order, in double.
    private static (double[] Min, double[] Max, double[] Sum, double[] Squares) Plain(double[] values, int n, double[] mean)
    {
        var min = new double[n];
        var max = new double[n];
        var sum = new double[n];
        var squares = new double[n];
        for (int j = 0; j < n; j++)
        {
            min[j] = double.PositiveInfinity;
            max[j] = double.NegativeInfinity;
            for (int r = 0; r < values.Length / n; r++)
            {
                double v = values[r * n + j];
                min[j] = Math.Min(min[j], v);
                max[j] = Math.Max(max[j], v);
                sum[j] += v;
                double d = v - mean[j];
                squares[j] += d * d;
            }
        }
        return (min, max, sum, squares);
    }

    private static void Same(double expected, double actual, string what, int n, int j)
    {
        bool same = BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(actual) || (double.IsNaN(expected) && double.IsNaN(actual));
        Assert.True(same, $"{what}[{j}] of rows of {n}: expected {expected:R}, got {actual:R}");
    }
}
