using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Backprop.Tests.Data;
using static Backprop.Tests.Plots.PlotFixtures;

namespace Backprop.Tests.Cli;

/// <summary>train --plot / --report and evaluate --report, through the `backprop` entry point.</summary>
public sealed partial class PictureCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string PathOf(string name) => Path.Combine(_dir.Path, name);

    private CliRunner.Result TrainMoons(params string[] extra)
        => CliRunner.InProcess(["train", "--dataset", "moons", "--hidden", "8", "--epochs", "6", "--lr", "0.01", "--validation-fraction", "0.2", .. extra]);

    [Fact]
    public void Train_plot_creates_the_folder_and_writes_the_four_pictures()
    {
        string folder = PathOf(Path.Combine("new", "pictures"));
        CliRunner.Result result = TrainMoons("--plot", folder, "--out", PathOf("m.json"));
        Assert.Equal("", result.Error);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"Saved 4 pictures to {folder}: loss.svg, accuracy.svg, boundary.svg, confusion.svg", result.Out, StringComparison.Ordinal);
        Assert.Equal(["accuracy.svg", "boundary.svg", "confusion.svg", "loss.svg"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // One vertex per epoch of the metrics log, in both loss series.
        int epochs = File.ReadAllLines(PathOf("m.metrics.csv")).Length - 1;
        Assert.Equal(6, epochs);
        XElement loss = Parse(File.ReadAllText(Path.Combine(folder, "loss.svg")));
        Assert.All(loss.Descendants(Svg + "polyline"), line => Assert.Equal(epochs, ((string)line.Attribute("points")!).Split(' ').Length));
        XElement boundary = Parse(File.ReadAllText(Path.Combine(folder, "boundary.svg")));
        Assert.Equal(["training rows", "test rows"], boundary.Descendants(Svg + "g").Select(g => (string?)g.Attribute("data-points")).OfType<string>());
        Assert.True(new FileInfo(Path.Combine(folder, "boundary.svg")).Length < 500_000);

        // The confusion matrix is the one `evaluate` prints for the same test rows.
        CliRunner.Result evaluate = CliRunner.InProcess("evaluate", "--model", PathOf("m.json"), "--dataset", "moons");
        Assert.Equal(0, evaluate.ExitCode);
        int[] printed = PrintedConfusion(evaluate.Out, 2);
        XElement confusion = Parse(File.ReadAllText(Path.Combine(folder, "confusion.svg")));
        int[] drawn = [.. confusion.Descendants(Svg + "rect").Where(r => r.Attribute("data-count") is not null).Select(r => (int)r.Attribute("data-count")!)];
        Assert.Equal(printed, drawn);
        Assert.Equal(100, drawn.Sum());
    }

    [Fact]
    public void The_same_run_writes_the_same_bytes()
    {
        Assert.Equal(0, TrainMoons("--plot", PathOf("a"), "--report", PathOf("a.html"), "--quiet").ExitCode);
        Assert.Equal(0, TrainMoons("--plot", PathOf("b"), "--report", PathOf("b.html"), "--quiet").ExitCode);
        foreach (string name in new[] { "loss.svg", "accuracy.svg", "boundary.svg", "confusion.svg" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(PathOf("a"), name)), File.ReadAllBytes(Path.Combine(PathOf("b"), name)));
        }
        Assert.Equal(File.ReadAllBytes(PathOf("a.html")), File.ReadAllBytes(PathOf("b.html")));
    }

    [Fact]
    public void Train_report_is_one_offline_page_with_the_pictures_and_the_metrics()
    {
        CliRunner.Result result = TrainMoons("--report", PathOf("report.html"));
        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"Saved the report to {PathOf("report.html")}", result.Out, StringComparison.Ordinal);
        string page = File.ReadAllText(PathOf("report.html"));
        Assert.StartsWith("<!DOCTYPE html>", page, StringComparison.Ordinal);
        Assert.Contains("<h1>Training report</h1>", page, StringComparison.Ordinal);
        AssertSelfContained(page);

        string[] pictures = InlineSvgs(page);
        Assert.Equal(4, pictures.Length);
        foreach (string svg in pictures)
        {
            Parse(svg.Replace("<svg ", "<svg xmlns=\"http://www.w3.org/2000/svg\" ", StringComparison.Ordinal));
        }
        Assert.Contains("Loss per epoch", page, StringComparison.Ordinal);
        Assert.Contains("Decision boundary", page, StringComparison.Ordinal);

        // The test metrics the run printed, and the model summary.
        string accuracy = TestAccuracy().Match(result.Out).Groups[1].Value;
        Assert.Contains($"<td>Accuracy</td><td>{accuracy} (", page, StringComparison.Ordinal);
        Assert.Contains("dense_1", page, StringComparison.Ordinal);
        Assert.Contains("Total parameters: 42", page, StringComparison.Ordinal);
        Assert.Contains("<td>Epochs</td><td>6 (all epochs ran)</td>", page, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_of_four_features_gets_no_boundary_and_is_told_why()
    {
        CliRunner.Result result = CliRunner.InProcess("train", "--dataset", "iris", "--hidden", "4", "--epochs", "3", "--plot", PathOf("iris"), "--report", PathOf("iris.html"));
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Saved 2 pictures", result.Out, StringComparison.Ordinal);
        Assert.Contains("No decision boundary: it is drawn for models of two features, and this one reads 4.", result.Out, StringComparison.Ordinal);
        Assert.Contains("No accuracy curve", result.Out, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(PathOf("iris"), "boundary.svg")));
        Assert.Equal(2, InlineSvgs(File.ReadAllText(PathOf("iris.html"))).Length);
    }

    [Fact]
    public void Evaluate_report_has_the_evaluations_numbers()
    {
        Assert.Equal(0, TrainMoons("--out", PathOf("m.json"), "--quiet").ExitCode);
        CliRunner.Result result = CliRunner.InProcess("evaluate", "--model", PathOf("m.json"), "--dataset", "moons", "--report", PathOf("eval.html"));
        Assert.Equal(0, result.ExitCode);
        string page = File.ReadAllText(PathOf("eval.html"));
        AssertSelfContained(page);
        Assert.Contains("<h1>Evaluation report</h1>", page, StringComparison.Ordinal);
        string[] pictures = InlineSvgs(page);
        Assert.Equal(2, pictures.Length);
        string matrix = pictures.Single(p => p.Contains("data-confusion", StringComparison.Ordinal));
        int[] drawn = [.. Parse(matrix.Replace("<svg ", "<svg xmlns=\"http://www.w3.org/2000/svg\" ", StringComparison.Ordinal))
            .Descendants(Svg + "rect").Where(r => r.Attribute("data-count") is not null).Select(r => (int)r.Attribute("data-count")!)];
        Assert.Equal(PrintedConfusion(result.Out, 2), drawn);
        string accuracy = EvaluatedAccuracy().Match(result.Out).Groups[1].Value;
        Assert.Contains($"<td>Accuracy</td><td>{accuracy} (", page, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plot_folder_that_links_to_the_data_folder_cannot_overwrite_the_data()
    {
        Directory.CreateDirectory(PathOf("real"));
        string data = _dir.Write(Path.Combine("real", "loss.svg"), "a,b,label\n0,0,x\n0,1,y\n1,0,y\n1,1,x\n0.1,0.1,x\n0.1,0.9,y\n0.9,0.1,y\n0.9,0.9,x\n");
        string before = File.ReadAllText(data);
        Directory.CreateSymbolicLink(PathOf("link"), PathOf("real"));

        CliRunner.Result result = CliRunner.InProcess(["train", "--epochs", "2", "--data", data, "--plot", PathOf("link")]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("loss.svg would overwrite the --data file", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(data));
    }

    [Fact]
    public void Bad_picture_paths_get_one_line_and_exit_code_2_before_training()
    {
        string data = _dir.Write("d.csv", "a,b,label\n0,0,x\n0,1,y\n1,0,y\n1,1,x\n0.1,0.1,x\n0.1,0.9,y\n0.9,0.1,y\n0.9,0.9,x\n");
        string dataAsHtml = _dir.Write("d.html", File.ReadAllText(data));
        Directory.CreateDirectory(PathOf("pics"));
        string dataInPictures = _dir.Write(Path.Combine("pics", "loss.svg"), File.ReadAllText(data));
        (string[] Args, string Message)[] cases =
        [
            (["--data", data, "--plot", data], "--plot " + data + ": this is a file"),
            (["--data", data, "--plot", ""], "--plot: give a folder"),
            (["--data", dataInPictures, "--plot", PathOf("pics")], "loss.svg would overwrite the --data file"),
            (["--data", data, "--report", PathOf("r.txt")], "give a file name ending in .html"),
            (["--data", data, "--report", PathOf(Path.Combine("missing", "r.html"))], "does not exist"),
            (["--data", data, "--report", _dir.Path], "give a file name ending in .html"),
            (["--data", dataAsHtml, "--report", dataAsHtml], "this is the --data file"),
        ];
        foreach ((string[] args, string message) in cases)
        {
            CliRunner.Result result = CliRunner.InProcess(["train", "--epochs", "2", .. args]);
            Assert.Equal(2, result.ExitCode);
            Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
            Assert.Contains(message, result.Error, StringComparison.Ordinal);
            Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
            Assert.DoesNotContain("Finished", result.Out, StringComparison.Ordinal);
        }
        Assert.Equal(File.ReadAllText(data), File.ReadAllText(dataAsHtml));
        Assert.Equal(File.ReadAllText(data), File.ReadAllText(dataInPictures));
    }

    [Fact]
    public void Picture_options_need_data_and_evaluate_checks_its_report_path()
    {
        CliRunner.Result plot = CliRunner.InProcess("train", "--plot", PathOf("p"));
        Assert.Equal(2, plot.ExitCode);
        Assert.Equal("error: --plot applies to training on data; add --dataset NAME or --data FILE\n", plot.Error);
        Assert.False(Directory.Exists(PathOf("p")));
        CliRunner.Result report = CliRunner.InProcess("train", "--report", PathOf("r.html"));
        Assert.Equal(2, report.ExitCode);

        Assert.Equal(0, TrainMoons("--out", PathOf("m.json"), "--quiet").ExitCode);
        CliRunner.Result evaluate = CliRunner.InProcess("evaluate", "--model", PathOf("m.json"), "--dataset", "moons", "--report", PathOf("r.svg"));
        Assert.Equal(2, evaluate.ExitCode);
        Assert.Contains("--report", evaluate.Error, StringComparison.Ordinal);
        Assert.Equal("", evaluate.Out);
    }

    private static void AssertSelfContained(string page)
    {
        foreach (string outside in new[] { "http:", "https:", "//", "<script", "url(", "@import", "src=", "href=", "<link" })
        {
            Assert.DoesNotContain(outside, page, StringComparison.OrdinalIgnoreCase);
        }
    }

    private static string[] InlineSvgs(string page) => [.. SvgElement().Matches(page).Select(m => m.Value)];

    // The last k lines of `evaluate`'s output are the confusion matrix rows: a class name and k counts.
    private static int[] PrintedConfusion(string output, int k)
        => [.. output.TrimEnd('\n').Split('\n')[^k..].SelectMany(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1))
            .Select(n => int.Parse(n, CultureInfo.InvariantCulture))];

    [GeneratedRegex("Test accuracy ([0-9.]+)")]
    private static partial Regex TestAccuracy();

    [GeneratedRegex("Accuracy  ([0-9.]+)")]
    private static partial Regex EvaluatedAccuracy();

    [GeneratedRegex("<svg .*?</svg>", RegexOptions.Singleline)]
    private static partial Regex SvgElement();
}
