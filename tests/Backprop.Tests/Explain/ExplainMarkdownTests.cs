using System.Text.RegularExpressions;
using Backprop.Explain;
using Markdig;
using Markdig.Extensions.Mathematics;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using static Backprop.Tests.Explain.ExplainHarness;

namespace Backprop.Tests.Explain;

public partial class ExplainMarkdownTests
{
    public static TheoryData<string[]> Setups() => new()
    {
        Array.Empty<string>(),
        new[] { "--lang", "zh" },
        new[] { "--input", "1,1,1;0,1,0", "--target", "0;2", "--steps", "3", "--until-converged" },
        new[] { "--layers", "3,12,4", "--seed", "5", "--activation", "relu", "--target", "2" },
        new[] { "--layers", "2,3,2", "--seed", "2", "--activation", "tanh", "--loss", "mse", "--output-activation", "leaky-relu", "--input", "0.5,-1", "--target", "0.2,0.4" },
        new[] { "--layers", "2,3,3,1", "--seed", "4", "--activation", "identity,sigmoid", "--loss", "mse", "--input", "1,2", "--target", "0.5" },
    };

    [Theory]
    [MemberData(nameof(Setups))]
    public void Markdown_parses_and_every_formula_is_balanced_and_uses_only_KaTeX_commands(string[] args)
    {
        Result r = Run([.. args, "--format", "markdown"]);
        Assert.True(r.Exit == 0, r.Error);
        MarkdownPipeline pipeline = new MarkdownPipelineBuilder().UseMathematics().UsePipeTables().Build();
        MarkdownDocument document = Markdown.Parse(r.Out, pipeline);

        var formulas = new List<string>();
        formulas.AddRange(document.Descendants<MathBlock>().Select(b => b.Lines.ToString()));
        formulas.AddRange(document.Descendants<MathInline>().Select(i => i.Content.ToString()));
        Assert.True(document.Descendants<MathBlock>().Count() >= 10, "expected display math blocks");
        Assert.Equal(Regex.Matches(r.Out, @"^\$\$$", RegexOptions.Multiline).Count / 2, document.Descendants<MathBlock>().Count());

        foreach (string tex in formulas)
        {
            CheckFormula(tex);
        }
        // No TeX escaped into the prose: every command sits inside a formula.
        foreach (LiteralInline literal in document.Descendants<LiteralInline>())
        {
            Assert.DoesNotMatch(@"\\[a-zA-Z]+", literal.Content.ToString());
        }
    }

    [Theory]
    [MemberData(nameof(Setups))]
    public void Markdown_never_breaks_a_row_in_mid_line_as_GitHub_needs(string[] args)
    {
        // github/markup #1547: a \\ in the middle of a line can collapse a column vector. Display blocks end each
        // matrix row at the end of its line; inline formulas, on one line, end rows with \cr.
        string markdown = Run([.. args, "--format", "markdown", "--weight", "W1[1,1]"]).Out;
        MarkdownPipeline pipeline = new MarkdownPipelineBuilder().UseMathematics().UsePipeTables().Build();
        MarkdownDocument document = Markdown.Parse(markdown, pipeline);
        foreach (MathBlock block in document.Descendants<MathBlock>())
        {
            foreach (string line in block.Lines.ToString().Split('\n'))
            {
                int at = line.IndexOf(@"\\", StringComparison.Ordinal);
                Assert.True(at < 0 || at == line.TrimEnd().Length - 2, $"a row break in mid-line: {line}");
            }
        }
        // A column vector's rows each end their own line.
        Assert.Matches(@"\\begin\{bmatrix\} [^\n&]*\\\\\n", markdown);
        foreach (MathInline inline in document.Descendants<MathInline>())
        {
            Assert.DoesNotContain(@"\\", inline.Content.ToString(), StringComparison.Ordinal);
        }
    }

    internal static void CheckFormula(string tex)
    {
        int depth = 0;
        for (int i = 0; i < tex.Length; i++)
        {
            if (tex[i] == '\\')
            {
                i++; // an escaped character (\{, \\, \,) is not a brace
                continue;
            }
            depth += tex[i] == '{' ? 1 : tex[i] == '}' ? -1 : 0;
            Assert.True(depth >= 0, $"unbalanced '}}' in {tex}");
        }
        Assert.True(depth == 0, $"unbalanced braces in {tex}");

        foreach (Match m in Command().Matches(tex))
        {
            Assert.True(KatexCommands.Commands.Contains(m.Value), $"{m.Value} is not in the KaTeX list (in {tex})");
        }
        var environments = new Stack<string>();
        foreach (Match m in Environment().Matches(tex))
        {
            string name = m.Groups[2].Value;
            Assert.True(KatexCommands.Environments.Contains(name), $"environment {name} is not in the KaTeX list");
            if (m.Groups[1].Value == "begin")
            {
                environments.Push(name);
            }
            else
            {
                Assert.True(environments.Count > 0 && environments.Pop() == name, $"\\end{{{name}}} without its \\begin in {tex}");
            }
        }
        Assert.Empty(environments);
        Assert.Equal(Regex.Matches(tex, @"\\left(?![a-zA-Z])").Count, Regex.Matches(tex, @"\\right(?![a-zA-Z])").Count);
    }

    [GeneratedRegex(@"\\(?:[a-zA-Z]+|[^a-zA-Z])")]
    private static partial Regex Command();

    [GeneratedRegex(@"\\(begin|end)\{([^}]*)\}")]
    private static partial Regex Environment();
}
