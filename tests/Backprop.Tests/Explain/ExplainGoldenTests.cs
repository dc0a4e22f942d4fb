using System.Globalization;
using Backprop.Explain;
using static Backprop.Tests.Explain.ExplainHarness;

namespace Backprop.Tests.Explain;

public class ExplainGoldenTests
{
    [Fact]
    public void Recorder_copies_the_engines_values_for_the_article_step()
    {
        Network<double> network = ArticleExample.CreateNetwork<double>();
        Explanation e = StepRecorder.Record(network, [1, 1, 1], [1, 0, 0], 1, new Sgd<double>(0.1));
        foreach ((string name, double[] golden, int columns) in Golden.Quantities)
        {
            NamedQuantity q = e.Find(name) ?? throw new Xunit.Sdk.XunitException($"{name} was not recorded");
            Assert.Equal(golden.Length, q.Value.Count);
            Assert.Equal(columns, q.Value.Columns);
            // The golden loss comes from the article's program, which adds 1e-12 inside the logarithm; ours is exact.
            double tolerance = name == "loss" ? 1e-11 : 1e-12;
            for (int i = 0; i < golden.Length; i++)
            {
                Assert.True(Math.Abs(q.Value.Values[i] - golden[i]) <= tolerance, $"{name}[{i}] = {q.Value.Values[i]:R}, golden {golden[i]:R}");
            }
        }
        Assert.Equal(-Math.Log(e.Find("a3")!.Value[0, 0]), e.Find("loss")!.Value[0, 0], 15);
        // The recorder ran the optimizer: the network now holds the updated parameters.
        Assert.Equal(0.75080347569683192, network.DenseLayers[1].Weights[0], 12);
    }

    [Fact]
    public void Default_markdown_prints_every_golden_value_at_its_printed_precision()
    {
        Result r = Run("--format", "markdown");
        Assert.Equal(0, r.Exit);
        var results = MarkdownResults(r.Out);
        AssertValues(results, @"\mathbf{z}^{(2)}", "=", Golden.Z2);
        AssertValues(results, @"\mathbf{a}^{(2)}", "=", Golden.A2);
        AssertValues(results, @"\mathbf{z}^{(3)}", "=", Golden.Z3);
        AssertValues(results, @"\mathbf{a}^{(3)}", "=", Golden.A3);
        AssertValues(results, "L", "=", [Golden.ProgramLoss]);
        AssertValues(results, @"\boldsymbol{\delta}^{(3)}", "=", Golden.Delta3);
        AssertValues(results, @"\nabla \mathbf{W}^{(2)}", "=", Golden.DW2);
        AssertValues(results, @"\nabla \mathbf{b}^{(2)}", "=", Golden.Delta3);
        AssertValues(results, @"\boldsymbol{\delta}^{(2)}", "=", Golden.Delta2);
        AssertValues(results, @"\nabla \mathbf{W}^{(1)}", "=", Golden.DW1);
        AssertValues(results, @"\nabla \mathbf{b}^{(1)}", "=", Golden.Delta2);
        AssertValues(results, @"\mathbf{W}^{(1)}", "←", Golden.W1AfterOne);
        AssertValues(results, @"\mathbf{b}^{(1)}", "←", Golden.B1AfterOne);
        AssertValues(results, @"\mathbf{W}^{(2)}", "←", Golden.W2AfterOne);
        AssertValues(results, @"\mathbf{b}^{(2)}", "←", Golden.B2AfterOne);
    }

    [Fact]
    public void Default_text_output_holds_every_golden_value_with_eight_decimals()
    {
        Result r = Run();
        Assert.Equal(0, r.Exit);
        Assert.Equal("", r.Error);
        Assert.DoesNotContain("\u001b[", r.Out, StringComparison.Ordinal); // redirected: no colour codes
        var numbers = new NumberText(8);
        foreach ((string name, double[] golden, _) in Golden.Quantities)
        {
            foreach (string expected in numbers.FormatAligned(golden))
            {
                Assert.True(r.Out.Contains(expected, StringComparison.Ordinal), $"{name}: {expected} is not in the text output");
            }
        }
        // The element-by-element expansion, as the article writes it, and the box brackets.
        Assert.Contains("0.70 × 0.66818777 + 0.80 × 0.83201839 + 0.20", r.Out, StringComparison.Ordinal);
        Assert.Contains("⎡", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_output_points_out_the_articles_slips()
    {
        string text = Run().Out;
        Assert.Contains("1.93240000", text, StringComparison.Ordinal);
        Assert.Contains("1.434", text, StringComparison.Ordinal);
        Assert.Contains("0.0334 for δ⁽²⁾[2]", text, StringComparison.Ordinal);
        Assert.Contains("0.0335", text, StringComparison.Ordinal);
        Assert.Contains("10^(−12)", text, StringComparison.Ordinal);
        // The softmax exponentials and their sum, as the article rounds them, and σ′(z2)[1].
        Assert.Contains("it prints 3.793 for e^z⁽³⁾[1]; exact arithmetic gives 3.79371651, which is 3.794", text, StringComparison.Ordinal);
        Assert.Contains("it prints 5.120 for e^z⁽³⁾[2]; exact arithmetic gives 5.1211928, which is 5.121", text, StringComparison.Ordinal);
        Assert.Contains("it prints 6.909 for e^z⁽³⁾[3]; exact arithmetic gives 6.91317224, which is 6.913", text, StringComparison.Ordinal);
        Assert.Contains("it prints 15.822 for Σⱼe^zⱼ⁽³⁾; exact arithmetic gives 15.82808155, which is 15.828", text, StringComparison.Ordinal);
        Assert.Contains("it prints 0.2218 for σ′(z⁽²⁾)[1]; exact arithmetic gives 0.22171287, which is 0.2217", text, StringComparison.Ordinal);
        // The summary's general formulas, and the article's index mix-up in them.
        Assert.Contains("∇W⁽ˡ⁾ = δ⁽ˡ⁺¹⁾ a⁽ˡ⁾ᵀ", text, StringComparison.Ordinal);
        Assert.Contains("it writes ∇W⁽ˡ⁾ = δ⁽ˡ⁾ a⁽ˡ⁻¹⁾ᵀ", text, StringComparison.Ordinal);
        // Another network: the article's printed values mean nothing there.
        Assert.DoesNotContain("1.93240000", Run("--seed", "3").Out, StringComparison.Ordinal);
        Assert.DoesNotContain("3.793", Run("--seed", "3").Out, StringComparison.Ordinal);
        Assert.DoesNotContain("δ⁽ˡ⁾ a⁽ˡ⁻¹⁾ᵀ", Run("--seed", "3").Out, StringComparison.Ordinal);
        Assert.DoesNotContain("1.93240000", Run("--article-notes", "false").Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Sections_are_numbered_as_in_the_article()
    {
        string en = Run("--until-converged").Out;
        string zh = Run("--until-converged", "--lang", "zh").Out;
        string[] english = ["1. The network and the sample", "2. Forward pass", "3. Loss", "4. Backward pass", "5. Update", "6. Training iterations", "7. Summary"];
        string[] chinese = ["一、网络结构与样本", "二、前向传播", "三、损失函数", "四、反向传播", "五、参数更新", "六、训练迭代", "七、总结与要点"];
        foreach ((string text, string[] headings) in new[] { (en, english), (zh, chinese) })
        {
            int at = 0;
            foreach (string heading in headings)
            {
                int next = text.IndexOf(heading, at, StringComparison.Ordinal);
                Assert.True(next >= at, $"'{heading}' is missing or out of order");
                at = next;
            }
        }
    }

    [Fact]
    public void Classic_2_2_2_example_reproduces_its_published_figures()
    {
        string weights = ClassicWeightsFile();
        try
        {
            Result r = Run([.. ClassicArgs(weights), "--format", "markdown"]);
            Assert.True(r.Exit == 0, r.Error);
            var results = MarkdownResults(r.Out);
            AssertValues(results, @"\mathbf{a}^{(2)}", "=", [0.593269992, 0.596884378], 9);
            AssertValues(results, @"\mathbf{a}^{(3)}", "=", [0.75136507, 0.772928465], 9);
            AssertValues(results, "L", "=", [0.298371109], 9);
            // w5, w6 / w7, w8 and w1, w2 / w3, w4 after one update.
            AssertValues(results, @"\mathbf{W}^{(2)}", "←", [0.35891648, 0.408666186, 0.511301270, 0.561370121], 9);
            AssertValues(results, @"\mathbf{W}^{(1)}", "←", [0.149780716, 0.19956143, 0.24975114, 0.29950229], 9);
        }
        finally
        {
            File.Delete(weights);
        }
    }

    [Fact]
    public void Digits_option_changes_printing_only()
    {
        var results = MarkdownResults(Run("--format", "markdown", "--digits", "12").Out);
        Assert.Equal(["1.333346148625", "1.633387380085", "1.933428611546"], results[(@"\mathbf{z}^{(3)}", "=")]);
        AssertValues(results, "L", "=", [Golden.ProgramLoss]);
        // Exact −ln(a): 1.42843952687034; the article's program, with its 1e-12, prints 1.42843952686617.
        Assert.Equal("1.42843952687", results[("L", "=")][0]);
        Assert.Equal(1.4284395268703431, double.Parse(MarkdownResults(Run("--format", "markdown", "--digits", "16").Out)[("L", "=")][0], CultureInfo.InvariantCulture), 15);
    }
}
