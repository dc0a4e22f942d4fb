using Backprop.Explain;
using static Backprop.Tests.Explain.ExplainHarness;

namespace Backprop.Tests.Explain;

public class ExplainChainRuleTests
{
    [Fact]
    public void An_output_weight_is_written_as_its_two_factors_with_the_engines_numbers()
    {
        Result r = Run("--weight", "W2[1,1]");
        Assert.True(r.Exit == 0, r.Error);
        Assert.Contains("▸ The chain rule for W₁,₁⁽²⁾", r.Out, StringComparison.Ordinal);
        Assert.Contains("∂L/∂W₁,₁⁽²⁾ = ∂L/∂z₁⁽³⁾ · ∂z₁⁽³⁾/∂W₁,₁⁽²⁾", r.Out, StringComparison.Ordinal);
        string chain = r.Out[r.Out.IndexOf("▸ The chain rule", StringComparison.Ordinal)..];
        Assert.Contains("= δ₁⁽³⁾ · a₁⁽²⁾", chain, StringComparison.Ordinal);
        Assert.Contains("= (-0.76031735) × 0.66818777", chain, StringComparison.Ordinal);
        // The result is the engine's ∇W2[1,1], at the printed precision.
        Assert.Contains("= " + new NumberText(8).Format(Golden.DW2[0]), chain, StringComparison.Ordinal);
        Assert.Contains("output error found above", chain, StringComparison.Ordinal);
    }

    [Fact]
    public void A_first_layer_weight_goes_on_through_the_hidden_error()
    {
        string chain = Run("--weight", "W1[2,3]").Out;
        chain = chain[chain.IndexOf("▸ The chain rule for W₂,₃⁽¹⁾", StringComparison.Ordinal)..];
        Assert.Contains("= δ₂⁽²⁾ · a₃⁽¹⁾", chain, StringComparison.Ordinal);
        Assert.Contains("δ₂⁽²⁾ = ∂L/∂z₂⁽²⁾ = (Σₖ∂L/∂zₖ⁽³⁾ · ∂zₖ⁽³⁾/∂a₂⁽²⁾) · ∂a₂⁽²⁾/∂z₂⁽²⁾", chain, StringComparison.Ordinal);
        // Σ δ3_k W2[k,2], times σ′(z2)[2]: each factor's number, and δ2[2] as the engine computed it.
        Assert.Contains("((-0.76031735) × 0.80 + 0.32355107 × 1.00 + 0.43676628 × 1.20) × 0.13976379", chain, StringComparison.Ordinal);
        Assert.Contains("= " + new NumberText(8).Format(Golden.Delta2[1]), chain, StringComparison.Ordinal);
    }

    [Fact]
    public void The_chain_rule_is_in_every_format_and_language()
    {
        string markdown = Run("--weight", "W2[1,1]", "--format", "markdown").Out;
        Assert.Contains(@"\frac{\partial L }{\partial W_{1,1}^{(2)} }", markdown, StringComparison.Ordinal);
        string html = Run("--weight", "W2[1,1]", "--format", "html", "--lang", "zh").Out;
        Assert.Contains("的链式法则", html, StringComparison.Ordinal);
        Assert.Contains("<mfrac>", html, StringComparison.Ordinal);
        Assert.Contains("第一个因子", Run("--weight", "W2[1,1]", "--lang", "zh").Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_weight_the_network_does_not_have_is_a_usage_error()
    {
        Result r = Run("--weight", "W3[1,1]");
        Assert.Equal(2, r.Exit);
        Assert.Equal("error: --weight: 'W3[1,1]' is not a weight of this network (its weights are W1[1..2,1..3], W2[1..3,1..2])", r.Error.Trim());
        Assert.Equal(2, Run("--weight", "W2[4,1]").Exit);
        Assert.Equal(2, Run("--weight", "w2").Exit);
    }

    [Fact]
    public void The_output_error_and_the_hidden_error_are_derived()
    {
        string text = Run().Out;
        Assert.Contains("δᵢ⁽³⁾ = ∂L/∂zᵢ⁽³⁾ = Σₖ∂L/∂aₖ⁽³⁾ · ∂aₖ⁽³⁾/∂zᵢ⁽³⁾", text, StringComparison.Ordinal);
        Assert.Contains("= aᵢ⁽³⁾ − tᵢ", text, StringComparison.Ordinal);
        Assert.Contains("δ⁽²⁾ = ∂L/∂z⁽³⁾ · ∂z⁽³⁾/∂a⁽²⁾ · ∂a⁽²⁾/∂z⁽²⁾", text, StringComparison.Ordinal);
        Assert.Contains("∂z⁽³⁾/∂a⁽²⁾ = W⁽²⁾ᵀ", text, StringComparison.Ordinal);
        string weights = ClassicWeightsFile();
        try
        {
            string mse = Run(ClassicArgs(weights)).Out;
            Assert.Contains("δᵢ⁽³⁾ = ∂L/∂zᵢ⁽³⁾ = ∂L/∂aᵢ⁽³⁾ · ∂aᵢ⁽³⁾/∂zᵢ⁽³⁾", mse, StringComparison.Ordinal);
            Assert.Contains("δ = (a − t) ⊙ σ′(z)", mse, StringComparison.Ordinal);
            Assert.DoesNotContain("Why a − t", mse, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(weights);
        }
    }
}
