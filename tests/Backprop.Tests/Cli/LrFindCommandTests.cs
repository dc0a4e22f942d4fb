using System.Globalization;
using System.Xml.Linq;
using Backprop.Tests.Models;

namespace Backprop.Tests.Cli;

/// <summary>`backprop lr-find`: the table, the suggestion, the picture, every task's loss, and bad options.</summary>
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

    [Fact]
    public void Diabetes_sweeps_the_mean_squared_error_of_the_standardised_targets_and_gets_a_suggestion()
    {
        string svg = Path.Combine(_dir, "lr.svg");
        CliRunner.Result r = CliRunner.InProcess("lr-find", "--data", TaskData.DiabetesPath, "--plot", svg);

        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("Sweep: adam, mse on the standardised targets, η from 1e-7 to 10 over 100 batches of 32 rows", r.Out, StringComparison.Ordinal);
        string[][] rows = [.. r.Out.Split('\n').Where(l => l.Length > 0 && char.IsDigit(l[0])).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))];
        Assert.True(rows.Length >= 50, $"{rows.Length} steps");
        // The targets are standardised, so the untrained network's loss is about their variance, 1 (not 77² ≈ 6000).
        Assert.InRange(double.Parse(rows[0][3], CultureInfo.InvariantCulture), 0.3, 5);
        string suggestion = r.Out.Split('\n').Single(l => l.StartsWith("Suggested learning rate: ", StringComparison.Ordinal));
        Assert.InRange(double.Parse(suggestion.Split(' ')[3], CultureInfo.InvariantCulture), 1e-4, 1);
        XDocument picture = XDocument.Load(svg);
        Assert.Contains(picture.Descendants("{http://www.w3.org/2000/svg}text"), t => t.Value == "mse on the standardised targets");
    }

    [Fact]
    public void Huber_loss_and_multi_label_labels_sweep_their_own_loss()
    {
        CliRunner.Result huber = CliRunner.InProcess("lr-find", "--data", TaskData.DiabetesPath, "--hidden", "4", "--steps", "20", "--loss", "huber:0.5");
        Assert.True(huber.ExitCode == 0, huber.Error);
        Assert.Contains("Sweep: adam, huber (δ = 0.5) on the standardised targets, ", huber.Out, StringComparison.Ordinal);

        string data = Path.Combine(_dir, "labels.csv");
        File.WriteAllText(data, TaskData.IrisLabelsCsv());
        CliRunner.Result labels = CliRunner.InProcess("lr-find", "--data", data, "--label", "is_setosa,long_petal,wide_sepal", "--hidden", "16");
        Assert.True(labels.ExitCode == 0, labels.Error);
        Assert.Contains("Sweep: adam, binary cross-entropy loss, ", labels.Out, StringComparison.Ordinal);
        // Three sigmoid outputs start near p = 0.5: a binary cross-entropy of about ln 2.
        string[] first = labels.Out.Split('\n').First(l => l.StartsWith("1 ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.InRange(double.Parse(first[2], CultureInfo.InvariantCulture), 0.4, 1.2);
        Assert.Contains("Suggested learning rate: ", labels.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--loss", "mse", "iris", "--loss mse: classification uses cross-entropy")]
    [InlineData("--loss", "cross-entropy", "diabetes", "--loss cross-entropy: regression trains with mse or huber")]
    [InlineData("--loss", "lasso", "diabetes", "--loss: unknown loss 'lasso'")]
    [InlineData("--class-weights", "balanced", "diabetes", "--class-weights applies to classification; this is regression")]
    public void A_loss_or_option_that_does_not_fit_the_task_is_one_line_with_exit_code_2(string option, string value, string data, string message)
    {
        string[] source = data == "iris" ? ["--dataset", "iris"] : ["--data", TaskData.DiabetesPath];
        CliRunner.Result r = CliRunner.InProcess(["lr-find", .. source, option, value]);

        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("error: " + message, r.Error, StringComparison.Ordinal);
        Assert.Single(r.Error.TrimEnd('\n').Split('\n'));
        Assert.Equal("", r.Out);
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
