using System.Text.RegularExpressions;
using Backprop.Explain;
using static Backprop.Tests.Explain.ExplainHarness;

namespace Backprop.Tests.Explain;

public partial class ExplainLanguageTests
{
    [Fact]
    public void Every_language_has_the_same_sentences_with_the_same_holes()
    {
        Prose en = Prose.Load("en");
        foreach (string language in Prose.Languages)
        {
            Prose other = Prose.Load(language);
            Assert.Equal(en.Keys.Order(), other.Keys.Order());
            foreach (string key in en.Keys)
            {
                Assert.True(en.HolesOf(key).SequenceEqual(other.HolesOf(key)), $"{language}: '{key}' has holes {string.Join(",", other.HolesOf(key))}, English has {string.Join(",", en.HolesOf(key))}");
            }
        }
    }

    [Theory]
    [InlineData("text")]
    [InlineData("markdown")]
    [InlineData("html")]
    public void Chinese_output_has_no_English_prose(string format)
    {
        string[] extra = ["--steps", "2", "--until-converged", "--input", "1,1,1;1,0,1", "--target", "0;1"];
        foreach (string[] args in new[] { Array.Empty<string>(), extra })
        {
            Result r = Run([.. args, "--lang", "zh", "--format", format]);
            Assert.True(r.Exit == 0, r.Error);
            string prose = format switch
            {
                "markdown" => Regex.Replace(Regex.Replace(r.Out, @"\$\$.*?\$\$", " ", RegexOptions.Singleline), @"\$[^$]*\$", " "),
                "html" => Regex.Replace(Regex.Replace(Regex.Replace(r.Out, "<style>.*?</style>", " ", RegexOptions.Singleline), "<math.*?</math>", " ", RegexOptions.Singleline), "<[^>]+>", " "),
                _ => r.Out,
            };
            Match english = EnglishWords().Match(prose);
            Assert.False(english.Success, $"English prose in the Chinese {format} output: '{english.Value}'");
            Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", prose);
        }
    }

    [Fact]
    public void English_check_for_English_words_would_notice_them()
    {
        Assert.Matches(EnglishWords(), Run().Out);
    }

    // Two or more Latin words of two letters or more in a row: a phrase, not a symbol such as ln, tanh or ReLU.
    [GeneratedRegex(@"\b[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}\b")]
    private static partial Regex EnglishWords();
}
