using System.Net;
using System.Text;

namespace Backprop.Explain;

/// <summary>
/// Renders an <see cref="ExplainDocument"/> as one self-contained HTML page: formulas as MathML (rendered by the
/// browser itself, no script, font or style sheet from a network), a viewport and a layout that fit a phone;
/// wide equations and tables scroll sideways inside their own box, with a shadow at the edge that has more; matrix
/// columns are right-aligned with tabular digits, so the decimal points line up (every number of a matrix has the
/// same decimals); the font stack names common CJK fonts so a Chinese page shows no boxes. The one script, inline,
/// steps through the diagram's stages; without it every stage shows.
/// </summary>
internal static class HtmlRenderer
{
    private const string Style = """
        :root { color-scheme: light dark; --accent: #b36b00; --good: #1a7f37; --bad: #c62828; --muted: #888; }
        body { margin: 0; font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK SC", "Noto Sans SC",
          "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", sans-serif; }
        main { max-width: 56rem; margin: 0 auto; padding: 1rem; }
        h1 { font-size: 1.6rem; line-height: 1.25; }
        h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid var(--muted); }
        h3 { font-size: 1.05rem; margin-top: 1.5rem; }
        math { font-family: "STIX Two Math", "Latin Modern Math", "Cambria Math", math; font-size: 1.05em; }
        /* Wide formulas and tables scroll in their own box; a shadow at an edge shows there is more that way. */
        .eq, .table { overflow-x: auto; scrollbar-width: thin;
          background: linear-gradient(to right, Canvas 30%, transparent) left / 2rem 100% no-repeat local,
                      linear-gradient(to left, Canvas 30%, transparent) right / 2rem 100% no-repeat local,
                      radial-gradient(farthest-side at 0 50%, color-mix(in srgb, CanvasText 30%, transparent), transparent) left / 0.8rem 100% no-repeat scroll,
                      radial-gradient(farthest-side at 100% 50%, color-mix(in srgb, CanvasText 30%, transparent), transparent) right / 0.8rem 100% no-repeat scroll; }
        .eq { padding: 0.25rem 0; }
        mn { font-variant-numeric: tabular-nums; }
        .eq math { margin: 0.4rem 0; }
        mtable.chain > mtr > mtd { padding: 0.35em 0.1em; }
        mtable.chain > mtr > mtd:first-child { text-align: right; }
        mtable.chain > mtr > mtd:last-child { text-align: left; }
        mtd.result { color: var(--good); }
        mtable.matrix { margin: 0 0.15em; padding: 0 0.2em; border-left: 0.08em solid currentColor; border-right: 0.08em solid currentColor;
          background: linear-gradient(currentColor, currentColor) top left / 0.3em 0.08em no-repeat,
                      linear-gradient(currentColor, currentColor) bottom left / 0.3em 0.08em no-repeat,
                      linear-gradient(currentColor, currentColor) top right / 0.3em 0.08em no-repeat,
                      linear-gradient(currentColor, currentColor) bottom right / 0.3em 0.08em no-repeat; }
        mtable.matrix > mtr > mtd { padding: 0.15em 0.45em; text-align: right; math-style: normal; }
        p.remark { border-left: 4px solid var(--accent); padding: 0.4rem 0.8rem; background: color-mix(in srgb, var(--accent) 10%, transparent); }
        p.good, td.good { color: var(--good); }
        p.bad, td.bad { color: var(--bad); }
        table { border-collapse: collapse; margin: 0.5rem 0; }
        th, td { border: 1px solid var(--muted); padding: 0.2rem 0.6rem; text-align: left; word-break: keep-all; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        figure.diagram { margin: 1rem 0; } figure.diagram figcaption { font-size: 0.9em; }
        .stepper-caption { font-size: 0.9em; color: var(--muted); }
        .stepper-nav { display: flex; gap: 0.6rem; align-items: center; flex-wrap: wrap; }
        .stepper-nav[hidden], .stage[hidden] { display: none; }
        .stepper-nav button, form.quiz button { font: inherit; padding: 0.2rem 0.8rem; }
        form.quiz fieldset { border: 1px solid var(--muted); margin: 0.6rem 0; padding: 0.3rem 0.6rem 0.5rem; }
        form.quiz legend code { color: var(--muted); font-size: 0.85em; }
        form.quiz .cells { display: grid; gap: 0.3rem; }
        form.quiz input { font: inherit; font-variant-numeric: tabular-nums; width: 100%; min-width: 0; box-sizing: border-box; padding: 0.1rem 0.3rem; }
        form.quiz input { border: 2px solid var(--muted); border-radius: 3px; }
        form.quiz input.right { border-color: var(--good); } form.quiz input.wrong { border-color: var(--bad); }
        form.quiz output.right { color: var(--good); } form.quiz output.wrong { color: var(--bad); }
        form.quiz textarea { width: 100%; box-sizing: border-box; min-height: 6rem; font-family: ui-monospace, monospace; }
        @media (max-width: 600px) { body { font-size: 15px; } main { padding: 0.6rem; }
          th, td { padding: 0.15rem 0.3rem; font-size: 0.875em; } }
        """;

    public static string Render(ExplainDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        string lang = document.Language == "zh" ? "zh-Hans" : document.Language;
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"").Append(lang).Append("\">\n<head>\n<meta charset=\"utf-8\">\n");
        sb.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        sb.Append("<title>").Append(Encode(document.Title)).Append("</title>\n<style>\n").Append(Style).Append("\n</style>\n</head>\n<body>\n<main>\n");
        sb.Append("<h1>").Append(Encode(document.Title)).Append("</h1>\n");
        foreach (DocBlock block in document.Blocks)
        {
            switch (block)
            {
                case DocHeading h:
                    sb.Append("<h").Append(h.Level).Append('>').Append(Encode(h.Text)).Append("</h").Append(h.Level).Append(">\n");
                    break;
                case DocParagraph p:
                    string cls = p.Tone switch
                    {
                        DocTone.Remark => " class=\"remark\"",
                        DocTone.Good => " class=\"good\"",
                        DocTone.Bad => " class=\"bad\"",
                        _ => "",
                    };
                    sb.Append("<p").Append(cls).Append('>').Append(Inline(p.Parts)).Append("</p>\n");
                    break;
                case DocEquation e:
                    sb.Append("<div class=\"eq\">").Append(MathMlWriter.Block(e)).Append("</div>\n");
                    break;
                case DocTable t:
                    sb.Append("<div class=\"table\"><table>\n<thead><tr>");
                    foreach (string h in t.Header)
                    {
                        sb.Append("<th>").Append(Encode(h)).Append("</th>");
                    }
                    sb.Append("</tr></thead>\n<tbody>\n");
                    foreach (IReadOnlyList<DocCell> row in t.Rows)
                    {
                        sb.Append("<tr>");
                        foreach (DocCell c in row)
                        {
                            bool number = c.Math is null && double.TryParse(c.Text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);
                            sb.Append(c.Tone switch { DocTone.Good => "<td class=\"good\">", DocTone.Bad => "<td class=\"bad\">", _ => number ? "<td class=\"num\">" : "<td>" });
                            sb.Append(c.Math is not null ? MathMlWriter.Inline(c.Math) : Encode(c.Text ?? "")).Append("</td>");
                        }
                        sb.Append("</tr>\n");
                    }
                    sb.Append("</tbody>\n</table></div>\n");
                    break;
                case DocDiagram d:
                    sb.Append(d.Graph.ToStepper(d.Caption, d.Labels)).Append('\n');
                    break;
                case DocQuiz q:
                    QuizForm.Render(q, sb);
                    break;
                default:
                    throw new InvalidOperationException($"no HTML for {block.GetType().Name}");
            }
        }
        return sb.Append("</main>\n</body>\n</html>\n").ToString();
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string Inline(IReadOnlyList<DocInline> parts) => string.Concat(parts.Select(part => part switch
    {
        DocText t => Encode(t.Text),
        DocMath m => MathMlWriter.Inline(m.Math),
        _ => "",
    }));
}
