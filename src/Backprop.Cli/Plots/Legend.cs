namespace Backprop.Cli.Plots;

/// <summary>
/// A legend laid out in a row under the title, wrapping onto further rows when it does not fit: it never covers the
/// data, and it stays readable when the picture is shown 390 px wide.
/// </summary>
internal sealed class Legend
{
    public const double FontSize = 13;
    public const double RowHeight = 18;
    private const double SwatchWidth = 22;
    private const double Gap = 16;

    private readonly List<(string Label, Action<SvgDocument, double, double> Swatch)> _items = [];

    public int Count => _items.Count;

    /// <summary>Adds an item; <paramref name="swatch"/> draws its sample centred vertically at (x, y), 22 units wide.</summary>
    public void Add(string label, Action<SvgDocument, double, double> swatch) => _items.Add((label, swatch));

    /// <summary>A line sample (solid or dashed) in <paramref name="color"/>.</summary>
    public static Action<SvgDocument, double, double> LineSwatch(string color, string dash)
        => (svg, x, y) => svg.Line(x, y, x + SwatchWidth, y, color, 2.5, dash.Length == 0 ? "" : $"stroke-dasharray=\"{dash}\"");

    /// <summary>A marker sample.</summary>
    public static Action<SvgDocument, double, double> MarkerSwatch(int shape, string attributes)
        => (svg, x, y) => svg.Raw(Markers.Element(shape, x + SwatchWidth / 2, y, 4, attributes));

    /// <summary>The height the legend needs between <paramref name="left"/> and <paramref name="right"/>.</summary>
    public double Height(double left, double right) => Layout(left, right).Select(p => p.Row + 1).DefaultIfEmpty(0).Max() * RowHeight;

    /// <summary>Draws the legend with its first row's centre line at <paramref name="top"/> + half a row.</summary>
    public void Draw(SvgDocument svg, double left, double right, double top)
    {
        foreach ((int index, int row, double x) in Layout(left, right))
        {
            double y = top + row * RowHeight + RowHeight / 2;
            _items[index].Swatch(svg, x, y);
            svg.Text(x + SwatchWidth + 5, y + FontSize * 0.35, _items[index].Label, FontSize);
        }
    }

    private List<(int Index, int Row, double X)> Layout(double left, double right)
    {
        var placed = new List<(int, int, double)>();
        int row = 0;
        double x = left;
        for (int i = 0; i < _items.Count; i++)
        {
            double width = SwatchWidth + 5 + SvgDocument.TextWidth(_items[i].Label, FontSize);
            if (x > left && x + width > right)
            {
                row++;
                x = left;
            }
            placed.Add((i, row, x));
            x += width + Gap;
        }
        return placed;
    }
}
