using Backprop.Explain;
using static Backprop.Tests.Explain.ExplainHarness;

namespace Backprop.Tests.Explain;

public class ExplainOptionsTests
{
    [Fact]
    public void A_batch_shows_the_mean_gradient_of_its_samples()
    {
        Result r = Run("--input", "1,1,1;0,1,0", "--target", "0;2", "--format", "markdown");
        Assert.True(r.Exit == 0, r.Error);
        Assert.Contains("1/2", r.Out, StringComparison.Ordinal);

        // The engine's batch gradient is the mean of the two single-sample gradients.
        double[] Gradient(double[] x, double[] t)
        {
            Network<double> n = ArticleExample.CreateNetwork<double>();
            n.Forward(x, t, 1);
            n.Backward();
            return n.Gradients.ToArray();
        }
        double[] g1 = Gradient([1, 1, 1], [1, 0, 0]);
        double[] g2 = Gradient([0, 1, 0], [0, 0, 1]);
        Network<double> network = ArticleExample.CreateNetwork<double>();
        Explanation e = StepRecorder.Record(network, [1, 1, 1, 0, 1, 0], [1, 0, 0, 0, 0, 1], 2, new Sgd<double>(0.1));
        Matrix dW2 = e.Find("dW2")!.Value;
        Matrix z2 = e.Find("z2")!.Value;
        Assert.Equal(2, z2.Columns); // one column per sample
        for (int i = 0; i < dW2.Count; i++)
        {
            int at = network.DenseLayers[1].WeightOffset + i;
            Assert.Equal((g1[at] + g2[at]) / 2, dW2.Values[i], 14);
        }
        var results = MarkdownResults(r.Out);
        AssertValues(results, @"\nabla \mathbf{W}^{(2)}", "=", [.. dW2.Values]);
    }

    [Fact]
    public void Large_layers_are_summarised()
    {
        Result r = Run("--layers", "3,12,3", "--seed", "1");
        Assert.True(r.Exit == 0, r.Error);
        Assert.Contains("too many to print in full", r.Out, StringComparison.Ordinal);
        Assert.Contains("⋮", r.Out, StringComparison.Ordinal);
        // Formulas (indented lines) stay narrow: no row of twelve numbers or products.
        Assert.True(r.Out.Split('\n').Where(l => l.StartsWith("  ", StringComparison.Ordinal)).Max(l => l.Length) < 120, "a summarised layer still prints very long formulas");
    }

    [Fact]
    public void Steps_print_the_loss_of_each_further_real_step()
    {
        Result r = Run("--steps", "3");
        Assert.True(r.Exit == 0, r.Error);
        Network<double> network = ArticleExample.CreateNetwork<double>();
        var sgd = new Sgd<double>(0.1);
        StepRecorder.Record(network, [1, 1, 1], [1, 0, 0], 1, sgd);
        IReadOnlyList<double> losses = FurtherSteps.Run(network, [1, 1, 1], [1, 0, 0], 1, sgd, 3, []).Losses;
        var numbers = new NumberText(8);
        for (int i = 0; i < 3; i++)
        {
            Assert.Contains($" {i + 2} ", r.Out.Split('\n').Single(l => l.Contains(numbers.Format(losses[i]), StringComparison.Ordinal)), StringComparison.Ordinal);
        }
        Assert.True(losses[2] < losses[0]);
    }

    [Fact]
    public void Steps_can_track_quantities()
    {
        Result r = Run("--steps", "2", "--track", "a3,W2'", "--format", "markdown");
        Assert.True(r.Exit == 0, r.Error);
        string row = r.Out.Split('\n').Single(l => l.StartsWith("| 2 |", StringComparison.Ordinal));
        Assert.Contains(@"\begin{bmatrix}", row, StringComparison.Ordinal);
        Assert.Equal(2, Run("--steps", "2", "--track", "z9").Exit);
        Assert.Equal(2, Run("--track", "a3").Exit);
    }

    [Fact]
    public void Until_converged_agrees_with_train()
    {
        Result r = Run("--until-converged");
        Assert.True(r.Exit == 0, r.Error);
        Assert.Contains("at epoch 278, after 277 updates, with loss 0.00996959", r.Out, StringComparison.Ordinal);
        Assert.Contains("1.86654091", r.Out, StringComparison.Ordinal); // final W2[1,1] of seed-golden.md
    }

    [Theory]
    [InlineData("sigmoid", "mse", "sigmoid")]
    [InlineData("tanh", "mse", "identity")]
    [InlineData("relu", "cross-entropy", null)]
    [InlineData("leaky-relu", "mse", "tanh")]
    [InlineData("identity", "mse", "relu")]
    public void Every_activation_and_loss_is_explained_in_every_format(string activation, string loss, string? output)
    {
        foreach (string format in new[] { "text", "markdown", "html" })
        {
            string[] args = ["--layers", "2,3,2", "--seed", "9", "--activation", activation, "--loss", loss, "--input", "0.5,-1.5", "--target", loss == "mse" ? "0.3,-0.2" : "1", "--format", format];
            Result r = Run(output is null ? args : [.. args, "--output-activation", output]);
            Assert.True(r.Exit == 0, $"{activation}/{loss}/{format}: {r.Error}");
            Assert.Equal("", r.Error);
        }
    }

    [Theory]
    [InlineData(0.7, 8, "0.70")]
    [InlineData(0.66818777216816616, 8, "0.66818777")]
    [InlineData(-0.0, 8, "0.00")]
    [InlineData(-1e-12, 8, "-1.0000000E-12")]
    [InlineData(2.5e-13, 4, "2.500E-13")]
    [InlineData(0.24, 0, "0")]
    [InlineData(1.5, 1, "1.5")]
    public void Numbers_print_trimmed_to_two_decimals_and_small_ones_in_scientific_notation(double value, int digits, string text)
    {
        Assert.Equal(text, new NumberText(digits).Format(value));
    }

    [Theory]
    [InlineData(new[] { "--lang", "fr" }, "--lang: unknown language 'fr' (expected en or zh)")]
    [InlineData(new[] { "--format", "pdf" }, "--format: unknown format 'pdf' (expected text, markdown, html, dot)")]
    [InlineData(new[] { "--input", "1,1,1;1,0", "--target", "0;1" }, "sample 2: --input has 2 values")]
    [InlineData(new[] { "--input", "1,1,1;1,0,1", "--target", "0" }, "--input has 2 samples (separated by ';') but --target has 1")]
    [InlineData(new[] { "--steps", "-1" }, "--steps must be zero or more")]
    [InlineData(new[] { "--digits", "40" }, "--digits must be between 0 and 17")]
    public void Bad_options_get_one_clear_line_and_exit_code_2(string[] args, string message)
    {
        Result r = Run(args);
        Assert.Equal(2, r.Exit);
        Assert.Equal("", r.Out);
        string line = Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(message, line, StringComparison.Ordinal);
    }
}
