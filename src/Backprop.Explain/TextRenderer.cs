using Spectre.Console;

namespace Backprop.Explain;

/// <summary>
/// Renders an <see cref="ExplainDocument"/> for a terminal with Spectre.Console: headings, prose, aligned
/// equations with box-bracket matrices, tables. With <c>colour</c> false (output redirected) no escape codes
/// are written. Lines are never wrapped by the renderer; the terminal wraps long prose.
/// </summary>
internal static class TextRenderer
{
    private const string Indent = "  ";

    public static void Render(ExplainDocument document, TextWriter output, bool colour)
    {
        ArgumentNullException.ThrowIfNull(document);
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = colour ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = colour ? ColorSystemSupport.Standard : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 100_000;

        Heading(console, 1, document.Title);
        foreach (DocBlock block in document.Blocks)
        {
            switch (block)
            {
                case DocHeading h:
                    Heading(console, h.Level, h.Text);
                    break;
                case DocParagraph p:
                    Paragraph(console, p);
                    break;
                case DocEquation e:
                    Equation(console, e);
                    break;
                case DocTable t:
                    Table(console, t);
                    break;
                case DocDiagram or DocQuiz:
                    break; // a picture or a form: HTML only
                default:
                    throw new InvalidOperationException($"no text rendering for {block.GetType().Name}");
            }
        }
    }

    private static void Heading(IAnsiConsole console, int level, string text)
    {
        console.WriteLine();
        if (level <= 2)
        {
            console.MarkupLine($"[bold yellow]{Markup.Escape(text)}[/]");
            console.MarkupLine($"[yellow]{new string(level == 1 ? '═' : '─', DisplayWidth(text))}[/]");
        }
        else
        {
            console.MarkupLine($"[bold]▸ {Markup.Escape(text)}[/]");
        }
    }

    private static void Paragraph(IAnsiConsole console, DocParagraph p)
    {
        string text = string.Concat(p.Parts.Select(part => part switch
        {
            DocText t => Markup.Escape(t.Text),
            DocMath m => $"[cyan]{Markup.Escape(TextMathLayout.Inline(m.Math))}[/]",
            _ => "",
        }));
        console.MarkupLine(p.Tone switch
        {
            DocTone.Remark => $"[italic yellow]※[/] [italic]{text}[/]",
            DocTone.Good => $"[green]✓ {text}[/]",
            DocTone.Bad => $"[red]✗ {text}[/]",
            _ => text,
        });
    }

    private static void Equation(IAnsiConsole console, DocEquation equation)
    {
        TextBlock[] lefts = [.. equation.Lines.Select(l => l.Left is null ? TextBlock.Empty : TextMathLayout.Layout(l.Left).Styled("cyan"))];
        int leftWidth = lefts.Max(b => b.Width);
        console.WriteLine();
        for (int i = 0; i < equation.Lines.Count; i++)
        {
            EquationLine line = equation.Lines[i];
            TextBlock right = TextMathLayout.Layout(line.Right);
            if (line.Result)
            {
                right = right.Styled("green");
            }
            TextBlock row = TextBlock.Beside(
                TextBlock.Text(Indent + new string(' ', leftWidth - lefts[i].Width)),
                lefts[i],
                TextBlock.Text($" {line.Relation} "),
                right);
            bool tall = row.Height > 1;
            if (tall && i > 0 && equation.Lines[i - 1] is var previous && !IsTall(previous, lefts[i - 1]))
            {
                console.WriteLine();
            }
            foreach (IReadOnlyList<TextSegment> segments in row.Lines)
            {
                console.MarkupLine(ToMarkup(segments).TrimEnd());
            }
            if (tall && i < equation.Lines.Count - 1)
            {
                console.WriteLine();
            }
        }
        console.WriteLine();
    }

    private static bool IsTall(EquationLine line, TextBlock left) =>
        Math.Max(left.Height, TextMathLayout.Layout(line.Right).Height) > 1;

    private static string ToMarkup(IReadOnlyList<TextSegment> segments) => string.Concat(segments.Select(s =>
        s.Style is null || string.IsNullOrWhiteSpace(s.Text) ? Spectre.Console.Markup.Escape(s.Text) : $"[{s.Style}]{Spectre.Console.Markup.Escape(s.Text)}[/]"));

    private static void Table(IAnsiConsole console, DocTable t)
    {
        var table = new Table { Border = TableBorder.Rounded };
        foreach (string h in t.Header)
        {
            table.AddColumn(new TableColumn(Spectre.Console.Markup.Escape(h)));
        }
        foreach (IReadOnlyList<DocCell> row in t.Rows)
        {
            table.AddRow([.. row.Select(c =>
            {
                string text = Spectre.Console.Markup.Escape(c.Text ?? (c.Math is null ? "" : TextMathLayout.Inline(c.Math)));
                return new Markup(c.Tone switch
                {
                    DocTone.Good => $"[green]{text}[/]",
                    DocTone.Bad => $"[red]{text}[/]",
                    _ => text,
                });
            })]);
        }
        console.WriteLine();
        console.Write(table);
    }

    /// <summary>Columns a string takes in a terminal: East Asian wide characters take two.</summary>
    public static int DisplayWidth(string text) => text.Sum(c => c >= 0x1100 && (c <= 0x115F || (c >= 0x2E80 && c <= 0xA4CF) || (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) || (c >= 0xFFE0 && c <= 0xFFE6)) ? 2 : 1);
}
