namespace Backprop.Explain;

/// <summary>A composed explanation (or answer check), ready to render as terminal text, Markdown or HTML.</summary>
public sealed class ExplainPage
{
    internal ExplainPage(ExplainDocument document) => Document = document;

    internal ExplainDocument Document { get; }

    /// <summary>Writes the page for a terminal: aligned equations, box-bracket matrices; escape codes only with <paramref name="colour"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="output"/> is null.</exception>
    public void WriteText(TextWriter output, bool colour)
    {
        ArgumentNullException.ThrowIfNull(output);
        TextRenderer.Render(Document, output, colour);
    }

    /// <summary>The page as Markdown, formulas in KaTeX-compatible LaTeX.</summary>
    public string ToMarkdown() => MarkdownRenderer.Render(Document);

    /// <summary>The page as one self-contained HTML file, formulas in MathML (no script, font or style sheet to fetch).</summary>
    public string ToHtml() => HtmlRenderer.Render(Document);
}
