using System.Text;

namespace Backprop.Explain;

/// <summary>
/// Lays a <see cref="MathNode"/> out as monospaced text: matrices in box brackets (⎡ ⎢ ⎣), superscript layer
/// numbers (z⁽²⁾), fractions written inline with a slash.
/// </summary>
internal static class TextMathLayout
{
    private const string Superscripts = "⁰¹²³⁴⁵⁶⁷⁸⁹";
    private const string Subscripts = "₀₁₂₃₄₅₆₇₈₉";

    public static TextBlock Layout(MathNode node) => node switch
    {
        MathMatrix m => Matrix(m),
        MathRow r => TextBlock.Beside([.. r.Items.SelectMany((item, i) => Items(r, i))]),
        MathParen p when Layout(p.Inner) is { Height: > 1 } inner => Fence(inner, "⎛⎜⎝", "⎞⎟⎠"),
        _ => TextBlock.Text(Inline(node)),
    };

    // One item of a row as blocks: a sign stays tight, neighbouring operands get a space between them (W a, δ aᵀ).
    private static IEnumerable<TextBlock> Items(MathRow r, int i)
    {
        MathNode item = r.Items[i];
        if (item is MathOp { Symbol: "−" } && (i == 0 || r.Items[i - 1] is MathOp))
        {
            yield return TextBlock.Text("−");
            yield break;
        }
        if (i > 0 && SpaceBetween(r.Items[i - 1], item))
        {
            yield return TextBlock.Text(" ");
        }
        yield return Layout(item);
    }

    // Two operands side by side (a product written without a sign) are separated by a space.
    private static bool SpaceBetween(MathNode left, MathNode right) =>
        left is not MathOp && right is not MathOp && !(left is MathSum) && !(left is MathRow { Items.Count: 0 } || right is MathRow { Items.Count: 0 });

    /// <summary>A node on one line (symbols, numbers, inline formulas; a matrix as [a, b; c, d]).</summary>
    public static string Inline(MathNode node)
    {
        var sb = new StringBuilder();
        Append(sb, node);
        return sb.ToString();
    }

    /// <summary>A symbol as the terminal shows it: z⁽²⁾, W⁽²⁾ᵀ, ∇W⁽¹⁾, a₁⁽³⁾.</summary>
    public static string Symbol(MathSymbol s)
    {
        var sb = new StringBuilder();
        if (s.Gradient)
        {
            sb.Append('∇');
        }
        sb.Append(s.Name);
        if (s.Index is not null)
        {
            sb.Append(Sub(s.Index));
        }
        if (s.LayerText is string layer)
        {
            sb.Append('⁽').Append(Sup(layer)).Append('⁾');
        }
        if (s.Transposed)
        {
            sb.Append('ᵀ');
        }
        if (s.Prime)
        {
            sb.Append('′');
        }
        return sb.ToString();
    }

    private static string Sup(string digits) => string.Concat(digits.Select(c => c switch
    {
        _ when char.IsAsciiDigit(c) => Superscripts[c - '0'],
        'l' => 'ˡ',
        '+' => '⁺',
        '-' or '−' => '⁻',
        _ => c,
    }));

    private static string Sub(string index)
    {
        const string letters = "aehijklmnoprstuvx";
        const string lettersSub = "ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ";
        var sb = new StringBuilder();
        foreach (char c in index)
        {
            if (char.IsAsciiDigit(c))
            {
                sb.Append(Subscripts[c - '0']);
            }
            else if (letters.IndexOf(c, StringComparison.Ordinal) is int i and >= 0)
            {
                sb.Append(lettersSub[i]);
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    // Written without parentheses after ^ or around /: no space inside and no leading sign.
    private static bool IsAtom(MathNode node) => Inline(node) is { Length: > 0 } text && !text.Contains(' ', StringComparison.Ordinal) && text[0] is not ('-' or '−');

    private static void Append(StringBuilder sb, MathNode node)
    {
        switch (node)
        {
            case MathSymbol s:
                sb.Append(Symbol(s));
                break;
            case MathNumber n:
                sb.Append(n.Text);
                break;
            case MathOp o:
                sb.Append(o.Symbol switch
                {
                    "+" or "−" or "×" or "⊙" or "·" or "=" or "←" or "≈" => $" {o.Symbol} ",
                    "," => ", ",
                    _ => o.Symbol,
                });
                break;
            case MathRow r:
                for (int i = 0; i < r.Items.Count; i++)
                {
                    // A minus at the start or after another operator is a sign, not a binary operator.
                    if (r.Items[i] is MathOp { Symbol: "−" } && (i == 0 || r.Items[i - 1] is MathOp))
                    {
                        sb.Append('−');
                        continue;
                    }
                    if (i > 0 && SpaceBetween(r.Items[i - 1], r.Items[i]))
                    {
                        sb.Append(' ');
                    }
                    Append(sb, r.Items[i]);
                }
                break;
            case MathParen p:
                sb.Append('(');
                Append(sb, p.Inner);
                sb.Append(')');
                break;
            case MathFraction f:
                AppendAtom(sb, f.Numerator);
                sb.Append('/');
                AppendAtom(sb, f.Denominator);
                break;
            case MathPower p:
                AppendAtom(sb, p.Base);
                if (p.Exponent is MathNumber { Text: "2" })
                {
                    sb.Append('²');
                }
                else
                {
                    sb.Append('^');
                    AppendAtom(sb, p.Exponent);
                }
                break;
            case MathFunction f:
                sb.Append(f.Name).Append(f.Prime ? "′" : "").Append('(');
                Append(sb, f.Argument);
                sb.Append(')');
                break;
            case MathSum s:
                sb.Append('Σ').Append(s.Index is null ? "" : Sub(s.Index));
                break;
            case MathMatrix m:
                sb.Append('[');
                for (int r = 0; r < m.Rows; r++)
                {
                    for (int c = 0; c < m.Columns; c++)
                    {
                        sb.Append(c > 0 ? ", " : "");
                        Append(sb, m[r, c]);
                    }
                    sb.Append(r < m.Rows - 1 ? "; " : "");
                }
                sb.Append(']');
                break;
            default:
                throw new InvalidOperationException($"no text layout for {node.GetType().Name}");
        }
    }

    private static void AppendAtom(StringBuilder sb, MathNode node)
    {
        bool wrap = node is not MathParen && !IsAtom(node);
        sb.Append(wrap ? "(" : "");
        Append(sb, node);
        sb.Append(wrap ? ")" : "");
    }

    private static TextBlock Matrix(MathMatrix m)
    {
        var cells = new string[m.Rows, m.Columns];
        bool numeric = true;
        for (int r = 0; r < m.Rows; r++)
        {
            for (int c = 0; c < m.Columns; c++)
            {
                cells[r, c] = Inline(m[r, c]);
                numeric &= m[r, c] is MathNumber or MathOp;
            }
        }
        var widths = new int[m.Columns];
        for (int c = 0; c < m.Columns; c++)
        {
            for (int r = 0; r < m.Rows; r++)
            {
                widths[c] = Math.Max(widths[c], cells[r, c].Length);
            }
        }
        var lines = new string[m.Rows];
        for (int r = 0; r < m.Rows; r++)
        {
            var sb = new StringBuilder();
            for (int c = 0; c < m.Columns; c++)
            {
                sb.Append(c > 0 ? "  " : "");
                string cell = cells[r, c];
                bool centre = m[r, c] is MathOp;
                sb.Append(centre ? cell.PadLeft((widths[c] + cell.Length) / 2).PadRight(widths[c])
                    : numeric ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]));
            }
            lines[r] = sb.ToString();
        }
        return Fence(TextBlock.FromLines(lines, (m.Rows - 1) / 2), "⎡⎢⎣", "⎤⎥⎦");
    }

    // Tall brackets around a block: top, middle and bottom pieces; one line gets plain [ ] or ( ).
    private static TextBlock Fence(TextBlock inner, string left, string right)
    {
        string open = left == "⎡⎢⎣" ? "[" : "(";
        string close = right == "⎤⎥⎦" ? "]" : ")";
        var l = new string[inner.Height];
        var r = new string[inner.Height];
        for (int i = 0; i < inner.Height; i++)
        {
            (l[i], r[i]) = inner.Height == 1 ? (open, close)
                : i == 0 ? (left[0].ToString(), right[0].ToString())
                : i == inner.Height - 1 ? (left[2].ToString(), right[2].ToString())
                : (left[1].ToString(), right[1].ToString());
        }
        return TextBlock.Beside(TextBlock.FromLines(l, inner.Baseline), TextBlock.Text(" ").Pad(inner), inner, TextBlock.Text(" ").Pad(inner), TextBlock.FromLines(r, inner.Baseline));
    }

    private static TextBlock Pad(this TextBlock space, TextBlock like) =>
        TextBlock.FromLines([.. Enumerable.Repeat(new string(' ', space.Width), like.Height)], like.Baseline);
}
