using System.Globalization;
using System.Text;

namespace Backprop.Cli;

/// <summary>Prints a matrix the way numpy does, columns aligned: [[a b] [c d]]; a vector prints as a column.</summary>
internal static class MatrixText
{
    public static string Format(ReadOnlySpan<double> values, int rows, int columns, int digits)
    {
        var cells = new string[values.Length];
        int width = 0;
        for (int i = 0; i < values.Length; i++)
        {
            cells[i] = values[i].ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            width = Math.Max(width, cells[i].Length);
        }
        var sb = new StringBuilder();
        for (int r = 0; r < rows; r++)
        {
            sb.Append(r == 0 ? "[[" : " [");
            for (int c = 0; c < columns; c++)
            {
                sb.Append(c == 0 ? "" : " ").Append(cells[r * columns + c].PadLeft(width));
            }
            sb.Append(r == rows - 1 ? "]]" : "]\n");
        }
        return sb.ToString();
    }
}
