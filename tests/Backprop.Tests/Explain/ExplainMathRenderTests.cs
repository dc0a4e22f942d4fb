using System.Diagnostics;
using Backprop.Tests.Support;
using static Backprop.Tests.Explain.ExplainHarness;

namespace Backprop.Tests.Explain;

/// <summary>
/// Every formula of the Markdown rendering, in both languages and for every kind of explanation, rendered by KaTeX and
/// by MathJax (tests/js/render-math.cjs, on the npm packages pinned by tests/js/package-lock.json).
/// </summary>
public class ExplainMathRenderTests
{
    private static (int Exit, string Output) Render(IEnumerable<string> files)
    {
        var start = new ProcessStartInfo(MathRenderersFactAttribute.Node!, [Path.Combine(MathRenderersFactAttribute.Folder, "render-math.cjs"), .. files])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process node = Process.Start(start)!;
        Task<string> error = node.StandardError.ReadToEndAsync();
        string output = node.StandardOutput.ReadToEnd();
        Assert.True(node.WaitForExit(120_000), "render-math.cjs did not finish in two minutes");
        return (node.ExitCode, output + error.Result);
    }

    [MathRenderersFact]
    public void KaTeX_and_MathJax_render_every_formula_of_the_Markdown()
    {
        string weights = ClassicWeightsFile();
        string answers = Path.Combine(AppContext.BaseDirectory, "Explain", "Answers", "inherited.json");
        string folder = Directory.CreateTempSubdirectory("explain-math-").FullName;
        try
        {
            string[][] cases =
            [
                [],
                ["--steps", "2", "--track", "a3,W2'"],
                ["--weight", "W1[2,3]"],
                ["--input", "1,1,1;0,1,0", "--target", "0;2"],
                [.. ClassicArgs(weights), "--weight", "w5", "--freeze-biases"],
                ["--layers", "3,12,4", "--seed", "1", "--target", "2"],
                ["--check", answers],
            ];
            var files = new List<string>();
            int rows = 0;
            foreach (string language in new[] { "en", "zh" })
            {
                for (int i = 0; i < cases.Length; i++)
                {
                    Result r = Run([.. cases[i], "--format", "markdown", "--lang", language]);
                    Assert.True(r.Exit == 0 || cases[i].Contains("--check"), r.Error);
                    string file = Path.Combine(folder, $"{language}-{i}.md");
                    File.WriteAllText(file, r.Out);
                    files.Add(file);
                    rows += r.Out.Split(@"\cr").Length - 1;
                }
            }
            Assert.True(rows > 0, "no inline matrix with \\cr rows was rendered");
            (int exit, string output) = Render(files);
            Assert.True(exit == 0, output);
            string last = output.Trim().Split('\n')[^1];
            Assert.EndsWith("formulas: 0 KaTeX, 0 MathJax failures", last, StringComparison.Ordinal);
            Assert.True(int.Parse(last.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) > 500, last);
        }
        finally
        {
            File.Delete(weights);
            Directory.Delete(folder, recursive: true);
        }
    }

    [MathRenderersFact]
    public void A_formula_either_renderer_cannot_parse_fails_the_check()
    {
        string file = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.md");
        File.WriteAllText(file, "A line with $\\mathbf{a}^{(1)}$ and $\\frac{1}$.\n\n$$\n\\undefinedcommand{x}\n$$\n");
        try
        {
            (int exit, string output) = Render([file]);
            Assert.Equal(1, exit);
            Assert.Contains("3 formulas: 2 KaTeX, 2 MathJax failures", output, StringComparison.Ordinal);
            Assert.Contains("\\\\undefinedcommand", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
