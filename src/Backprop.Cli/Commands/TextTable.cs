using System.Text;

namespace Backprop.Cli.Commands;

/// <summary>A plain-text table: a header row and rows of cells, each column as wide as its widest cell, two spaces apart.</summary>
internal static class TextTable
{
    public static string Format(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        List<IReadOnlyList<string>> all = [header, .. rows];
        var widths = new int[header.Count];
        foreach (IReadOnlyList<string> row in all)
        {
            for (int c = 0; c < row.Count && c < widths.Length; c++)
            {
                widths[c] = Math.Max(widths[c], row[c].Length);
            }
        }
        var sb = new StringBuilder();
        foreach (IReadOnlyList<string> row in all)
        {
            for (int c = 0; c < row.Count && c < widths.Length; c++)
            {
                sb.Append(c == row.Count - 1 ? row[c] : row[c].PadRight(widths[c] + 2));
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
