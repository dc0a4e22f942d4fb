using Backprop.Explain;

namespace Backprop.Tests.Explain;

/// <summary>The engine's values of a recorded step by name, and the chain rule of one weight on its own page.</summary>
public class StepValuesTests
{
    [Fact]
    public void Values_are_the_engines_in_the_articles_shapes()
    {
        Network<double> network = ArticleExample.CreateNetwork<double>();
        var output = new double[3];
        network.Predict([.. ArticleExample.Input], 1, output);
        StepExplanation step = StepExplanation.Record(network, [1, 1, 1, 0, 1, 0], [1, 0, 0, 0, 1, 0], 2, new Sgd<double>(0.1));

        IReadOnlyList<IReadOnlyList<double>> a3 = step.Values("a3");
        Assert.Equal(3, a3.Count);
        Assert.All(a3, row => Assert.Equal(2, row.Count));
        Assert.Equal(output, a3.Select(row => row[0]));
        Assert.Equal(2, step.Values("dW2")[0].Count);
        Assert.Single(Assert.Single(step.Values("loss")));
        Assert.Equal(network.DenseLayers[1].Weights[1], step.Values("W2'")[0][1]);

        ArgumentException e = Assert.Throws<ArgumentException>(() => step.Values("a4"));
        Assert.Contains("'a4' is not a quantity of this step", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_chain_rule_page_is_the_section_that_Compose_adds_for_the_weight()
    {
        Network<double> network = ArticleExample.CreateNetwork<double>();
        StepExplanation step = StepExplanation.Record(network, [.. ArticleExample.Input], [.. ArticleExample.Target], 1, new Sgd<double>(0.1));
        string chain = step.ComposeChainRule("en", "W2[1,1]", 8).ToMarkdown();
        string full = step.Compose("en", new ComposeOptions(8, new ParameterSource(ParameterSourceKind.Article), Weight: "W2[1,1]")).ToMarkdown();
        string body = chain[(chain.IndexOf('\n') + 1)..].Trim();
        Assert.Contains(body, full, StringComparison.Ordinal);
        Assert.StartsWith("# The chain rule for", chain, StringComparison.Ordinal);
        Assert.Contains(Math.Abs(step.Values("dW2")[0][0]).ToString("F8", System.Globalization.CultureInfo.InvariantCulture), chain, StringComparison.Ordinal);

        Assert.Throws<ArgumentException>(() => step.ComposeChainRule("en", "W3[1,1]", 8));
    }
}
