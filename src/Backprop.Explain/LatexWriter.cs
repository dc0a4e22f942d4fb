using System.Text;

namespace Backprop.Explain;

/// <summary>
/// Writes a <see cref="MathNode"/> as LaTeX, using only <see cref="KatexCommands"/>. GitHub's Markdown is known to
/// mishandle <c>\\</c> in the middle of a line (github/markup #1547), so a display block ends every matrix row
/// with <c>\\</c> at the end of its line, and inline formulas, which must stay on one line, end rows with
/// <c>\cr</c> instead.
/// </summary>
internal static class LatexWriter
{
    public static string Write(MathNode node)
    {
        var sb = new StringBuilder();
        Append(sb, node, display: false);
        return sb.ToString().Trim();
    }

    /// <summary>An aligned chain of equations: <c>\begin{aligned} lhs &amp;= rhs \\ &amp;= … \end{aligned}</c>.</summary>
    public static string Write(DocEquation equation)
    {
        ArgumentNullException.ThrowIfNull(equation);
        var sb = new StringBuilder("\\begin{aligned}\n");
        for (int i = 0; i < equation.Lines.Count; i++)
        {
            EquationLine line = equation.Lines[i];
            if (line.Left is not null)
            {
                Append(sb, line.Left, display: true);
            }
            sb.Append(" &").Append(Relation(line.Relation)).Append(' ');
            Append(sb, line.Right, display: true);
            sb.Append(i < equation.Lines.Count - 1 ? " \\\\\n" : "\n");
        }
        return sb.Append("\\end{aligned}").ToString();
    }

    private static string Relation(string relation) => relation switch
    {
        "←" => "\\leftarrow",
        "≈" => "\\approx",
        _ => relation,
    };

    private static string Greek(string name) => name switch
    {
        "δ" => "\\delta",
        "η" => "\\eta",
        "θ" => "\\theta",
        "μ" => "\\mu",
        "σ" => "\\sigma",
        _ => name,
    };

    private static void Append(StringBuilder sb, MathNode node, bool display)
    {
        switch (node)
        {
            case MathSymbol s:
                if (s.Gradient)
                {
                    sb.Append("\\nabla ");
                }
                string name = Greek(s.Name);
                if (s.Bold)
                {
                    sb.Append(name.StartsWith('\\') ? "\\boldsymbol{" : "\\mathbf{").Append(name).Append('}');
                }
                else
                {
                    sb.Append(name.StartsWith('\\') ? name + " " : name);
                }
                if (s.Index is not null)
                {
                    sb.Append("_{").Append(s.Index).Append('}');
                }
                if (s.LayerText is not null || s.Transposed || s.Prime)
                {
                    sb.Append("^{");
                    if (s.LayerText is string layer)
                    {
                        sb.Append('(').Append(layer).Append(')');
                    }
                    sb.Append(s.Transposed ? "\\top" : "").Append(s.Prime ? "\\prime" : "").Append('}');
                }
                sb.Append(' ');
                break;
            case MathNumber n:
                sb.Append(n.Text).Append(' ');
                break;
            case MathOp o:
                sb.Append(o.Symbol switch
                {
                    "−" => "-",
                    "×" => "\\times",
                    "⊙" => "\\odot",
                    "·" => "\\cdot",
                    "←" => "\\leftarrow",
                    "≈" => "\\approx",
                    "⋯" => "\\cdots",
                    "⋮" => "\\vdots",
                    "⋱" => "\\ddots",
                    "∂L" => "\\partial L",
                    "∂" => "\\partial",
                    "," => ",\\,",
                    _ => o.Symbol,
                }).Append(' ');
                break;
            case MathRow r:
                foreach (MathNode item in r.Items)
                {
                    Append(sb, item, display);
                }
                break;
            case MathParen p:
                sb.Append("\\left( ");
                Append(sb, p.Inner, display);
                sb.Append("\\right) ");
                break;
            case MathFraction f:
                sb.Append("\\frac{");
                Append(sb, f.Numerator, display);
                sb.Append("}{");
                Append(sb, f.Denominator, display);
                sb.Append("} ");
                break;
            case MathPower p:
                sb.Append('{');
                Append(sb, p.Base, display);
                sb.Append("}^{");
                Append(sb, p.Exponent, display);
                sb.Append("} ");
                break;
            case MathFunction f:
                sb.Append(f.Name switch
                {
                    "σ" => "\\sigma",
                    "ln" => "\\ln",
                    "tanh" => "\\tanh",
                    "max" => "\\max",
                    "f" => "f",
                    _ => "\\operatorname{" + f.Name + "}",
                });
                sb.Append(f.Prime ? "^{\\prime}" : "").Append("\\left( ");
                Append(sb, f.Argument, display);
                sb.Append("\\right) ");
                break;
            case MathSum s:
                sb.Append(s.Index is null ? "\\sum " : "\\sum_{" + s.Index + "} ");
                break;
            case MathMatrix m:
                sb.Append("\\begin{bmatrix} ");
                for (int r = 0; r < m.Rows; r++)
                {
                    for (int c = 0; c < m.Columns; c++)
                    {
                        if (c > 0)
                        {
                            sb.Append("& ");
                        }
                        Append(sb, m[r, c], display);
                    }
                    if (r < m.Rows - 1)
                    {
                        sb.Append(display ? "\\\\\n" : "\\cr ");
                    }
                }
                sb.Append("\\end{bmatrix} ");
                break;
            default:
                throw new InvalidOperationException($"no LaTeX for {node.GetType().Name}");
        }
    }
}
