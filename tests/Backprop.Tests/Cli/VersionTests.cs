using System.Text.RegularExpressions;

namespace Backprop.Tests.Cli;

public partial class VersionTests
{
    [GeneratedRegex("<Version>([^<]+)</Version>")]
    private static partial Regex VersionElement();

    [Fact]
    public void Backprop_version_prints_the_one_version_defined_in_Directory_Build_props()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Directory.Build.props")))
        {
            dir = Path.GetDirectoryName(dir);
        }
        Assert.NotNull(dir);
        string expected = VersionElement().Match(File.ReadAllText(Path.Combine(dir, "Directory.Build.props"))).Groups[1].Value;
        Assert.NotEmpty(expected);
        CliRunner.Result r = CliRunner.AsProcess(null, "--version");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(expected, r.Out.Trim());
    }
}
