using System.Globalization;
using System.Net;
using System.Text;

namespace Backprop.Explain;

/// <summary>
/// The network of a recorded step as a graph, for a picture: each unit with its z, a and δ (of the first sample;
/// an input unit has only a), each edge with its weight w (before the update) and gradient ∇w, all the engine's
/// values. Written for the HTML page as SVG pictures of the step's stages with a small script that steps through them
/// (every stage readable without it), and as Graphviz DOT.
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

    /// <summary>The stages of the step-through, in order: forward, loss, backward, update.</summary>
    public static IReadOnlyList<string> Stages { get; } = ["forward", "loss", "backward", "update"];

    /// <summary>
    /// The step-through: one figure per stage (forward, loss, backward, update), all in the page, so that without a
    /// script every stage is visible one below the other; the script after them only hides all but one and shows the
    /// Previous/Next buttons (and the ← → keys) that move between them. Nothing is fetched.
    /// </summary>
    public string ToStepper(string caption, DiagramLabels labels)
    {
        var sb = new StringBuilder();
        sb.Append("<section class=\"stepper\" aria-label=\"").Append(Encode(caption)).Append("\">");
        sb.Append("<p class=\"stepper-caption\">").Append(Encode(caption)).Append("</p>");
        sb.Append("<nav class=\"stepper-nav\" hidden><button type=\"button\" data-go=\"-1\">← ").Append(Encode(labels.Previous))
            .Append("</button> <span class=\"stepper-name\" aria-live=\"polite\"></span> <button type=\"button\" data-go=\"1\">")
            .Append(Encode(labels.Next)).Append(" →</button></nav>");
        for (int i = 0; i < Stages.Count; i++)
        {
            string title = $"{I(i + 1)}/{I(Stages.Count)} {labels.Stages[i]}";
            sb.Append(CultureInfo.InvariantCulture, $"<figure class=\"diagram stage\" data-stage=\"{Stages[i]}\" data-title=\"{Encode(title)}\"><figcaption><strong>{Encode(title)}</strong>: {Encode(labels.Captions[i])}</figcaption>");
            sb.Append("<div class=\"table\">").Append(Svg(Stages[i], labels.Stages[i])).Append("</div></figure>");
        }
        sb.Append("</section>\n<script>").Append(StepperScript).Append("</script>");
        return sb.ToString();
    }

    // Navigation only: every number is in the page already.
    private const string StepperScript = """
        (() => {
          const root = document.currentScript.previousElementSibling;
          const stages = [...root.querySelectorAll('.stage')];
          const nav = root.querySelector('.stepper-nav');
          const [previous, next] = nav.querySelectorAll('button');
          const name = nav.querySelector('.stepper-name');
          let current = 0;
          const show = n => {
            current = Math.max(0, Math.min(stages.length - 1, n));
            stages.forEach((s, i) => { s.hidden = i !== current; });
            name.textContent = stages[current].dataset.title;
            previous.disabled = current === 0;
            next.disabled = current === stages.length - 1;
            root.dataset.stage = stages[current].dataset.stage;
          };
          nav.addEventListener('click', e => { const b = e.target.closest('button'); if (b) { show(current + Number(b.dataset.go)); } });
          document.addEventListener('keydown', e => {
            if (e.altKey || e.ctrlKey || e.metaKey || e.target.closest('input, textarea, select')) { return; }
            if (e.key === 'ArrowRight') { show(current + 1); } else if (e.key === 'ArrowLeft') { show(current - 1); }
          });
          nav.hidden = false;
          show(0);
        })();
        """;

    // One stage's picture, layers left to right. Every number carries data-q, the quantity and entry it shows, as the
    // checker names them (z3[1,1], W2[1,2], dW2[1,2], W2'[1,2], b2'[1,1], t[1,1], loss): forward shows z and a on the
    // units and w on the edges; loss, a and t of the output and L; backward δ and ∇w (edges coloured and sized by ∇w);
    // update w′ and b′.
    private string Svg(string stage, string label)
    {
        const double columnGap = 260, rowGap = 96, radius = 34, margin = 48;
        int tallest = _sizes.Max();
        double width = margin * 2 + columnGap * (_sizes.Count - 1);
        double height = margin * 2 + rowGap * (tallest - 1) + 20;
        (double X, double Y) Center(int layer, int unit) =>
            (margin + columnGap * (layer - 1), margin + 10 + rowGap * unit + rowGap * (tallest - _sizes[layer - 1]) / 2.0);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg viewBox=\"0 0 {width:F0} {height:F0}\" width=\"{width:F0}\" height=\"{height:F0}\" role=\"img\" aria-label=\"{Encode(label)}\">");
        sb.Append("<style>text{font:11px system-ui,sans-serif;fill:currentColor}.unit{fill:Canvas;stroke:currentColor}.w{font-size:10px}</style>");
        bool backward = stage == "backward";
        bool update = stage == "update";
        double max = 0;
        for (int l = 1; l < _sizes.Count; l++)
        {
            Matrix shown = backward ? _e.Find("dW" + I(l))!.Value : update ? _e.Find("W" + I(l) + "'")!.Value : _e.InitialWeights[l - 1];
            max = Math.Max(max, shown.Values.Max(Math.Abs));
        }
        max = max > 0 ? max : 1;
        for (int l = 1; l < _sizes.Count; l++)
        {
            for (int to = 0; to < _sizes[l]; to++)
            {
                for (int from = 0; from < _sizes[l - 1]; from++)
                {
                    (double w, double g) = Edge(l, to, from);
                    string entry = $"[{I(to + 1)},{I(from + 1)}]";
                    (string symbol, string name, double value) = backward ? ("∇", "dW" + I(l), g)
                        : update ? ("w′", "W" + I(l) + "'", _e.Find("W" + I(l) + "'")!.Value[to, from]) : ("w", "W" + I(l), w);
                    (double x1, double y1) = Center(l, from);
                    (double x2, double y2) = Center(l + 1, to);
                    string colour = value < 0 ? Negative : Positive;
                    double stroke = 0.75 + 3.5 * Math.Abs(value) / max;
                    sb.Append(CultureInfo.InvariantCulture, $"<g class=\"edge\"><title>W{I(l)}{entry}: w = {Fmt(w)}, ∇w = {Fmt(g)}</title>");
                    sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x1 + radius:F1}\" y1=\"{y1:F1}\" x2=\"{x2 - radius:F1}\" y2=\"{y2:F1}\" stroke=\"{colour}\" stroke-width=\"{stroke:F2}\" stroke-opacity=\"0.8\"/>");
                    // Labels staggered along the edge by the source unit, so that edges into one unit do not overlap.
                    double t = 0.22 + 0.5 * (from + 0.5) / _sizes[l - 1];
                    double lx = x1 + radius + t * (x2 - x1 - 2 * radius);
                    double ly = y1 + t * (y2 - y1);
                    sb.Append(CultureInfo.InvariantCulture, $"<text class=\"w\" x=\"{lx:F1}\" y=\"{ly - 3:F1}\" text-anchor=\"middle\" fill=\"{colour}\" data-q=\"{name}{entry}\">{symbol} {Fmt(value)}</text></g>");
                }
            }
        }
        int last = _sizes.Count;
        for (int layer = 1; layer <= _sizes.Count; layer++)
        {
            for (int unit = 0; unit < _sizes[layer - 1]; unit++)
            {
                (double x, double y) = Center(layer, unit);
                string entry = $"[{I(unit + 1)},1]";
                var values = new List<(string Symbol, string Name, double Value)>();
                if (layer == 1)
                {
                    values.Add(("a", "a1" + entry, _e.Input[unit, 0]));
                }
                else if (stage == "forward")
                {
                    values.Add(("z", "z" + I(layer) + entry, Value("z" + I(layer), unit)!.Value));
                    values.Add(("a", "a" + I(layer) + entry, Value("a" + I(layer), unit)!.Value));
                }
                else if (stage == "loss")
                {
                    values.Add(("a", "a" + I(layer) + entry, Value("a" + I(layer), unit)!.Value));
                    if (layer == last)
                    {
                        values.Add(("t", "t" + entry, _e.Target[unit, 0]));
                    }
                }
                else if (backward)
                {
                    values.Add(("δ", "delta" + I(layer) + entry, Value("delta" + I(layer), unit)!.Value));
                }
                else
                {
                    values.Add(("b′", "b" + I(layer - 1) + "'" + entry, _e.Find("b" + I(layer - 1) + "'")!.Value[unit, 0]));
                }
                double delta = backward && layer > 1 ? values[0].Value : 0;
                string ring = delta < 0 ? Negative : delta > 0 ? Positive : "currentColor";
                sb.Append(CultureInfo.InvariantCulture, $"<g class=\"node\"><circle class=\"unit\" cx=\"{x:F1}\" cy=\"{y:F1}\" r=\"{radius}\" stroke=\"{ring}\" stroke-width=\"2\"/>");
                for (int i = 0; i < values.Count; i++)
                {
                    double ty = y + (i - (values.Count - 1) / 2.0) * 13 + 4;
                    sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x:F1}\" y=\"{ty:F1}\" text-anchor=\"middle\" data-q=\"{values[i].Name}\">{values[i].Symbol} {Fmt(values[i].Value)}</text>");
                }
                sb.Append("</g>");
            }
            (double cx, _) = Center(layer, 0);
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{cx:F1}\" y=\"{height - 8:F1}\" text-anchor=\"middle\">{I(layer)}</text>");
        }
        if (stage == "loss")
        {
            (double ox, _) = Center(last, 0);
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{ox:F1}\" y=\"{margin / 2 - 4:F1}\" text-anchor=\"middle\" font-weight=\"bold\" data-q=\"loss\">L {Fmt(_e.Find("loss")!.Value[0, 0])}</text>");
        }
        return sb.Append("</svg>").ToString();
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
