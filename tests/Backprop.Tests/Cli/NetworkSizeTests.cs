using System.Diagnostics;

namespace Backprop.Tests.Cli;

/// <summary>A network too large for this machine is refused with its size, before anything is allocated or read.</summary>
public class NetworkSizeTests
{
    [Theory]
    [InlineData("100000,100000")]
    [InlineData("2147483647")]
    [InlineData("65536,65536,65536")]
    public void Hidden_layers_too_large_are_refused_with_the_memory_they_need(string hidden)
    {
        var clock = Stopwatch.StartNew();
        CliRunner.Result result = CliRunner.InProcess("train", "--dataset", "xor", "--hidden", hidden);
        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
        Assert.Matches(@"^error: --hidden: this network needs (more than )?[0-9.]+ GB for its parameters and gradients", result.Error);
        Assert.Equal("", result.Out);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "the refusal came after a long allocation");
    }

    [Fact]
    public void A_layer_size_beyond_int_is_called_too_large()
    {
        CliRunner.Result result = CliRunner.InProcess("train", "--dataset", "xor", "--hidden", "8,99999999999");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error: --hidden: item 2 of '8,99999999999' ('99999999999') is too large for a layer", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Layers_too_large_are_refused_for_one_sample_and_data_training()
    {
        CliRunner.Result result = CliRunner.InProcess("train", "--layers", "3,100000,100000,3");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error: --layers: this network needs", result.Error, StringComparison.Ordinal);
        result = CliRunner.InProcess("train", "--dataset", "xor", "--layers", "2,100000,100000,2");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error: --layers: this network needs", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_large_but_possible_network_is_accepted()
    {
        CliRunner.Result result = CliRunner.InProcess("train", "--dataset", "xor", "--hidden", "1024,1024", "--epochs", "1", "--quiet");
        Assert.True(result.ExitCode == 0, result.Error);
    }
}
