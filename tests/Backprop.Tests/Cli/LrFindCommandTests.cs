using System.Globalization;
using System.Xml.Linq;

namespace Backprop.Tests.Cli;

/// <summary>`backprop lr-find`: the table, the suggestion, the picture, and bad options.</summary>
public sealed class LrFindCommandTests : IDisposable
{
    private readonly string _dir = TestData.TempDirectory();

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void The_table_grows_the_rate_step_by_step_and_the_suggestion_is_a_sane_rate_drawn_in_the_picture()
    {
        string svg = Path.Combine(_dir, "lr.svg");
        CliRunner.Result r = CliRunner.InProcess("lr-find", "--dataset", "iris", "--hidden", "16", "--plot", svg);

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Error);
        string[][] rows = [.. r.Out.Split('\n').Where(l => l.Length > 0 && char.IsDigit(l[0])).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))];
        Assert.True(rows.Length >= 50, $"{rows.Length} steps");
        double[] rates = [.. rows.Select(c => double.Parse(c[1], CultureInfo.InvariantCulture))];
        Assert.Equal(1e-7, rates[0], 1e-10);
        Assert.All(rates.Zip(rates.Skip(1)), pair => Assert.True(pair.Second > pair.First));
        Assert.Equal(Enumerable.Range(1, rows.Length).Select(i => i.ToString(CultureInfo.InvariantCulture)), rows.Select(c => c[0]));

        string suggestion = r.Out.Split('\n').Single(l => l.StartsWith("Suggested learning rate: ", StringComparison.Ordinal));
        double suggested = double.Parse(suggestion.Split(' ')[3], CultureInfo.InvariantCulture);
        // Adam learns iris at 1e-3 to 1e-1: the suggestion is there, far from the sweep's ends.
        Assert.InRange(suggested, 1e-3, 0.5);
        Assert.Single(rows, c => c.Contains("<-"));

        XDocument picture = XDocument.Load(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        XElement smoothed = picture.Descendants(ns + "polyline").Single(p => (string?)p.Attribute("data-series") == "smoothed loss");
        Assert.Equal(rows.Length, ((string)smoothed.Attribute("points")!).Split(' ').Length);
        Assert.Contains(picture.Descendants(ns + "text"), t => t.Value == "1e-6");
    }

    [Theory]
    [InlineData("--plot", "lr.png", "--plot lr.png: the picture is SVG")]
    [InlineData("--steps", "2", "--steps must be at least 5 (got 2)")]
    [InlineData("--end-lr", "1e-8", "--end-lr 1e-8 must be above --start-lr 1e-7")]
    [InlineData("--start-lr", "0", "--start-lr must be a positive number (got 0)")]
    [InlineData("--hidden", "0", "--hidden: layer size 1 is 0")]
    public void Bad_options_are_one_line_with_exit_code_2_and_nothing_written(string option, string value, string message)
    {
        string[] args = option == "--plot"
            ? ["lr-find", "--dataset", "iris", option, Path.Combine(_dir, value)]
            : ["lr-find", "--dataset", "iris", option, value, "--plot", Path.Combine(_dir, "lr.svg")];
        CliRunner.Result r = CliRunner.InProcess(args);

        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("error: " + message.Replace("lr.png", Path.Combine(_dir, "lr.png"), StringComparison.Ordinal), r.Error, StringComparison.Ordinal);
        Assert.Single(r.Error.TrimEnd('\n').Split('\n'));
        Assert.Equal("", r.Out);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }
}
