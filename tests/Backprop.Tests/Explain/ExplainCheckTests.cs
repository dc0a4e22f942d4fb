using System.Globalization;
using System.Text;
using Backprop.Explain;
using static Backprop.Tests.Explain.ExplainHarness;

namespace Backprop.Tests.Explain;

public class ExplainCheckTests
{
    // An answers file with every quantity written to eight decimals; slips replace single entries with the text given.
    private static string Answers(params (string Name, int Index, string Text)[] slips)
    {
        var sb = new StringBuilder("{\n");
        for (int q = 0; q < Golden.Quantities.Count; q++)
        {
            (string name, double[] values, int columns) = Golden.Quantities[q];
            string Entry(int i) => slips.FirstOrDefault(s => s.Name == name && s.Index == i).Text ?? values[i].ToString("F8", CultureInfo.InvariantCulture);
            sb.Append(CultureInfo.InvariantCulture, $"  \"{name}\": ");
            if (name == "loss")
            {
                sb.Append(Entry(0));
            }
            else if (columns == 1)
            {
                sb.Append('[').Append(string.Join(", ", Enumerable.Range(0, values.Length).Select(Entry))).Append(']');
            }
            else
            {
                sb.Append('[').Append(string.Join(", ", Enumerable.Range(0, values.Length / columns)
                    .Select(r => "[" + string.Join(", ", Enumerable.Range(r * columns, columns).Select(Entry)) + "]"))).Append(']');
            }
            sb.Append(q < Golden.Quantities.Count - 1 ? ",\n" : "\n");
        }
        return sb.Append("}\n").ToString();
    }

    private static Result Check(string json, params string[] more)
    {
        string path = Path.Combine(Path.GetTempPath(), $"answers-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        try
        {
            return Run(["--check", path, .. more]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    // The names in the "differs" rows of the text table.
    private static string[] Differing(string output) => [.. output.Split('\n')
        .Where(l => l.Contains("differs", StringComparison.Ordinal))
        .Select(l => l.Split('│', StringSplitOptions.TrimEntries)[2])];

    [Fact]
    public void Correct_answers_all_agree()
    {
        Result r = Check(Answers());
        Assert.True(r.Exit == 0, r.Out + r.Error);
        Assert.Contains("All 15 quantities agree.", r.Out, StringComparison.Ordinal);
        Assert.Empty(Differing(r.Out));
    }

    [Fact]
    public void The_articles_three_slips_are_reported_and_nothing_else()
    {
        Result r = Check(Answers(("z3", 2, "1.93240000"), ("loss", 0, "1.434"), ("delta2", 1, "0.0334")));
        Assert.Equal(1, r.Exit);
        Assert.Equal(["z3[3]", "loss", "delta2[2]"], Differing(r.Out));
        Assert.Contains("1.93342861", r.Out, StringComparison.Ordinal);
        // Each slip is independent of the others: all three are new errors, none inherited.
        Assert.Contains("3 of 15 quantities differ: 3 new errors, and 0 inherited from earlier ones. The first new error is z⁽³⁾ (z3).", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void The_article_rounded_values_agree_at_the_digits_written()
    {
        Result r = Check("""{"a3": [0.2397, 0.3236, 0.4368], "delta2": [0.0531, 0.0335], "dW2": [[-0.508, -0.633], [0.216, 0.269], [0.292, 0.363]]}""");
        Assert.True(r.Exit == 0, r.Out);
        // The article's 0.4367 for a3[3] (exact 0.43676628) and 0.364 for dW2[3,2] (exact 0.36339757) are not roundings.
        Result wrong = Check("""{"a3": [0.2397, 0.3236, 0.4367], "dW2": [[-0.508, -0.633], [0.216, 0.269], [0.292, 0.364]]}""");
        Assert.Equal(["a3[3]", "dW2[3,2]"], Differing(wrong.Out));
    }

    [Theory]
    [InlineData("{\"z9\": [1, 2]}", "unknown quantity \"z9\"")]
    [InlineData("{\"z2\": [0.7, 1.6}", "not valid JSON")]
    [InlineData("{\"z3\": [1.33, 1.63]}", "z3 is a list of 2 but the step gives a list of 3 numbers (3×1)")]
    [InlineData("{\"dW2\": [[1, 2], [1, 2]]}", "dW2 is 2 rows of 2 but the step gives 3 rows of 2 numbers (3×2)")]
    [InlineData("{\"loss\": [1.4]}", "loss is a list of 1 but the step gives a number")]
    [InlineData("{\"z2\": [0.7, \"1.6\"]}", "z2[2] is \"1.6\", not a number")]
    [InlineData("[1, 2]", "expected a JSON object")]
    [InlineData("{}", "no answers to check")]
    public void Bad_answer_files_get_one_clear_line_and_a_failure_exit(string json, string message)
    {
        Result r = Check(json);
        Assert.Equal(1, r.Exit);
        Assert.Equal("", r.Out);
        string line = Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(message, line, StringComparison.Ordinal);
        Assert.Contains("answers-", line, StringComparison.Ordinal);
    }

    // A learner's file with four independent mistakes and their consequences: a2[2] miscopied (z3, a3, δ3 and ∇W2
    // computed from it correctly), the loss's sign, ∇W2 written transposed, δ2 with σ′ taken of a, W2′ without η.
    private const string Worked = """
        {"z2": [0.7, 1.6], "a2": [0.6682, 0.833], "z3": [1.3341, 1.6344, 1.9346], "a3": [0.2396, 0.3235, 0.4368],
         "delta3": [-0.7604, 0.3235, 0.4368], "dW2": [[-0.5081, 0.2162, 0.2919], [-0.6334, 0.2695, 0.3639]],
         "delta2": [0.0536, 0.0506], "W2'": [[1.208, 1.4326], [0.6838, 0.7308], [0.8082, 0.8366]], "loss": -1.4284}
        """;

    [Fact]
    public void Errors_are_marked_new_or_inherited_from_the_learners_own_answers()
    {
        Result r = Check(Worked);
        Assert.Equal(1, r.Exit);
        string[] lines = r.Out.Split('\n');
        string Verdict(string name) => lines.First(l => l.Contains("│ " + name + " ", StringComparison.Ordinal)).Split('│', StringSplitOptions.TrimEntries)[3];
        Assert.Equal("differs: new", Verdict("a2[2]"));
        Assert.Equal("differs: inherited", Verdict("z3[1]"));
        Assert.Equal("differs: inherited", Verdict("a3[1]"));
        Assert.Equal("differs: inherited", Verdict("delta3[1]"));
        Assert.Equal("differs: inherited", Verdict("dW2[1,1]"));
        Assert.Equal("differs: new", Verdict("loss"));
        Assert.Equal("differs: new", Verdict("delta2[1]"));
        Assert.Equal("differs: new", Verdict("W2'[1,1]"));
        Assert.Contains("8 of 9 quantities differ: 4 new errors, and 4 inherited from earlier ones. The first new error is a⁽²⁾ (a2).", r.Out, StringComparison.Ordinal);
        Assert.Contains("z⁽³⁾ (z3) follows from your own earlier values, which give [1.33414; 1.63438; 1.93462]", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void The_usual_slips_get_hints_and_a_transposed_gradient_is_checked()
    {
        string text = Check(Worked).Out;
        Assert.Contains("Hint for L: the sign is flipped.", text, StringComparison.Ordinal);
        Assert.Contains("Hint for ∇W⁽²⁾: it is written transposed (2×3) and was checked as its transpose", text, StringComparison.Ordinal);
        Assert.Contains("Hint for δ⁽²⁾: this is what the slope gives when taken of the wrong variable", text, StringComparison.Ordinal);
        Assert.Contains("Hint for W⁽²⁾′: this is the old value minus the gradient", text, StringComparison.Ordinal);
        // A transposed but right ∇W2 agrees, with the hint.
        Result right = Check("""{"dW2": [[-0.5080, 0.2162, 0.2918], [-0.6326, 0.2692, 0.3634]]}""");
        Assert.True(right.Exit == 0, right.Out + right.Error);
        Assert.Contains("it is written transposed", right.Out, StringComparison.Ordinal);
        // A hand-computed value right for its own wrong inputs is not flagged with a hint.
        Assert.DoesNotContain("Hint for z⁽³⁾", text, StringComparison.Ordinal);
        Assert.Contains("提示（L）：符号反了。", Check(Worked, "--lang", "zh").Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_forgotten_batch_mean_gets_its_hint()
    {
        // Two samples: the learner writes a3 − t for δ3 without the 1/2 of the mean.
        Network<double> network = ArticleExample.CreateNetwork<double>();
        Explanation e = StepRecorder.Record(network, [1, 1, 1, 0, 1, 0], [1, 0, 0, 0, 0, 1], 2, new Sgd<double>(0.1));
        Matrix delta = e.Find("delta3")!.Value;
        string rows = string.Join(", ", Enumerable.Range(0, 3).Select(r => $"[{(2 * delta[r, 0]).ToString("F6", CultureInfo.InvariantCulture)}, {(2 * delta[r, 1]).ToString("F6", CultureInfo.InvariantCulture)}]"));
        Result r = Check("{\"delta3\": [" + rows + "]}", "--input", "1,1,1;0,1,0", "--target", "0;2");
        Assert.Equal(1, r.Exit);
        Assert.Contains("Hint for δ⁽³⁾: this is 2 times the right value", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_answers_file_is_named()
    {
        Result r = Run("--check", "/nonexistent/answers.json");
        Assert.Equal(1, r.Exit);
        Assert.Contains("/nonexistent/answers.json", r.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.0334", 0.0334617894, false)]
    [InlineData("0.0335", 0.0334617894, true)]
    [InlineData("1.434", 1.42843952686617, false)]
    [InlineData("1.428", 1.42843952686617, true)]
    [InlineData("3.35e-2", 0.0334617894, true)]
    [InlineData("0.70000000000000007", 0.70000000000000007, true)]
    [InlineData("-0.7603", -0.76031735109402754, true)]
    [InlineData("1", 0.9999, true)]
    public void Agreement_means_equal_after_rounding_to_the_decimals_written(string given, double exact, bool agrees)
    {
        Assert.Equal(agrees, AnswerChecker.Agrees(given, exact));
    }

    [Fact]
    public void Check_report_renders_in_every_format_and_language()
    {
        string json = Answers(("loss", 0, "1.434"));
        foreach (string format in new[] { "markdown", "html", "text" })
        {
            foreach (string lang in new[] { "en", "zh" })
            {
                Result r = Check(json, "--format", format, "--lang", lang);
                Assert.Equal(1, r.Exit);
                Assert.Contains("1.42843953", r.Out, StringComparison.Ordinal);
            }
        }
    }
}
