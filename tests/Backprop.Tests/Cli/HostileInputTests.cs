namespace Backprop.Tests.Cli;

/// <summary>Whatever a file holds, the user sees one printable line and a non-zero exit code.</summary>
public class HostileInputTests
{
    private static void AssertOnePrintableLine(CliRunner.Result result, string expected)
    {
        Assert.NotEqual(0, result.ExitCode);
        string[] lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one error line, got:\n{result.Error}");
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(expected, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain(lines[0], char.IsControl);
        Assert.DoesNotContain("(Parameter '", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Control_characters_quoted_from_a_file_are_made_printable()
    {
        // A header whose column name carries a terminal escape sequence and a line break, quoted back in the message.
        string path = CliRunner.TempPath("hostile.csv");
        File.WriteAllText(path, "\"x\u001B[2J\r\ny\",b,label\n1,2,a\n3,4,b\n");
        CliRunner.Result result = CliRunner.InProcess("train", "--data", path, "--label", "nope");
        AssertOnePrintableLine(result, "nope");
        Assert.Contains("x?[2J??y", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Binary_garbage_gets_one_short_printable_line()
    {
        string path = CliRunner.TempPath("garbage.csv");
        var bytes = new byte[4000];
        new Random(7).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        CliRunner.Result result = CliRunner.InProcess("train", "--data", path);
        AssertOnePrintableLine(result, path);
        Assert.True(result.Error.Length < 1000, "a message quoting a file is cut to a readable length");
    }

    [Fact]
    public void A_directory_given_as_data_is_named_as_a_directory()
    {
        string dir = Path.GetDirectoryName(CliRunner.TempPath("x"))!;
        AssertOnePrintableLine(CliRunner.InProcess("train", "--data", dir), "is a directory");
    }

    [Fact]
    public void A_model_of_an_unknown_format_gets_a_plain_message()
    {
        string path = CliRunner.TempPath("model.csv");
        File.WriteAllText(path, "a,b\n1,2\n");
        AssertOnePrintableLine(CliRunner.InProcess("evaluate", "--model", path, "--dataset", "iris"), "unknown model format");
    }

    [Fact]
    public void OneLine_keeps_text_and_replaces_control_characters()
    {
        Assert.Equal("a?b?c", Backprop.Cli.Cli.OneLine("a\nb\u001Bc"));
        Assert.Equal("数据 ok", Backprop.Cli.Cli.OneLine("数据 ok"));
        Assert.EndsWith("…", Backprop.Cli.Cli.OneLine(new string('x', 5000)), StringComparison.Ordinal);
    }
}
