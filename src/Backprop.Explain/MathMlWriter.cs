using System.Net;
using System.Text;

namespace Backprop.Explain;

/// <summary>
/// Writes a <see cref="MathNode"/> as MathML Core, which browsers render without scripts or fonts from a network.
/// Bold symbols use the Unicode mathematical bold letters, since MathML Core has no mathvariant="bold". Matrix
/// brackets are drawn by the page's style sheet (borders of the table), so they stretch with any font.
/// </summary>
internal static class MathMlWriter
{
    public static string Inline(MathNode node)
    {
        var sb = new StringBuilder("<math>");
        Append(sb, node);
        return sb.Append("</math>").ToString();
    }

    /// <summary>An aligned chain: a three-column table (left side, relation, right side).</summary>
    public static string Block(DocEquation equation)
    {
        ArgumentNullException.ThrowIfNull(equation);
        var sb = new StringBuilder("<math display=\"block\"><mtable class=\"chain\">");
        foreach (EquationLine line in equation.Lines)
        {
            sb.Append("<mtr><mtd>");
            if (line.Left is not null)
            {
                Append(sb, line.Left);
            }
            sb.Append("</mtd><mtd><mo>").Append(Escape(line.Relation)).Append("</mo></mtd><mtd").Append(line.Result ? " class=\"result\"" : "").Append('>');
            Append(sb, line.Right);
            sb.Append("</mtd></mtr>");
        }
        return sb.Append("</mtable></math>").ToString();
    }

    private static string Escape(string s) => WebUtility.HtmlEncode(s);

    private static string Bold(string name)
    {
        var sb = new StringBuilder();
        foreach (char c in name)
        {
            int code = c switch
            {
                >= 'A' and <= 'Z' => 0x1D400 + (c - 'A'),
                >= 'a' and <= 'z' => 0x1D41A + (c - 'a'),
                'δ' => 0x1D6C5,
                _ => c,
            };
            sb.Append(char.ConvertFromUtf32(code));
        }
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, MathNode node)
    {
        switch (node)
        {
            case MathSymbol s:
                sb.Append("<mrow>");
                if (s.Gradient)
                {
                    sb.Append("<mo>∇</mo>");
                }
                string mi = $"<mi>{Escape(s.Bold ? Bold(s.Name) : s.Name)}</mi>";
                var sup = new StringBuilder();
                if (s.LayerText is string layer)
                {
                    sup.Append("<mo>(</mo>");
                    foreach (char c in layer)
                    {
                        sup.Append(char.IsAsciiDigit(c) ? "<mn>" : char.IsAsciiLetter(c) ? "<mi>" : "<mo>").Append(c)
                            .Append(char.IsAsciiDigit(c) ? "</mn>" : char.IsAsciiLetter(c) ? "</mi>" : "</mo>");
                    }
                    sup.Append("<mo>)</mo>");
                }
                if (s.Transposed)
                {
                    sup.Append("<mi>⊤</mi>");
                }
                if (s.Prime)
                {
                    sup.Append("<mo>′</mo>");
                }
                string sub = s.Index is null ? "" : $"<mrow>{IndexRow(s.Index)}</mrow>";
                if (sup.Length > 0 && sub.Length > 0)
                {
                    sb.Append("<msubsup>").Append(mi).Append(sub).Append("<mrow>").Append(sup).Append("</mrow></msubsup>");
                }
                else if (sup.Length > 0)
                {
                    sb.Append("<msup>").Append(mi).Append("<mrow>").Append(sup).Append("</mrow></msup>");
                }
                else if (sub.Length > 0)
                {
                    sb.Append("<msub>").Append(mi).Append(sub).Append("</msub>");
                }
                else
                {
                    sb.Append(mi);
                }
                sb.Append("</mrow>");
                break;
            case MathNumber n:
                if (n.Text.StartsWith('-'))
                {
                    sb.Append("<mrow><mo form=\"prefix\">−</mo><mn>").Append(Escape(n.Text[1..])).Append("</mn></mrow>");
                }
                else
                {
                    sb.Append("<mn>").Append(Escape(n.Text)).Append("</mn>");
                }
                break;
            case MathOp o:
                sb.Append(o.Symbol switch
                {
                    "∂L" => "<mrow><mo>∂</mo><mi>L</mi></mrow>",
                    "," => "<mo separator=\"true\">,</mo>",
                    _ => $"<mo>{Escape(o.Symbol)}</mo>",
                });
                break;
            case MathRow r:
                sb.Append("<mrow>");
                foreach (MathNode item in r.Items)
                {
                    Append(sb, item);
                }
                sb.Append("</mrow>");
                break;
            case MathParen p:
                sb.Append("<mrow><mo>(</mo>");
                Append(sb, p.Inner);
                sb.Append("<mo>)</mo></mrow>");
                break;
            case MathFraction f:
                sb.Append("<mfrac><mrow>");
                Append(sb, f.Numerator);
                sb.Append("</mrow><mrow>");
                Append(sb, f.Denominator);
                sb.Append("</mrow></mfrac>");
                break;
            case MathPower p:
                sb.Append("<msup><mrow>");
                Append(sb, p.Base);
                sb.Append("</mrow><mrow>");
                Append(sb, p.Exponent);
                sb.Append("</mrow></msup>");
                break;
            case MathFunction f:
                sb.Append("<mrow><mi>").Append(Escape(f.Name)).Append("</mi>").Append(f.Prime ? "<mo>′</mo>" : "").Append("<mo>(</mo>");
                Append(sb, f.Argument);
                sb.Append("<mo>)</mo></mrow>");
                break;
            case MathSum s:
                sb.Append(s.Index is null ? "<mo>∑</mo>" : $"<msub><mo>∑</mo><mrow>{IndexRow(s.Index)}</mrow></msub>");
                break;
            case MathMatrix m:
                int[]? widths = m.Cells.All(x => x is MathNumber)
                    ? [.. Enumerable.Range(0, m.Columns).Select(c => Enumerable.Range(0, m.Rows).Max(r => ((MathNumber)m[r, c]).Text.Length))]
                    : null;
                sb.Append("<mrow><mtable class=\"matrix\" columnalign=\"").Append(string.Join(' ', Enumerable.Repeat("right", m.Columns))).Append("\">");
                for (int r = 0; r < m.Rows; r++)
                {
                    sb.Append("<mtr>");
                    for (int c = 0; c < m.Columns; c++)
                    {
                        sb.Append("<mtd>");
                        if (widths is not null)
                        {
                            // A column of numbers: each one token, padded in front with figure spaces (as wide as a
                            // digit) to the column's width, so the decimal points line up in any alignment.
                            string text = ((MathNumber)m[r, c]).Text.Replace('-', '−');
                            sb.Append("<mn>").Append(new string('\u2007', widths[c] - text.Length)).Append(Escape(text)).Append("</mn>");
                        }
                        else
                        {
                            Append(sb, m[r, c]);
                        }
                        sb.Append("</mtd>");
                    }
                    sb.Append("</mtr>");
                }
                sb.Append("</mtable></mrow>");
                break;
            default:
                throw new InvalidOperationException($"no MathML for {node.GetType().Name}");
        }
    }

    private static string IndexRow(string index)
    {
        var sb = new StringBuilder();
        foreach (string part in index.Split(','))
        {
            if (sb.Length > 0)
            {
                sb.Append("<mo separator=\"true\">,</mo>");
            }
            sb.Append(char.IsAsciiDigit(part[0]) ? $"<mn>{Escape(part)}</mn>" : $"<mi>{Escape(part)}</mi>");
        }
        return sb.ToString();
    }
}
