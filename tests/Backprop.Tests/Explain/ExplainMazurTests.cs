using Backprop.Explain;
using static Backprop.Tests.Explain.ExplainHarness;

namespace Backprop.Tests.Explain;

public class ExplainMazurTests
{
    private static Result Classic(params string[] extra)
    {
        string weights = ClassicWeightsFile();
        try
        {
            return Run([.. ClassicArgs(weights), .. extra]);
        }
        finally
        {
            File.Delete(weights);
        }
    }

    [Fact]
    public void The_2_2_2_network_labels_its_weights_as_Mazur_does()
    {
        Result r = Classic();
        Assert.True(r.Exit == 0, r.Error);
        Assert.Contains("w5 = W⁽²⁾[1,1]", r.Out, StringComparison.Ordinal);
        Assert.Contains("W⁽²⁾ = ⎡ w₅  w₆ ⎤", r.Out, StringComparison.Ordinal);
        Assert.Contains("⎣ w₇  w₈ ⎦", r.Out, StringComparison.Ordinal);
        // Mazur's published updates, each by its label.
        Assert.Contains("w₅ ← 0.40 − 0.50 × 0.08216704", r.Out, StringComparison.Ordinal);
        Assert.Contains("= 0.35891648", r.Out, StringComparison.Ordinal);
        Assert.Contains("w₁ ← 0.15 − 0.50 × 0.00043857", r.Out, StringComparison.Ordinal);
        // Another network has no such labels.
        Assert.DoesNotContain("w₅", Run().Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_weight_can_be_named_by_its_label_and_its_gradient_is_mazurs_three_factors()
    {
        string chain = Classic("--weight", "w5").Out;
        chain = chain[chain.IndexOf("▸ The chain rule for W₁,₁⁽²⁾ = w₅", StringComparison.Ordinal)..];
        // ∂E/∂out_o1 · ∂out_o1/∂net_o1 · ∂net_o1/∂w5 = 0.74136507 × 0.18681560 × 0.59326999 in Mazur's post.
        Assert.Contains("= 0.74136507 × 0.1868156", chain, StringComparison.Ordinal);
        Assert.Contains("= 0.13849856 × 0.59326999", chain, StringComparison.Ordinal);
        Assert.Contains("= 0.08216704", chain, StringComparison.Ordinal);
        Assert.Equal(2, Classic("--weight", "w9").Exit);
        Assert.Equal(2, Run("--weight", "w5").Exit); // the article's 3-2-3 network has no w5
    }

    [Fact]
    public void Freeze_biases_leaves_them_unchanged_and_the_weights_as_before()
    {
        string weights = ClassicWeightsFile();
        try
        {
            var frozen = MarkdownResults(Run([.. ClassicArgs(weights), "--freeze-biases", "--format", "markdown"]).Out);
            var free = MarkdownResults(Run([.. ClassicArgs(weights), "--format", "markdown"]).Out);
            Assert.Equal(["0.35", "0.35"], frozen[(@"\mathbf{b}^{(1)}", "←")]);
            Assert.Equal(["0.60", "0.60"], frozen[(@"\mathbf{b}^{(2)}", "←")]);
            Assert.NotEqual(free[(@"\mathbf{b}^{(2)}", "←")], frozen[(@"\mathbf{b}^{(2)}", "←")]);
            Assert.Equal(free[(@"\mathbf{W}^{(2)}", "←")], frozen[(@"\mathbf{W}^{(2)}", "←")]);
            Assert.Contains("The biases are frozen", Run([.. ClassicArgs(weights), "--freeze-biases"]).Out, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(weights);
        }
    }

    [Fact]
    public void Frozen_biases_stay_put_under_momentum_and_weight_decay_too()
    {
        Network<double> network = ArticleExample.CreateNetwork<double>();
        double[] before = network.Parameters.ToArray();
        var optimizer = new FrozenBiases(network, new Sgd<double>(0.1, momentum: 0.9, weightDecay: 0.01));
        for (int i = 0; i < 3; i++)
        {
            TrainingStep.Run(network, optimizer, [1.0, 1.0, 1.0], [1.0, 0.0, 0.0], 1);
        }
        Assert.Equal(before[6..8], network.DenseLayers[0].Bias.ToArray());
        Assert.Equal(before[^3..], network.DenseLayers[1].Bias.ToArray());
        Assert.NotEqual(before[..6], network.DenseLayers[0].Weights.ToArray());
    }
}
