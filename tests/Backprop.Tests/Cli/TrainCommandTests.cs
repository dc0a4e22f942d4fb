namespace Backprop.Tests.Cli;

public class TrainCommandTests
{
    private static string Golden(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Cli", "Golden", name));

    [Fact]
    public void Default_train_prints_the_articles_result_as_a_process()
    {
        CliRunner.Result result = CliRunner.AsProcess(null, "train");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Error);
        Assert.Equal(Golden("train-default.txt"), result.Out);
        Assert.StartsWith("Epoch=278, Loss=0.009970\n", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Digits_option_prints_parameters_that_agree_with_the_program_to_1e_12()
    {
        CliRunner.Result result = CliRunner.InProcess("train", "--digits", "15");
        Assert.Equal(0, result.ExitCode);
        double[] printed = ParseNumbersAfter(result.Out, "W2 =", 6);
        TensorAssert.Close("W2", Backprop.Tests.Support.Golden.W2Final, printed, 1e-12);
        double[] b2 = ParseNumbersAfter(result.Out, "b2 =", 3);
        TensorAssert.Close("b2", Backprop.Tests.Support.Golden.B2Final, b2, 1e-12);
    }

    [Fact]
    public void Report_every_prints_intermediate_epochs()
    {
        CliRunner.Result result = CliRunner.InProcess("train", "--threshold", "0", "--max-epochs", "1000", "--report-every", "250");
        Assert.Equal(0, result.ExitCode);
        string[] epochs = [.. result.Out.Split('\n').Where(l => l.StartsWith("Epoch=", StringComparison.Ordinal))];
        Assert.Equal(["Epoch=250", "Epoch=500", "Epoch=750", "Epoch=1000"], epochs.Select(l => l.Split(',')[0]));
        Assert.Contains("the epoch limit (1000) was reached", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Seed_gives_random_but_repeatable_initial_parameters()
    {
        CliRunner.Result a = CliRunner.InProcess("train", "--seed", "3", "--layers", "3,4,3", "--activation", "relu");
        CliRunner.Result b = CliRunner.InProcess("train", "--seed", "3", "--layers", "3,4,3", "--activation", "relu");
        CliRunner.Result c = CliRunner.InProcess("train", "--seed", "4", "--layers", "3,4,3", "--activation", "relu");
        Assert.Equal(0, a.ExitCode);
        Assert.Equal(a.Out, b.Out);
        Assert.NotEqual(a.Out, c.Out);
    }

    [Fact]
    public void Classic_example_trains_from_a_weights_file_with_mse()
    {
        string weights = CliRunner.TempPath("w.json");
        File.WriteAllText(weights, """{"W1": [[0.15, 0.20], [0.25, 0.30]], "b1": [0.35, 0.35], "W2": [[0.40, 0.45], [0.50, 0.55]], "b2": [0.60, 0.60]}""");
        CliRunner.Result result = CliRunner.InProcess("train", "--layers", "2,2,2", "--activation", "sigmoid", "--loss", "mse",
            "--weights", weights, "--input", "0.05,0.10", "--target", "0.01,0.99", "--lr", "0.5", "--max-epochs", "1", "--digits", "9");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Epoch=1, Loss=0.298371", result.Out, StringComparison.Ordinal);
        TensorAssert.Close("W2", [0.35891648, 0.408666186, 0.511301270, 0.561370121], ParseNumbersAfter(result.Out, "W2 =", 4), 5e-9);
    }

    [Theory]
    [InlineData(new[] { "train", "--bogus" }, "--bogus")]
    [InlineData(new[] { "frobnicate" }, "frobnicate")]
    [InlineData(new[] { "train", "--layers", "3,0,3" }, "layer size 2 is 0")]
    [InlineData(new[] { "train", "--layers", "3,-2,3" }, "layer size 2 is -2")]
    [InlineData(new[] { "train", "--layers", "3" }, "at least two sizes")]
    [InlineData(new[] { "train", "--input", "1,1" }, "--input has 2 values but the network has 3 inputs")]
    [InlineData(new[] { "train", "--target", "1,0" }, "--target has 2 values but the network has 3 outputs")]
    [InlineData(new[] { "train", "--target", "3" }, "class index 3 is out of range")]
    [InlineData(new[] { "train", "--lr", "0" }, "--lr must be a positive number")]
    [InlineData(new[] { "train", "--lr", "-0.1" }, "--lr must be a positive number")]
    [InlineData(new[] { "train", "--lr", "NaN" }, "--lr must be a positive number")]
    [InlineData(new[] { "train", "--lr", "fast" }, "--lr")]
    [InlineData(new[] { "train", "--activation", "swish" }, "unknown activation 'swish'")]
    [InlineData(new[] { "train", "--loss", "hinge" }, "unknown loss 'hinge'")]
    [InlineData(new[] { "train", "--layers", "4,2,3" }, "--input is needed")]
    [InlineData(new[] { "train", "--digits", "40" }, "--digits")]
    public void Bad_command_lines_get_one_line_and_exit_code_2(string[] args, string expected)
    {
        CliRunner.Result result = CliRunner.InProcess(args);
        Assert.Equal(2, result.ExitCode);
        AssertOneErrorLine(result, expected);
    }

    [Fact]
    public void Missing_weights_file_is_named()
    {
        CliRunner.Result result = CliRunner.InProcess("train", "--weights", "/nonexistent/w.json");
        Assert.Equal(1, result.ExitCode);
        AssertOneErrorLine(result, "/nonexistent/w.json");
    }

    [Theory]
    [InlineData("{ \"W1\": [[0.1, 0.2", "not valid JSON")]
    [InlineData("[1, 2]", "expected a JSON object")]
    [InlineData("""{"W1": [[0.1, 0.2], [0.3, 0.4]], "b1": [0.1, 0.1], "W2": [[0.7, 0.8], [0.9, 1.0], [1.1, 1.2]], "b2": [0.2, 0.2, 0.2]}""", "W1 has shape 2×2 but the network needs 2×3")]
    [InlineData("""{"W1": [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], "b1": [0.1, 0.1, 0.1], "W2": [[0.7, 0.8], [0.9, 1.0], [1.1, 1.2]], "b2": [0.2, 0.2, 0.2]}""", "b1 has shape 3 but the network needs 2")]
    [InlineData("""{"W1": [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], "b1": [0.1, 0.1], "b2": [0.2, 0.2, 0.2]}""", "W2 is missing")]
    [InlineData("""{"W1": [[0.1, "x", 0.3], [0.4, 0.5, 0.6]], "b1": [0.1, 0.1], "W2": [[0.7, 0.8], [0.9, 1.0], [1.1, 1.2]], "b2": [0.2, 0.2, 0.2]}""", "W1[1,2]")]
    [InlineData("""{"W3": []}""", "unknown tensor \"W3\"")]
    public void Bad_weights_files_are_named_with_the_tensor_and_shapes(string json, string expected)
    {
        string path = CliRunner.TempPath("w.json");
        File.WriteAllText(path, json);
        CliRunner.Result result = CliRunner.InProcess("train", "--weights", path);
        Assert.Equal(1, result.ExitCode);
        AssertOneErrorLine(result, expected);
        Assert.Contains(path, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Divergence_stops_and_names_the_epoch()
    {
        CliRunner.Result result = CliRunner.InProcess("train", "--loss", "mse", "--activation", "identity", "--seed", "1",
            "--layers", "3,8,8,3", "--lr", "1e6", "--threshold", "0");
        Assert.Equal(1, result.ExitCode);
        AssertOneErrorLine(result, "training diverged at epoch");
        Assert.Contains("smaller learning rate", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Bare_command_shows_help_named_after_the_tool()
    {
        CliRunner.Result result = CliRunner.InProcess();
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("backprop [command] [options]", result.Out, StringComparison.Ordinal);
        foreach (string command in new[] { "train", "explain", "evaluate", "predict" })
        {
            Assert.Contains(command, result.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Help_documents_the_options()
    {
        CliRunner.Result result = CliRunner.InProcess("train", "--help");
        Assert.Equal(0, result.ExitCode);
        foreach (string option in new[] { "--layers", "--activation", "--loss", "--lr", "--threshold", "--max-epochs", "--report-every", "--seed", "--weights", "--input", "--target", "--digits" })
        {
            Assert.Contains(option, result.Out, StringComparison.Ordinal);
        }
    }

    private static void AssertOneErrorLine(CliRunner.Result result, string expected)
    {
        string[] lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one error line, got:\n{result.Error}");
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(expected, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    private static double[] ParseNumbersAfter(string text, string heading, int count)
    {
        int start = text.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(start >= 0, $"'{heading}' not found in:\n{text}");
        string rest = text[(start + heading.Length)..];
        var numbers = System.Text.RegularExpressions.Regex.Matches(rest, @"-?\d+\.\d+")
            .Take(count)
            .Select(m => double.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture))
            .ToArray();
        Assert.Equal(count, numbers.Length);
        return numbers;
    }
}
