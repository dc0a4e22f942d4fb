using System.Text.RegularExpressions;
using Backprop.Explain;
using static Backprop.Tests.Explain.ExplainHarness;

namespace Backprop.Tests.Explain;

public partial class ExplainDiagramTests
{
    [Fact]
    public void The_html_page_draws_the_network_with_the_engines_values()
    {
        Result r = Run("--format", "html");
        Assert.True(r.Exit == 0, r.Error);
        // One picture per stage of the step-through: forward, loss, backward, update.
        Assert.Equal(4, Regex.Matches(r.Out, "<svg ").Count);
        Assert.Equal(4 * (3 + 2 + 3), Regex.Matches(r.Out, "class=\"node\"").Count);
        Assert.Equal(4 * (3 * 2 + 2 * 3), Regex.Matches(r.Out, "class=\"edge\"").Count);
        // Every edge's title is its weight and the engine's gradient; every unit shows the engine's z, a and δ.
        var numbers = new NumberText(4);
        for (int i = 0; i < 6; i++)
        {
            int to = i / 2, from = i % 2;
            string title = $"<title>W2[{to + 1},{from + 1}]: w = {numbers.Format(new[] { 0.7, 0.8, 0.9, 1.0, 1.1, 1.2 }[i])}, ∇w = {numbers.Format(Golden.DW2[i])}</title>";
            Assert.Contains(title, r.Out, StringComparison.Ordinal);
        }
        foreach (double v in Golden.A3.Concat(Golden.Delta2).Concat(Golden.Z3))
        {
            Assert.Contains(">", r.Out, StringComparison.Ordinal);
            Assert.Matches(" " + Regex.Escape(numbers.Format(v)) + "</text>", r.Out);
        }
        Assert.DoesNotContain("<svg", Run("--format", "markdown").Out, StringComparison.Ordinal);
        Assert.Contains("1/4 前向传播", Run("--format", "html", "--lang", "zh").Out, StringComparison.Ordinal);
        // A network too large to draw has no picture.
        Assert.DoesNotContain("<svg", Run("--format", "html", "--layers", "3,12,4", "--seed", "1", "--target", "2").Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_dot_writes_the_same_graph_for_Graphviz()
    {
        string weights = WeightsOf();
        Result r = Run("--format", "dot", "--weights", weights, "--layers", "3,2,3");
        File.Delete(weights);
        Assert.True(r.Exit == 0, r.Error);
        Assert.StartsWith("digraph step {", r.Out, StringComparison.Ordinal);
        Assert.Equal(12, Regex.Matches(r.Out, " -> ").Count);
        Assert.Contains("u2_2 -> u3_3 [label=\"w = 1.20\\n∇w = 0.3634\"", r.Out, StringComparison.Ordinal);
        Assert.Contains("u3_1 [label=\"z = 1.3333\\na = 0.2397\\nδ = -0.7603\"]", r.Out, StringComparison.Ordinal);
        Assert.Contains("color=\"#c62828\"", Run("--format", "dot", "--seed", "3").Out, StringComparison.Ordinal); // a negative weight is red
        Assert.Equal(2, Run("--format", "dot", "--steps", "2").Exit);
        Assert.Equal(2, Run("--format", "dot", "--layers", "3,12,4").Exit);
        if (File.Exists("/usr/bin/dot"))
        {
            string path = Path.Combine(Path.GetTempPath(), $"step-{Guid.NewGuid():N}.dot");
            File.WriteAllText(path, r.Out);
            try
            {
                using var dot = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/usr/bin/dot", ["-Tsvg", path]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
                string svg = dot.StandardOutput.ReadToEnd();
                string error = dot.StandardError.ReadToEnd();
                dot.WaitForExit();
                Assert.True(dot.ExitCode == 0, error);
                Assert.Contains("<svg", svg, StringComparison.Ordinal);
            }
            finally
            {
                File.Delete(path);
            }
        }
    }

    private static string WeightsOf()
    {
        string path = Path.Combine(Path.GetTempPath(), $"article-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, ArticleExample.WeightsJson);
        return path;
    }

    [Fact]
    public void The_library_gives_the_dot_graph_too()
    {
        Network<double> network = ArticleExample.CreateNetwork<double>();
        StepExplanation step = StepExplanation.Record(network, [1.0, 1.0, 1.0], [1.0, 0.0, 0.0], 1, new Sgd<double>(0.1));
        string dot = step.ToDot()!;
        Assert.Contains("∇w = " + new NumberText(4).Format(Golden.DW2[0]) + "\"", dot, StringComparison.Ordinal);
    }
}
