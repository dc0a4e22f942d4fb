using System.Globalization;
using System.Net;
using System.Text;

namespace Backprop.Explain;

/// <summary>
/// The network of a recorded step as a graph, for a picture: each unit with its z, a and δ (of the first sample;
/// an input unit has only a), each edge with its weight w (before the update) and gradient ∇w, all the engine's
/// values. Written as SVG for the HTML page (readable without any script) and as Graphviz DOT.
/// </summary>
internal sealed class NetworkGraph
{
    private const string Positive = "#1f6fb4";
    private const string Negative = "#c62828";

    private readonly IReadOnlyList<int> _sizes;
    private readonly Explanation _e;
    private readonly NumberText _n;

    private NetworkGraph(Explanation e, int digits)
    {
        _e = e;
        _sizes = e.Sizes;
        _n = new NumberText(digits);
    }

    /// <summary>The graph of a step; null when a layer has more units than a picture can show.</summary>
    public static NetworkGraph? From(Explanation e, int digits = 4)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Sizes.Any(s => s > ExplanationComposer.LargeLimit) ? null : new NetworkGraph(e, Math.Min(digits, 4));
    }

    private double? Value(string name, int unit) => _e.Find(name) is { } q ? q.Value[unit, 0] : null;

    /// <summary>z, a and δ of unit <paramref name="unit"/> of layer <paramref name="layer"/> (the article's number, input 1).</summary>
    private IEnumerable<(string Symbol, double Value)> UnitValues(int layer, int unit)
    {
        if (layer == 1)
        {
            yield return ("a", _e.Input[unit, 0]);
            yield break;
        }
        foreach ((string symbol, string name) in new[] { ("z", "z"), ("a", "a"), ("δ", "delta") })
        {
            if (Value(name + I(layer), unit) is double v)
            {
                yield return (symbol, v);
            }
        }
    }

    private (double W, double Gradient) Edge(int l, int to, int from) =>
        (_e.InitialWeights[l - 1][to, from], _e.Find("dW" + I(l))!.Value[to, from]);

    private double MaxWeight => _e.InitialWeights.Max(m => m.Values.Max(Math.Abs)) is var m && m > 0 ? m : 1;

    /// <summary>An inline SVG picture: layers left to right, edges coloured by the sign of w and as wide as |w|.</summary>
    public string ToSvg(string caption)
    {
        const double columnGap = 260, rowGap = 96, radius = 34, margin = 48;
        int tallest = _sizes.Max();
        double width = margin * 2 + columnGap * (_sizes.Count - 1);
        double height = margin * 2 + rowGap * (tallest - 1) + 20;
        (double X, double Y) Center(int layer, int unit) =>
            (margin + columnGap * (layer - 1), margin + 10 + rowGap * unit + rowGap * (tallest - _sizes[layer - 1]) / 2.0);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<figure class=\"diagram\"><div class=\"table\"><svg viewBox=\"0 0 {width:F0} {height:F0}\" width=\"{width:F0}\" height=\"{height:F0}\" role=\"img\" aria-label=\"{Encode(caption)}\">");
        sb.Append("<style>text{font:11px system-ui,sans-serif;fill:currentColor}.unit{fill:Canvas;stroke:currentColor}.w{font-size:10px}</style>");
        double max = MaxWeight;
        for (int l = 1; l < _sizes.Count; l++)
        {
            for (int to = 0; to < _sizes[l]; to++)
            {
                for (int from = 0; from < _sizes[l - 1]; from++)
                {
                    (double w, double g) = Edge(l, to, from);
                    (double x1, double y1) = Center(l, from);
                    (double x2, double y2) = Center(l + 1, to);
                    string colour = w < 0 ? Negative : Positive;
                    double stroke = 0.75 + 3.5 * Math.Abs(w) / max;
                    string name = $"W{I(l)}[{I(to + 1)},{I(from + 1)}]";
                    sb.Append(CultureInfo.InvariantCulture, $"<g class=\"edge\"><title>{name}: w = {Fmt(w)}, ∇w = {Fmt(g)}</title>");
                    sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x1 + radius:F1}\" y1=\"{y1:F1}\" x2=\"{x2 - radius:F1}\" y2=\"{y2:F1}\" stroke=\"{colour}\" stroke-width=\"{stroke:F2}\" stroke-opacity=\"0.8\"/>");
                    // Labels staggered along the edge by the source unit, so that edges into one unit do not overlap.
                    double t = 0.22 + 0.5 * (from + 0.5) / _sizes[l - 1];
                    double lx = x1 + radius + t * (x2 - x1 - 2 * radius);
                    double ly = y1 + t * (y2 - y1);
                    sb.Append(CultureInfo.InvariantCulture, $"<text class=\"w\" x=\"{lx:F1}\" y=\"{ly - 3:F1}\" text-anchor=\"middle\" fill=\"{colour}\">w {Fmt(w)}</text>");
                    sb.Append(CultureInfo.InvariantCulture, $"<text class=\"w\" x=\"{lx:F1}\" y=\"{ly + 9:F1}\" text-anchor=\"middle\">∇ {Fmt(g)}</text></g>");
                }
            }
        }
        for (int layer = 1; layer <= _sizes.Count; layer++)
        {
            for (int unit = 0; unit < _sizes[layer - 1]; unit++)
            {
                (double x, double y) = Center(layer, unit);
                (string Symbol, double Value)[] values = [.. UnitValues(layer, unit)];
                double delta = values.FirstOrDefault(v => v.Symbol == "δ").Value;
                string ring = delta < 0 ? Negative : delta > 0 ? Positive : "currentColor";
                sb.Append(CultureInfo.InvariantCulture, $"<g class=\"node\"><circle class=\"unit\" cx=\"{x:F1}\" cy=\"{y:F1}\" r=\"{radius}\" stroke=\"{ring}\" stroke-width=\"2\"/>");
                for (int i = 0; i < values.Length; i++)
                {
                    double ty = y + (i - (values.Length - 1) / 2.0) * 13 + 4;
                    sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x:F1}\" y=\"{ty:F1}\" text-anchor=\"middle\">{values[i].Symbol} {Fmt(values[i].Value)}</text>");
                }
                sb.Append("</g>");
            }
            (double cx, _) = Center(layer, 0);
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{cx:F1}\" y=\"{height - 8:F1}\" text-anchor=\"middle\">{I(layer)}</text>");
        }
        sb.Append("</svg></div><figcaption>").Append(Encode(caption)).Append("</figcaption></figure>");
        return sb.ToString();
    }

    /// <summary>The same graph for Graphviz: <c>dot -Tsvg step.dot</c>.</summary>
    public string ToDot()
    {
        var sb = new StringBuilder("digraph step {\n  rankdir=LR;\n  node [shape=circle, fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n");
        for (int layer = 1; layer <= _sizes.Count; layer++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  subgraph layer{layer} {{ rank=same;");
            for (int unit = 0; unit < _sizes[layer - 1]; unit++)
            {
                string label = string.Join("\\n", UnitValues(layer, unit).Select(v => $"{v.Symbol} = {Fmt(v.Value)}"));
                sb.Append(CultureInfo.InvariantCulture, $" u{layer}_{unit + 1} [label=\"{label}\"];");
            }
            sb.Append(" }\n");
        }
        double max = MaxWeight;
        for (int l = 1; l < _sizes.Count; l++)
        {
            for (int to = 0; to < _sizes[l]; to++)
            {
                for (int from = 0; from < _sizes[l - 1]; from++)
                {
                    (double w, double g) = Edge(l, to, from);
                    sb.Append(CultureInfo.InvariantCulture,
                        $"  u{l}_{from + 1} -> u{l + 1}_{to + 1} [label=\"w = {Fmt(w)}\\n∇w = {Fmt(g)}\", color=\"{(w < 0 ? Negative : Positive)}\", penwidth={0.75 + 3.5 * Math.Abs(w) / max:F2}, tooltip=\"W{l}[{to + 1},{from + 1}]\"];\n");
                }
            }
        }
        return sb.Append("}\n").ToString();
    }

    private string Fmt(double v) => _n.Format(v);

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
}
