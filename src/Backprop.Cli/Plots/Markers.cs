namespace Backprop.Cli.Plots;

/// <summary>
/// A marker shape per class (circle, square, triangle, diamond, upside-down triangle, repeating), so classes differ
/// by shape as well as by colour.
/// </summary>
internal static class Markers
{
    private const int Shapes = 5;

    /// <summary>The SVG element of class <paramref name="index"/>'s marker centred at (x, y), about 2·<paramref name="radius"/> across.</summary>
    public static string Element(int index, double x, double y, double radius, string attributes = "")
    {
        string extra = attributes.Length == 0 ? "" : " " + attributes;
        double r = radius;
        return (index % Shapes) switch
        {
            0 => $"<circle cx=\"{N(x)}\" cy=\"{N(y)}\" r=\"{N(r)}\"{extra}/>",
            1 => $"<rect x=\"{N(x - r * 0.9)}\" y=\"{N(y - r * 0.9)}\" width=\"{N(r * 1.8)}\" height=\"{N(r * 1.8)}\"{extra}/>",
            2 => $"<path d=\"M{N(x)} {N(y - r * 1.15)}L{N(x + r * 1.1)} {N(y + r * 0.8)}H{N(x - r * 1.1)}Z\"{extra}/>",
            3 => $"<path d=\"M{N(x)} {N(y - r * 1.25)}L{N(x + r * 1.1)} {N(y)}L{N(x)} {N(y + r * 1.25)}L{N(x - r * 1.1)} {N(y)}Z\"{extra}/>",
            _ => $"<path d=\"M{N(x)} {N(y + r * 1.15)}L{N(x + r * 1.1)} {N(y - r * 0.8)}H{N(x - r * 1.1)}Z\"{extra}/>",
        };
    }

    private static string N(double value) => SvgDocument.Num(value);
}
