namespace Backprop.Tests.Cli;

/// <summary>Option values that do not parse get a message naming the option and the value, never a .NET type name.</summary>
public class OptionParsingTests
{
    [Theory]
    [InlineData("--epochs", "1.5", "--epochs: '1.5' is not a whole number")]
    [InlineData("--epochs", "ten", "--epochs: 'ten' is not a whole number")]
    [InlineData("--epochs", "99999999999", "--epochs: '99999999999' is too large (at most 2147483647)")]
    [InlineData("--batch-size", "3.0", "--batch-size: '3.0' is not a whole number")]
    [InlineData("--seed", "1e3", "--seed: '1e3' is not a whole number")]
    [InlineData("--lr", "fast", "--lr: 'fast' is not a number")]
    [InlineData("--lr", "0,001", "--lr: '0,001' is not a number (write decimals with a point: '0.001')")]
    [InlineData("--test-fraction", "0,25", "--test-fraction: '0,25' is not a number")]
    public void A_value_that_does_not_parse_is_named_with_its_option(string option, string value, string expected)
    {
        CliRunner.Result result = CliRunner.InProcess("train", "--dataset", "xor", option, value);
        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
        Assert.Contains("error: " + expected, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Numbers_still_parse()
    {
        CliRunner.Result result = CliRunner.InProcess("train", "--dataset", "xor", "--epochs", "2", "--lr", "1e-2", "--seed", "-3", "--batch-size", "+4", "--quiet");
        Assert.True(result.ExitCode == 0, result.Error);
    }

    [Theory]
    [InlineData("step:0:0.5", "--schedule step:0:0.5: EVERY is '0'; it must be a whole number of epochs, at least 1")]
    [InlineData("step:2:1.5", "GAMMA is '1.5'; it must be a number in (0, 1]")]
    [InlineData("step:3", "step takes 2 values or none; write step:EVERY:GAMMA")]
    [InlineData("cosine:x", "MIN is 'x'; it must be a learning rate, zero or positive")]
    [InlineData("plateau:0:0.5", "PATIENCE is '0'")]
    [InlineData("plateau:3:1", "FACTOR is '1'; it must be a number in (0, 1)")]
    [InlineData("constant:1", "constant takes no values")]
    public void A_known_schedule_with_a_bad_value_says_what_is_wrong_with_the_value(string schedule, string expected)
    {
        CliRunner.Result result = CliRunner.InProcess("train", "--dataset", "xor", "--schedule", schedule);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("unknown", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("step:3:0.5", "step:3:0.5")]
    [InlineData("step", "step:10:0.5")]
    [InlineData("cosine:1e-5", "cosine:1E-05")]
    [InlineData("plateau:4:0.25", "plateau:4:0.25")]
    public void Good_schedules_are_read(string schedule, string described)
    {
        string model = CliRunner.TempPath("m.json");
        CliRunner.Result result = CliRunner.InProcess("train", "--dataset", "xor", "--schedule", schedule, "--epochs", "1", "--out", model, "--quiet");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(described, Backprop.Models.Model.Load(model).TrainingOptions["schedule"]);
    }
}
