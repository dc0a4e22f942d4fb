using System.Text;

namespace Backprop.Explain;

/// <summary>
/// A rectangle of monospaced text for the terminal rendering: lines of styled segments, a width, and a baseline
/// (the row that lines up with its neighbours, e.g. the middle row of a matrix).
/// </summary>
internal sealed class TextBlock
{
    private TextBlock(IReadOnlyList<IReadOnlyList<TextSegment>> lines, int width, int baseline)
    {
        Lines = lines;
        Width = width;
        Baseline = baseline;
    }

    public IReadOnlyList<IReadOnlyList<TextSegment>> Lines { get; }

    public int Width { get; }

    public int Baseline { get; }

    public int Height => Lines.Count;

    public static TextBlock Text(string text, string? style = null) => new([[new TextSegment(text, style)]], text.Length, 0);

    public static TextBlock Empty { get; } = new([[]], 0, 0);

    /// <summary>Blocks side by side, aligned on their baselines.</summary>
    public static TextBlock Beside(IReadOnlyList<TextBlock> blocks)
    {
        if (blocks.Count == 0)
        {
            return Empty;
        }
        int above = blocks.Max(b => b.Baseline);
        int below = blocks.Max(b => b.Height - b.Baseline - 1);
        int height = above + below + 1;
        var lines = new List<TextSegment>[height];
        for (int i = 0; i < height; i++)
        {
            lines[i] = [];
        }
        foreach (TextBlock b in blocks)
        {
            int top = above - b.Baseline;
            for (int i = 0; i < height; i++)
            {
                int row = i - top;
                lines[i].AddRange(row >= 0 && row < b.Height ? Pad(b.Lines[row], b.Width) : [new TextSegment(new string(' ', b.Width), null)]);
            }
        }
        return new TextBlock(lines, blocks.Sum(b => b.Width), above);
    }

    public static TextBlock Beside(params TextBlock[] blocks) => Beside((IReadOnlyList<TextBlock>)blocks);

    /// <summary>The block with every segment given a style (where it had none).</summary>
    public TextBlock Styled(string style) =>
        new([.. Lines.Select(l => (IReadOnlyList<TextSegment>)[.. l.Select(s => s with { Style = s.Style ?? style })])], Width, Baseline);

    /// <summary>A new block from lines of plain text, baseline given.</summary>
    public static TextBlock FromLines(IReadOnlyList<string> lines, int baseline, string? style = null)
    {
        int width = lines.Count == 0 ? 0 : lines.Max(l => l.Length);
        return new([.. lines.Select(l => (IReadOnlyList<TextSegment>)[new TextSegment(l.PadRight(width), style)])], width, baseline);
    }

    /// <summary>The text without styles, one string per line, trailing spaces removed.</summary>
    public IEnumerable<string> PlainLines() => Lines.Select(l => string.Concat(l.Select(s => s.Text)).TrimEnd());

    public override string ToString() => string.Join("\n", PlainLines());

    private static List<TextSegment> Pad(IReadOnlyList<TextSegment> line, int width)
    {
        int length = line.Sum(s => s.Text.Length);
        var padded = new List<TextSegment>(line);
        if (length < width)
        {
            padded.Add(new TextSegment(new string(' ', width - length), null));
        }
        return padded;
    }
}

/// <summary>A run of text with a Spectre.Console style name, or none.</summary>
internal sealed record TextSegment(string Text, string? Style);
