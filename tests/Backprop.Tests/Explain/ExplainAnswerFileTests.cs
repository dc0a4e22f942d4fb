using System.Text.Json;
using Backprop.Explain;

namespace Backprop.Tests.Explain;

/// <summary>
/// The checker's verdicts on prepared answer files (Explain/Answers/*.json) for the article's step: right answers,
/// errors inherited from an earlier slip, new errors with their hints, and matrices written transposed.
/// </summary>
public class ExplainAnswerFileTests
{
    private static StepExplanation ArticleStep() =>
        StepExplanation.Record(ArticleExample.CreateNetwork<double>(), [1.0, 1.0, 1.0], [1.0, 0.0, 0.0], 1, new Sgd<double>(0.1));

    private static string FileOf(string name) => Path.Combine(AppContext.BaseDirectory, "Explain", "Answers", name);

    private static AnswerCheck CheckFile(string name, string language = "en") =>
        ArticleStep().Check(File.ReadAllText(FileOf(name)), name, language, 8);

    private static string Text(AnswerCheck check)
    {
        using var writer = new StringWriter();
        check.Page.WriteText(writer, colour: false);
        return writer.ToString();
    }

    // Each quantity's verdict: "right", "new" or "inherited".
    private static Dictionary<string, string> ByQuantity(AnswerCheck check) => check.Verdicts
        .GroupBy(v => v.Name)
        .ToDictionary(g => g.Key, g => g.All(v => v.Agrees) ? "right" : g.First().Inherited ? "inherited" : "new");

    [Fact]
    public void Right_answers_all_agree()
    {
        AnswerCheck check = CheckFile("correct.json");
        Assert.True(check.AllAgree, Text(check));
        Assert.Equal(37, check.Verdicts.Count);
        Assert.All(ByQuantity(check).Values, v => Assert.Equal("right", v));
    }

    [Fact]
    public void Answers_computed_from_an_earlier_slip_are_inherited()
    {
        AnswerCheck check = CheckFile("inherited.json");
        Assert.False(check.AllAgree);
        Assert.Equal(new Dictionary<string, string>
        {
            ["a2"] = "new", ["z3"] = "inherited", ["a3"] = "inherited", ["loss"] = "inherited", ["delta3"] = "inherited", ["dW2"] = "inherited",
        }, ByQuantity(check));
        // Only the entry that was miscopied is wrong in a2; the verdicts name it.
        Assert.Equal(["a2[2,1]"], check.Verdicts.Where(v => v.Name == "a2" && !v.Agrees).Select(v => $"{v.Name}[{v.Row},{v.Column}]"));
        Assert.Contains("The first new error is a⁽²⁾ (a2).", Text(check), StringComparison.Ordinal);
    }

    [Fact]
    public void New_errors_get_the_hint_for_their_slip()
    {
        AnswerCheck check = CheckFile("new-errors.json");
        Assert.Equal(new Dictionary<string, string>
        {
            ["z2"] = "right", ["a2"] = "right", ["loss"] = "new", ["delta2"] = "new", ["W2'"] = "new",
        }, ByQuantity(check));
        string text = Text(check);
        Assert.Contains("Hint for L: the sign is flipped.", text, StringComparison.Ordinal);
        Assert.Contains("Hint for δ⁽²⁾: this is what the slope gives when taken of the wrong variable", text, StringComparison.Ordinal);
        Assert.Contains("Hint for W⁽²⁾′: this is the old value minus the gradient", text, StringComparison.Ordinal);
        Assert.Contains("提示（L）：符号反了。", Text(CheckFile("new-errors.json", "zh")), StringComparison.Ordinal);
    }

    [Fact]
    public void Matrices_written_transposed_are_checked_as_their_transpose_with_the_hint()
    {
        AnswerCheck check = CheckFile("transposed.json");
        Assert.True(check.AllAgree, Text(check));
        Assert.Contains("Hint for ∇W⁽²⁾: it is written transposed (2×3) and was checked as its transpose", Text(check), StringComparison.Ordinal);
        // Read back in the step's shape: the entry in row 3, column 2 is the learner's [2][3].
        Assert.Equal("0.3634", check.Verdicts.Single(v => v.Name == "dW2" && v.Row == 3 && v.Column == 2).Given);
    }

    [Theory]
    [InlineData("correct.json")]
    [InlineData("inherited.json")]
    [InlineData("new-errors.json")]
    public void Answers_given_as_a_dictionary_get_the_same_verdicts_as_the_file(string name)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(FileOf(name)));
        var answers = new Dictionary<string, IReadOnlyList<string>>();
        foreach (JsonProperty p in document.RootElement.EnumerateObject())
        {
            answers[p.Name] = p.Value.ValueKind == JsonValueKind.Number ? [p.Value.GetRawText()]
                : [.. p.Value.EnumerateArray().SelectMany(e => e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().Select(x => x.GetRawText()) : [e.GetRawText()])];
        }
        AnswerCheck fromFile = CheckFile(name);
        AnswerCheck fromForm = ArticleStep().Check(answers, "form", "en", 8);
        Assert.Equal(fromFile.AllAgree, fromForm.AllAgree);
        Assert.Equal(fromFile.Verdicts, fromForm.Verdicts);
    }

    [Theory]
    [InlineData("z9", "1", "unknown quantity \"z9\"")]
    [InlineData("z3", "1.3", "z3 has 1 entries but the step gives 3 (3×1)")]
    [InlineData("loss", "abc", "loss[1] is \"abc\", not a number")]
    public void Bad_dictionary_answers_are_named(string name, string value, string message)
    {
        var e = Assert.Throws<InvalidDataException>(() => ArticleStep().Check(new Dictionary<string, IReadOnlyList<string>> { [name] = [value] }, "form", "en", 4));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("3,2,3", "softmax", "cross-entropy", 1)]
    [InlineData("2,2,2", "sigmoid", "mse", 2)]
    [InlineData("3,4,2", "tanh", "mse", 3)]
    public void Recomputed_from_the_engines_own_values_every_quantity_is_the_engines(string layers, string output, string loss, int batch)
    {
        // The tutor's formulas are the engine's: fed the step's exact values, each gives back the recorded value.
        int[] sizes = [.. layers.Split(',').Select(int.Parse)];
        Activation f = output == "softmax" ? Activation.Softmax : output == "sigmoid" ? Activation.Sigmoid : Activation.Tanh;
        var network = new Network<double>(sizes, [Activation.Sigmoid, f], loss == "mse" ? Loss.MeanSquaredError : Loss.CrossEntropy);
        network.Reseed(7);
        var random = new Random(3);
        double[] x = [.. Enumerable.Range(0, batch * sizes[0]).Select(_ => random.NextDouble())];
        double[] t = new double[batch * sizes[^1]];
        for (int r = 0; r < batch; r++)
        {
            t[r * sizes[^1] + r % sizes[^1]] = 1;
        }
        Explanation e = StepRecorder.Record(network, x, t, batch, new Sgd<double>(0.5));
        var none = new Dictionary<string, Matrix>();
        foreach (NamedQuantity q in e.Quantities)
        {
            Matrix again = AnswerTutor.Consistent(e, q.Name, none)!;
            double tolerance = q.Name == "loss" ? 1e-12 : 1e-15;
            for (int i = 0; i < q.Value.Count; i++)
            {
                Assert.True(Math.Abs(again.Values[i] - q.Value.Values[i]) <= tolerance * Math.Max(1, Math.Abs(q.Value.Values[i])),
                    $"{q.Name}[{i}]: recomputed {again.Values[i]:R}, engine {q.Value.Values[i]:R}");
            }
        }
    }
}
