namespace Backprop.Explain;

/// <summary>
/// A recorded value in the article's column-vector notation: W is (out, in); z, a and δ are (units, batch), one
/// column per sample; a scalar is 1×1. Row-major, immutable once recorded.
/// </summary>
internal sealed class Matrix
{
    private readonly double[] _values;

    public Matrix(int rows, int columns, double[] values)
    {
        if (values.Length != rows * columns)
        {
            throw new ArgumentException($"{rows}×{columns} needs {rows * columns} values, got {values.Length}.", nameof(values));
        }
        Rows = rows;
        Columns = columns;
        _values = values;
    }

    public int Rows { get; }

    public int Columns { get; }

    public int Count => _values.Length;

    public IReadOnlyList<double> Values => _values;

    public double this[int row, int column] => _values[row * Columns + column];

    public static Matrix Scalar(double value) => new(1, 1, [value]);

    /// <summary>Copies a row-major (rows, columns) span.</summary>
    public static Matrix Copy(ReadOnlySpan<double> values, int rows, int columns) => new(rows, columns, values[..(rows * columns)].ToArray());

    /// <summary>
    /// The engine keeps activations as (batch, units) rows; the article writes them as columns. This copies a
    /// (batch, units) block into a (units, batch) matrix.
    /// </summary>
    public static Matrix FromBatchRows(ReadOnlySpan<double> rows, int batch, int units)
    {
        var values = new double[units * batch];
        for (int r = 0; r < batch; r++)
        {
            for (int u = 0; u < units; u++)
            {
                values[u * batch + r] = rows[r * units + u];
            }
        }
        return new Matrix(units, batch, values);
    }

    public Matrix Transpose()
    {
        var values = new double[Count];
        for (int r = 0; r < Rows; r++)
        {
            for (int c = 0; c < Columns; c++)
            {
                values[c * Rows + r] = this[r, c];
            }
        }
        return new Matrix(Columns, Rows, values);
    }

    public Matrix Map(Func<double, double> f) => new(Rows, Columns, [.. _values.Select(f)]);

    /// <summary>The Frobenius norm √(Σ v²).</summary>
    public double Norm() => Math.Sqrt(_values.Sum(v => v * v));

    public double Min() => _values.Min();

    public double Max() => _values.Max();
}
