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
                "html" => Regex.Replace(Regex.Replace(Regex.Replace(r.Out, "<(style|script)>.*?</(style|script)>", " ", RegexOptions.Singleline), "<math.*?</math>", " ", RegexOptions.Singleline), "<[^>]+>", " "),
                _ => r.Out,
            };
            Match english = EnglishWords().Match(prose);
            Assert.False(english.Success, $"English prose in the Chinese {format} output: '{english.Value}'");
            Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", prose);
        }
    }

    [Fact]
    public void Chinese_wording_uses_one_term_for_each_idea()
    {
        string zh = Run("--lang", "zh", "--until-converged").Out;
        string weights = ClassicWeightsFile();
        string mse;
        try
        {
            mse = Run([.. ClassicArgs(weights), "--lang", "zh"]).Out;
        }
        finally
        {
            File.Delete(weights);
        }
        foreach (string phrase in new[] { "输出层用 Softmax，损失函数为交叉熵", "后一层（输出层）的误差 δ⁽³⁾", "各分量的指数值", "相乘后化简为 a − t", "训练至收敛", "按原文保留 4 位小数应为", "线性组合" })
        {
            Assert.Contains(phrase, zh, StringComparison.Ordinal);
        }
        Assert.Contains("损失函数为均方误差", mse, StringComparison.Ordinal);
        Assert.Contains("其中 B 是批次中的样本数（这里为 1），n 是输出的个数（这里为 2）", mse, StringComparison.Ordinal);
        foreach (string phrase in new[] { "Softmax 输出加交叉熵", "上一层的误差", "各个指数", "相互抵消", "得分", "损失函数为 均方误差", "训练到底", "保留原文的" })
        {
            Assert.DoesNotContain(phrase, zh + mse, StringComparison.Ordinal);
        }
        Assert.Contains("multiplies out to a − t", Run().Out, StringComparison.Ordinal);
        Assert.DoesNotContain("cancel", Run().Out, StringComparison.Ordinal);
    }

    [Fact]
    public void The_check_page_has_one_heading()
    {
        string path = Path.Combine(Path.GetTempPath(), $"answers-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{"z2": [0.70, 1.60]}""");
        try
        {
            string markdown = Run("--check", path, "--lang", "zh", "--format", "markdown").Out;
            Assert.Single(Regex.Matches(markdown, "^#", RegexOptions.Multiline));
        }
        finally
        {
            File.Delete(path);
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
