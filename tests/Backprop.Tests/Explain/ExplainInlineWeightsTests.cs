namespace Backprop.Tests.Explain;

/// <summary>--weights takes the JSON itself as well as a file, so one command line can carry a whole set-up.</summary>
public class ExplainInlineWeightsTests
{
    [Fact]
    public void Explain_takes_the_weights_json_itself_as_well_as_a_file()
    {
        const string json = """{"W1": [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], "b1": [0.1, 0.2], "W2": [[1.5, 0.8], [0.9, 1.0], [1.1, 1.2]], "b2": [0.1, 0.2, 0.3]}""";
        string path = CliRunner.TempPath("weights.json");
        File.WriteAllText(path, json);
        CliRunner.Result inline = CliRunner.InProcess("explain", "--weights", json, "--format", "markdown");
        CliRunner.Result file = CliRunner.InProcess("explain", "--weights", path, "--format", "markdown");
        Assert.True(inline.ExitCode == 0, inline.Error);
        Assert.Equal(file.Out.Replace(path, "--weights", StringComparison.Ordinal), inline.Out);
        Assert.Contains("read from --weights", inline.Out, StringComparison.Ordinal);

        CliRunner.Result bad = CliRunner.InProcess("explain", "--weights", """ {"W1": [[0.1]]}""");
        Assert.Equal(1, bad.ExitCode);
        Assert.StartsWith("error: --weights: ", bad.Error, StringComparison.Ordinal);
    }
}
