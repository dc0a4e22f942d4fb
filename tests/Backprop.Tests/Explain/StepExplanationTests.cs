using Backprop.Explain;

namespace Backprop.Tests.Explain;

public class StepExplanationTests
{
    private static StepExplanation ArticleStep(out Network<double> network)
    {
        network = ArticleExample.CreateNetwork<double>();
        return StepExplanation.Record(network, [.. ArticleExample.Input], [.. ArticleExample.Target], 1, new Sgd<double>(ArticleExample.LearningRate));
    }

    [Fact]
    public void The_articles_step_is_recognised_and_names_its_quantities_in_order()
    {
        StepExplanation step = ArticleStep(out _);
        Assert.True(step.IsArticleExample);
        Assert.Equal(["z2", "a2", "z3", "a3", "loss", "delta3", "dW2", "db2", "delta2", "dW1", "db1", "W1'", "b1'", "W2'", "b2'"], step.QuantityNames);
    }

    [Fact]
    public void Another_sample_is_not_the_articles_example()
    {
        Network<double> network = ArticleExample.CreateNetwork<double>();
        StepExplanation step = StepExplanation.Record(network, [1, 0, 1], [.. ArticleExample.Target], 1, new Sgd<double>(0.1));
        Assert.False(step.IsArticleExample);
    }

    [Fact]
    public void The_public_page_renders_what_the_composer_lays_out()
    {
        Network<double> network = ArticleExample.CreateNetwork<double>();
        Explanation recorded = StepRecorder.Record(network, [.. ArticleExample.Input], [.. ArticleExample.Target], 1, new Sgd<double>(ArticleExample.LearningRate));
        var options = new ComposeOptions(4, new ParameterSource(ParameterSourceKind.Article), ArticleNotes: true);
        ExplainDocument document = ExplanationComposer.Compose(recorded, Prose.Load("zh"), options);

        ExplainPage page = ArticleStep(out _).Compose("zh", options);
        Assert.Equal(MarkdownRenderer.Render(document), page.ToMarkdown());
        Assert.Equal(HtmlRenderer.Render(document), page.ToHtml());
        var expected = new StringWriter();
        TextRenderer.Render(document, expected, colour: false);
        var text = new StringWriter();
        page.WriteText(text, colour: false);
        Assert.Equal(expected.ToString(), text.ToString());
    }

    [Fact]
    public void A_wrong_answer_is_found_and_a_right_one_agrees()
    {
        StepExplanation step = ArticleStep(out _);
        AnswerCheck wrong = step.Check("{\"loss\": 0.5}", "answers.json", "en", 4);
        Assert.False(wrong.AllAgree);
        Assert.Contains("loss", wrong.Page.ToMarkdown(), StringComparison.Ordinal);

        Network<double> network = ArticleExample.CreateNetwork<double>();
        double loss = StepRecorder.Record(network, [.. ArticleExample.Input], [.. ArticleExample.Target], 1, new Sgd<double>(0.1)).Find("loss")!.Value[0, 0];
        string exact = loss.ToString("F6", System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(step.Check($"{{\"loss\": {exact}}}", "answers.json", "en", 4).AllAgree);
    }

    [Fact]
    public void An_unknown_language_is_an_argument_error()
    {
        StepExplanation step = ArticleStep(out _);
        ArgumentException e = Assert.Throws<ArgumentException>(() => step.Compose("fr", new ComposeOptions(4, new ParameterSource(ParameterSourceKind.Article))));
        Assert.Contains("unknown language 'fr'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Further_steps_reject_a_quantity_the_step_does_not_have()
    {
        Network<double> network = ArticleExample.CreateNetwork<double>();
        Assert.Throws<ArgumentException>(() => FurtherSteps.Run(network, [.. ArticleExample.Input], [.. ArticleExample.Target], 1, new Sgd<double>(0.1), 2, ["z9"]));
    }
}
