using System.Text;

namespace Backprop.Explain;

/// <summary>
/// Renders an <see cref="ExplainDocument"/> as Markdown with LaTeX math: <c>$…$</c> inline and <c>$$…$$</c>
/// display blocks with <c>aligned</c> and <c>bmatrix</c>, which GitHub, KaTeX and MathJax render.
/// </summary>
internal static class MarkdownRenderer
{
    public static string Render(ExplainDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var sb = new StringBuilder();
        sb.Append("# ").Append(Escape(document.Title)).Append("\n\n");
        foreach (DocBlock block in document.Blocks)
        {
            switch (block)
            {
                case DocHeading h:
                    sb.Append(new string('#', h.Level)).Append(' ').Append(Escape(h.Text)).Append("\n\n");
                    break;
                case DocParagraph p:
                    sb.Append(p.Tone switch
                    {
                        DocTone.Remark => "> ",
                        DocTone.Good => "✓ ",
                        DocTone.Bad => "✗ ",
                        _ => "",
                    });
                    sb.Append(Inline(p.Parts)).Append("\n\n");
                    break;
                case DocEquation e:
                    sb.Append("$$\n").Append(LatexWriter.Write(e)).Append("\n$$\n\n");
                    break;
                case DocTable t:
                    sb.Append("| ").Append(string.Join(" | ", t.Header.Select(Escape))).Append(" |\n");
                    sb.Append('|').Append(string.Concat(t.Header.Select(_ => " --- |"))).Append('\n');
                    foreach (IReadOnlyList<DocCell> row in t.Rows)
                    {
                        sb.Append("| ").Append(string.Join(" | ", row.Select(Cell))).Append(" |\n");
                    }
                    sb.Append('\n');
                    break;
                case DocDiagram or DocQuiz:
                    break; // a picture or a form: HTML only
                default:
                    throw new InvalidOperationException($"no Markdown for {block.GetType().Name}");
            }
        }
        return sb.ToString();
    }

    private static string Cell(DocCell c)
    {
        string text = c.Math is not null ? "$" + LatexWriter.Write(c.Math) + "$" : Escape(c.Text ?? "");
        return c.Tone switch
        {
            DocTone.Good => "✓ " + text,
            DocTone.Bad => "✗ " + text,
            _ => text,
        };
    }

    private static string Inline(IReadOnlyList<DocInline> parts) => string.Concat(parts.Select(part => part switch
    {
        DocText t => Escape(t.Text),
        DocMath m => "$" + LatexWriter.Write(m.Math) + "$",
        _ => "",
    }));

    // Prose and names may hold characters Markdown would take as markup.
    private static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (c is '\\' or '*' or '_' or '`' or '|' or '$' or '[' or ']' or '<' or '>' or '#')
            {
                sb.Append('\\');
            }
            sb.Append(c);
        }
        return sb.ToString();
    }
}
