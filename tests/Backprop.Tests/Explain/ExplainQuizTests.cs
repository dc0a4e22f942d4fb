using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Backprop.Explain;
using Backprop.Tests.Support;
using Microsoft.Playwright;
using static Backprop.Tests.Explain.ExplainHarness;

namespace Backprop.Tests.Explain;

/// <summary>
/// `explain --quiz FILE`: a page of blanks for the learner's values, checked in the browser against the engine's
/// (screenshots of a checked quiz go to the test output folder, explain-quiz-*.png).
/// </summary>
public partial class ExplainQuizTests
{
    private static string TempPath() => Path.Combine(Path.GetTempPath(), $"quiz-{Guid.NewGuid():N}.html");

    private static string Quiz(params string[] more)
    {
        string path = TempPath();
        Result r = Run(["--quiz", path, .. more]);
        Assert.True(r.Exit == 0, r.Error);
        Assert.Equal("", r.Out);
        string html = File.ReadAllText(path);
        File.Delete(path);
        return html;
    }

    [Fact]
    public void The_quiz_has_a_blank_for_every_value_and_carries_the_engines_values()
    {
        string html = Quiz();
        Explanation e = StepRecorder.Record(ArticleExample.CreateNetwork<double>(), [1.0, 1.0, 1.0], [1.0, 0.0, 0.0], 1, new Sgd<double>(0.1));
        using JsonDocument answers = JsonDocument.Parse(AnswersBlock().Match(html).Groups[1].Value);
        Assert.Equal(e.Quantities.Select(q => q.Name), answers.RootElement.EnumerateObject().Select(p => p.Name));
        foreach (NamedQuantity q in e.Quantities)
        {
            Assert.Equal(q.Value.Values, answers.RootElement.GetProperty(q.Name).EnumerateArray().Select(v => v.GetDouble()));
            Assert.Equal(q.Value.Count, Regex.Matches(html, "<input [^>]*name=\"" + Regex.Escape(System.Net.WebUtility.HtmlEncode(q.Name)) + @"\[").Count);
        }
        // The set-up is there; the diagram and the worked step, which would give the answers away, are not.
        Assert.Contains("Initial parameters", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<svg", html, StringComparison.Ordinal);
        Assert.DoesNotContain("0.66818777", html.Replace(AnswersBlock().Match(html).Value, "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("explain --check answers.json", html, StringComparison.Ordinal);
        // The Chinese quiz is Chinese: past the markup, the script and the commands it names, no English phrase is left.
        string zh = Quiz("--lang", "zh");
        string prose = Regex.Replace(Regex.Replace(Regex.Replace(zh, "<(style|script|math)[^>]*>.*?</(style|script|math)>", " ", RegexOptions.Singleline), "<[^>]+>", " "),
            @"backprop explain --check( answers\.json)?", " ");
        Assert.DoesNotMatch(@"\b[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}\b", prose);
        Assert.Contains("检查", prose, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--check", "answers.json")]
    [InlineData("--steps", "2")]
    [InlineData("--format", "html")]
    [InlineData("--layers", "3,9,3")]
    public void A_quiz_that_cannot_be_made_is_refused_and_no_file_is_written(string option, string value)
    {
        string path = TempPath();
        Result r = Run("--quiz", path, option, value);
        Assert.Equal(2, r.Exit);
        Assert.StartsWith("error: --quiz", r.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
        Result missing = Run("--quiz", "/nonexistent/quiz.html");
        Assert.Equal(2, missing.Exit);
        Assert.Contains("/nonexistent", missing.Error, StringComparison.Ordinal);
    }

    [ChromiumTheory]
    [InlineData("en")]
    [InlineData("zh")]
    public async Task Filled_in_values_are_marked_right_or_wrong_in_the_browser(string language)
    {
        string html = Quiz("--lang", language);
        var refused = new List<string>();
        (string[] classes, string[] verdicts, string summary, string file) = await ExplainStepperTests.InBrowser(html, 390, javaScript: true, refused, async tab =>
        {
            await tab.FillAsync("input[name='z2[1,1]']", "0.70");
            await tab.FillAsync("input[name='z2[2,1]']", "1.6");
            await tab.FillAsync("input[name='a2[1,1]']", "0.6682");
            await tab.FillAsync("input[name='a2[2,1]']", "0.9");       // wrong: 0.83201839
            await tab.FillAsync("input[name='delta2[1,1]']", "0.0531");
            await tab.FillAsync("input[name='delta2[2,1]']", "0.0334"); // the article's slip: 0.03346179 rounds to 0.0335
            await tab.FillAsync("input[name='loss[1,1]']", "1.4284");
            await tab.ClickAsync("form.quiz button[type=submit]");
            string[] names = ["z2[1,1]", "z2[2,1]", "a2[1,1]", "a2[2,1]", "delta2[1,1]", "delta2[2,1]", "loss[1,1]", "z3[1,1]"];
            var found = new List<string>();
            foreach (string name in names)
            {
                found.Add(await tab.GetAttributeAsync($"input[name='{name}']", "class") ?? "");
            }
            await tab.Locator("fieldset[data-q='z2']").ScrollIntoViewIfNeededAsync();
            await tab.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, $"explain-quiz-{language}-390.png") });
            string[] byQuantity = [.. await Task.WhenAll(new[] { "z2", "a2", "loss", "delta2", "z3" }.Select(q => tab.InnerTextAsync($"fieldset[data-q='{q}'] output")))];
            return (found.ToArray(), byQuantity, await tab.InnerTextAsync(".quiz-summary"), await tab.InputValueAsync(".quiz-json"));
        });
        Assert.Equal(["right", "right", "right", "wrong", "right", "wrong", "right", ""], classes);
        string right = language == "zh" ? "正确" : "right";
        Assert.Equal([right, language == "zh" ? "2 个中有 1 个错误" : "1 of 2 wrong", right, language == "zh" ? "2 个中有 1 个错误" : "1 of 2 wrong", ""], verdicts);
        Assert.Equal(language == "zh" ? "已填写的 7 个值中有 5 个正确。" : "5 of 7 values filled in are right.", summary);
        Assert.Empty(refused);

        // The page's answers file is one `explain --check` reads, and the full checker agrees on what is wrong.
        string answers = Path.Combine(Path.GetTempPath(), $"answers-{Guid.NewGuid():N}.json");
        File.WriteAllText(answers, file);
        try
        {
            Assert.Contains("\"loss\": 1.4284", file, StringComparison.Ordinal);
            Result check = Run("--check", answers);
            Assert.Equal(1, check.Exit);
            Assert.Contains("a2[2]", check.Out, StringComparison.Ordinal);
            Assert.Contains("delta2[2]", check.Out, StringComparison.Ordinal);
            Assert.Contains("4 quantities", check.Out, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(answers);
        }
    }

    [ChromiumTheory]
    [InlineData("en")]
    public async Task Without_scripts_the_quiz_says_how_to_check_instead(string language)
    {
        string html = Quiz("--lang", language);
        var refused = new List<string>();
        string text = await ExplainStepperTests.InBrowser(html, 1000, javaScript: false, refused, tab => tab.InnerTextAsync("form.quiz"));
        Assert.Contains("Checking in the page needs scripts", text, StringComparison.Ordinal);
        Assert.Empty(refused);
    }

    [GeneratedRegex("<script type=\"application/json\" id=\"quiz-answers\">(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex AnswersBlock();
}
