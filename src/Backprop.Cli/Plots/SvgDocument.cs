using System.Globalization;
using System.Text;

namespace Backprop.Cli.Plots;

/// <summary>
/// Writes one SVG picture as text: a viewBox of the given size drawn at 100 % of the container's width, a white
/// background, and elements added in order. Numbers are written invariantly with at most two decimals, so the same
/// drawing always gives the same bytes. No ids, scripts or styles: the markup can be inlined into a page as it is.
/// </summary>
internal sealed class SvgDocument
{
    /// <summary>Fonts that read well small; every system has one of them.</summary>
    public const string FontFamily = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'DejaVu Sans', Arial, sans-serif";

    /// <summary>Dark grey for text and axes (softer than black, still 13:1 on white).</summary>
    public const string Ink = "#333333";

    /// <summary>Light grey for grid lines.</summary>
    public const string Grid = "#e3e3e3";

    private readonly StringBuilder _body = new();
    private int _depth = 1;

    public SvgDocument(double width, double height, string title)
    {
        Width = width;
        Height = height;
        Title = title;
    }

    public double Width { get; }

    public double Height { get; }

    public string Title { get; }

    /// <summary>A coordinate or length: invariant, at most two decimals, no "-0".</summary>
    public static string Num(double value)
    {
        double rounded = Math.Round(value, 2, MidpointRounding.AwayFromZero);
        return rounded == 0 ? "0" : rounded.ToString("0.##", CultureInfo.InvariantCulture);
    }

    /// <summary>Escapes text for an XML attribute or element.</summary>
    public static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                default: sb.Append(char.IsControl(c) ? '?' : c); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>Adds a raw element; <paramref name="markup"/> must already be escaped.</summary>
    public void Raw(string markup)
    {
        _body.Append(' ', 2 * _depth).Append(markup).Append('\n');
    }

    /// <summary>Opens a &lt;g&gt; with the given (already escaped) attributes; close it with <see cref="Close"/>.</summary>
    public void Group(string attributes)
    {
        Raw(attributes.Length == 0 ? "<g>" : $"<g {attributes}>");
        _depth++;
    }

    public void Close()
    {
        _depth--;
        Raw("</g>");
    }

    public void Line(double x1, double y1, double x2, double y2, string stroke, double width = 1, string extra = "")
        => Raw($"<line x1=\"{Num(x1)}\" y1=\"{Num(y1)}\" x2=\"{Num(x2)}\" y2=\"{Num(y2)}\" stroke=\"{stroke}\" stroke-width=\"{Num(width)}\"{Extra(extra)}/>");

    public void Rect(double x, double y, double width, double height, string fill, string extra = "")
        => Raw($"<rect x=\"{Num(x)}\" y=\"{Num(y)}\" width=\"{Num(width)}\" height=\"{Num(height)}\" fill=\"{fill}\"{Extra(extra)}/>");

    /// <summary>Text at (x, y) (baseline); anchor start, middle or end; rotated by <paramref name="rotate"/> degrees about (x, y).</summary>
    public void Text(double x, double y, string text, double size, string anchor = "start", string weight = "normal", double rotate = 0, string fill = Ink)
    {
        var sb = new StringBuilder();
        sb.Append($"<text x=\"{Num(x)}\" y=\"{Num(y)}\" font-size=\"{Num(size)}\"");
        if (anchor != "start")
        {
            sb.Append($" text-anchor=\"{anchor}\"");
        }
        if (weight != "normal")
        {
            sb.Append($" font-weight=\"{weight}\"");
        }
        if (fill != Ink)
        {
            sb.Append($" fill=\"{fill}\"");
        }
        if (rotate != 0)
        {
            sb.Append($" transform=\"rotate({Num(rotate)} {Num(x)} {Num(y)})\"");
        }
        sb.Append('>').Append(Escape(text)).Append("</text>");
        Raw(sb.ToString());
    }

    /// <summary>The finished picture, starting with &lt;svg&gt; (no XML declaration; UTF-8).</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Num(Width)} {Num(Height)}\" width=\"100%\" ")
          .Append($"font-family=\"{FontFamily}\" fill=\"{Ink}\" role=\"img\">\n");
        sb.Append($"  <title>{Escape(Title)}</title>\n");
        sb.Append($"  <rect width=\"{Num(Width)}\" height=\"{Num(Height)}\" fill=\"#ffffff\"/>\n");
        sb.Append(_body);
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    /// <summary>A label cut to <paramref name="max"/> characters with an ellipsis, so one long class name cannot squeeze a picture.</summary>
    public static string Shorten(string text, int max = 18) => text.Length <= max ? text : text[..(max - 1)] + "…";

    /// <summary>Roughly how wide <paramref name="text"/> is at <paramref name="size"/> in a sans-serif font (for layout only).</summary>
    public static double TextWidth(string text, double size) => text.Length * size * 0.58;

    private static string Extra(string extra) => extra.Length == 0 ? "" : " " + extra;
}
