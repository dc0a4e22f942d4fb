using System.Diagnostics;
using System.Globalization;
using Backprop.Tests.Models;

namespace Backprop.Tests.Cli;

/// <summary>`backprop search`: ranked trials, the best as a train command, determinism, bad search spaces, Ctrl+C.</summary>
public sealed class SearchCommandTests : IDisposable
{
    private readonly string _dir = TestData.TempDirectory();

    public void Dispose() => Directory.Delete(_dir, true);

    private static readonly string[] Small = ["search", "--dataset", "iris", "--lr", "0.00001,0.02", "--hidden", "8,4x4", "--epochs", "15", "--cv", "3"];

    [Fact]
    public void The_search_ranks_a_useful_learning_rate_above_a_useless_one_and_prints_it_as_a_train_command()
    {
        CliRunner.Result r = CliRunner.InProcess(Small);

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Error);
        Assert.Contains("Search: 4 settings (the grid), each scored by 3-fold cross-validation on the 120 training rows; ranked by accuracy", r.Out, StringComparison.Ordinal);
        string[] table = TableRows(r.Out);
        Assert.Equal(4, table.Length);
        // The two settings with η = 0.02 come first, those with η = 1e-5 (which barely move from their start) last.
        Assert.All(table.Take(2), row => Assert.Equal("0.02", Cells(row)[3]));
        Assert.All(table.Skip(2), row => Assert.Equal("1E-05", Cells(row)[3]));
        double first = Mean(Cells(table[0])[8]);
        double last = Mean(Cells(table[3])[8]);
        Assert.True(first > last + 0.2, $"{first} vs {last}");
        string command = r.Out.Split('\n').Single(l => l.StartsWith("backprop train ", StringComparison.Ordinal));
        Assert.Contains("--dataset iris --epochs 15 --optimizer adam --lr 0.02 ", command, StringComparison.Ordinal);
        Assert.EndsWith("--seed 0 --cv 3", command, StringComparison.Ordinal);
    }

    [Fact]
    public void The_best_command_reproduces_the_best_score()
    {
        CliRunner.Result r = CliRunner.InProcess(Small);
        string command = r.Out.Split('\n').Single(l => l.StartsWith("backprop train ", StringComparison.Ordinal));
        string bestAccuracy = string.Join(" ", Cells(TableRows(r.Out)[0]).Skip(8).Take(3));

        CliRunner.Result train = CliRunner.InProcess([.. command.Split(' ').Skip(1), "--quiet"]);

        Assert.Equal(0, train.ExitCode);
        string summary = train.Out.Split('\n').Single(l => l.StartsWith("mean ± sd", StringComparison.Ordinal));
        Assert.Equal(bestAccuracy, string.Join(" ", summary.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(3).Take(3)));
    }

    [Fact]
    public void The_same_command_prints_the_same_table()
    {
        string[] args = ["search", "--dataset", "iris", "--lr", "0.001,0.01,0.1", "--hidden", "4,8", "--dropout", "0,0.2", "--epochs", "5", "--cv", "2", "--random", "5", "--seed", "7"];
        CliRunner.Result a = CliRunner.InProcess(args);
        CliRunner.Result b = CliRunner.InProcess(args);

        Assert.Equal(0, a.ExitCode);
        Assert.Equal(a.Out, b.Out);
        Assert.Contains("Search: 5 settings (5 drawn at random from a grid of 12 (seed 7))", a.Out, StringComparison.Ordinal);
        Assert.Equal(5, TableRows(a.Out).Length);
        Assert.Equal(5, TableRows(a.Out).Select(row => string.Join(" ", Cells(row).Skip(2).Take(6))).Distinct().Count());
    }

    [Fact]
    public void Without_cv_a_validation_split_scores_the_trials()
    {
        CliRunner.Result r = CliRunner.InProcess("search", "--dataset", "iris", "--validation-fraction", "0.2", "--batch-size", "8,64", "--hidden", "4", "--lr", "0.01", "--epochs", "5");

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("each scored by the 30 validation rows", r.Out, StringComparison.Ordinal);
        Assert.Equal(2, TableRows(r.Out).Length);
        Assert.DoesNotContain("±", string.Join("\n", TableRows(r.Out)), StringComparison.Ordinal);
        Assert.DoesNotContain("--cv", r.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--cv", "1", "--cv must be at least 2")]
    [InlineData("--cv", "41", "--cv 41: 41 folds need at least 41 rows of every class, but class 'setosa' has 40")]
    [InlineData("--lr", "", "--lr: no values to search")]
    [InlineData("--lr", " , ", "--lr: no values to search")]
    [InlineData("--lr", "0.1,,0.2", "--lr: item 2 of '0.1,,0.2' is empty")]
    [InlineData("--lr", "0.1,-1", "--lr must be a positive number (got -1)")]
    [InlineData("--lr", "fast", "--lr: 'fast' is not a finite number")]
    [InlineData("--dropout", "0,1", "--dropout must be in [0, 1) (got 1)")]
    [InlineData("--hidden", "16,8x0", "--hidden: '8x0' is not a list of layer sizes")]
    [InlineData("--optimizer", "adam,lion", "--optimizer: unknown optimizer 'lion'")]
    [InlineData("--batch-size", "0", "--batch-size must be at least 1 (got 0)")]
    [InlineData("--weight-decay", "-1", "--weight-decay must be zero or positive (got -1)")]
    [InlineData("--random", "0", "--random must be at least 1 (got 0)")]
    [InlineData("--metric", "speed", "--metric: unknown metric 'speed'")]
    [InlineData("--patience", "3", "--patience needs a validation split")]
    public void A_bad_search_space_is_one_line_naming_the_option_with_exit_code_2(string option, string value, string message)
    {
        CliRunner.Result r = CliRunner.InProcess("search", "--dataset", "iris", "--epochs", "2", option, value);

        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("error: " + message, r.Error, StringComparison.Ordinal);
        Assert.Single(r.Error.TrimEnd('\n').Split('\n'));
        Assert.Equal("", r.Out);
    }

    [Fact]
    public void A_grid_too_large_to_run_whole_asks_for_random_sampling()
    {
        string many = string.Join(",", Enumerable.Range(1, 200).Select(i => (i * 1e-4).ToString(CultureInfo.InvariantCulture)));
        CliRunner.Result r = CliRunner.InProcess("search", "--dataset", "iris", "--lr", many, "--hidden", string.Join(",", Enumerable.Range(1, 60)));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("the grid has 12000 settings", r.Error, StringComparison.Ordinal);
        Assert.Contains("--random N", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Ctrl_c_prints_the_finished_trials_and_exits_with_130()
    {
        // The second trial is long (about 10¹² multiply-adds, a minute or more), so the signal reaches it while it trains
        // even on a busy machine; it stops after its current batch.
        using Process process = CliRunner.StartInterruptible("search", "--dataset", "iris", "--hidden", "2,2048x2048x2048", "--epochs", "300", "--cv", "2");
        string? line;
        do
        {
            line = process.StandardOutput.ReadLine();
        }
        while (line is not null && !line.StartsWith("trial 1/2", StringComparison.Ordinal));
        Assert.NotNull(line);
        using (Process kill = Process.Start("/bin/sh", ["-c", $"kill -INT {process.Id}"]))
        {
            kill.WaitForExit();
        }
        string rest = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "the process did not stop");
        Assert.Equal(130, process.ExitCode);
        Assert.Contains("Interrupted during trial 2; the table holds the 1 finished trial.", rest, StringComparison.Ordinal);
        Assert.Single(TableRows(rest));
        Assert.Contains("Best: trial 1,", rest, StringComparison.Ordinal);
        Assert.Contains("backprop train --dataset iris --epochs 300 --optimizer adam --lr 0.001 --hidden 2 ", rest, StringComparison.Ordinal);
    }

    [Fact]
    public void A_search_on_diabetes_ranks_by_r_squared_is_deterministic_and_its_best_command_reproduces_the_score()
    {
        string[] args = ["search", "--data", TaskData.DiabetesPath, "--label", "progression", "--task", "regression", "--lr", "0.00001,0.01", "--hidden", "8",
            "--epochs", "10", "--cv", "3"];
        CliRunner.Result r = CliRunner.InProcess(args);
        CliRunner.Result again = CliRunner.InProcess(args);

        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal(r.Out, again.Out);
        Assert.Contains("Search: 2 settings (the grid), each scored by 3-fold cross-validation on the 354 training rows; ranked by r2 (higher is better).", r.Out, StringComparison.Ordinal);
        Assert.Equal(["r2 (mean ± sd)", "rmse (mean ± sd)", "mae (mean ± sd)"], HeaderCells(r.Out)[8..]);
        string[] table = TableRows(r.Out);
        Assert.Equal(2, table.Length);
        // η = 1e-5 barely moves the network from its start, which predicts about the mean: R² near 0 or below.
        Assert.Equal(["0.01", "1E-05"], table.Select(row => Cells(row)[3]));
        Assert.True(Mean(Cells(table[0])[8]) > Mean(Cells(table[1])[8]) + 0.2, string.Join("\n", table));
        string command = r.Out.Split('\n').Single(l => l.StartsWith("backprop train ", StringComparison.Ordinal));
        Assert.StartsWith($"backprop train --data {TaskData.DiabetesPath} --label progression --task regression --epochs 10 --optimizer adam --lr 0.01 ", command, StringComparison.Ordinal);

        CliRunner.Result train = CliRunner.InProcess([.. command.Split(' ').Skip(1), "--quiet"]);
        Assert.True(train.ExitCode == 0, train.Error);
        string summary = train.Out.Split('\n').Single(l => l.StartsWith("mean ± sd", StringComparison.Ordinal));
        Assert.Equal(string.Join(" ", Cells(table[0]).Skip(8)), string.Join(" ", Cells(summary).Skip(3)));
    }

    [Fact]
    public void A_regression_search_on_a_validation_split_ranks_by_rmse_when_asked_lowest_first()
    {
        CliRunner.Result r = CliRunner.InProcess("search", "--data", TaskData.DiabetesPath, "--validation-fraction", "0.2", "--lr", "0.00001,0.01", "--hidden", "4",
            "--epochs", "5", "--metric", "rmse", "--loss", "huber");

        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("ranked by rmse (lower is better)", r.Out, StringComparison.Ordinal);
        string[] table = TableRows(r.Out);
        // Columns r2, rmse, mae after the eight of the setting.
        Assert.True(Mean(Cells(table[0])[9]) < Mean(Cells(table[1])[9]), string.Join("\n", table));
        Assert.Contains(" --epochs 5 --loss huber --optimizer adam ", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_multi_label_search_ranks_by_subset_accuracy_and_its_command_keeps_the_labels_and_threshold()
    {
        string data = Path.Combine(_dir, "labels.csv");
        File.WriteAllText(data, TaskData.IrisLabelsCsv());
        CliRunner.Result r = CliRunner.InProcess("search", "--data", data, "--label", "is_setosa,long_petal,wide_sepal", "--lr", "0.01", "--hidden", "4,8",
            "--epochs", "5", "--cv", "2", "--decision-threshold", "0.4");

        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("ranked by subset_accuracy (higher is better)", r.Out, StringComparison.Ordinal);
        Assert.Equal(["subset_accuracy (mean ± sd)", "hamming_loss (mean ± sd)", "micro_f1 (mean ± sd)", "macro_f1 (mean ± sd)"], HeaderCells(r.Out)[8..]);
        Assert.Equal(2, TableRows(r.Out).Length);
        string command = r.Out.Split('\n').Single(l => l.StartsWith("backprop train ", StringComparison.Ordinal));
        Assert.Contains("--label is_setosa,long_petal,wide_sepal ", command, StringComparison.Ordinal);
        Assert.Contains("--decision-threshold 0.4 ", command, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--metric", "accuracy", "--metric accuracy: regression is scored by r2, rmse, mae")]
    [InlineData("--class-weights", "balanced", "--class-weights applies to classification; this is regression")]
    [InlineData("--decision-threshold", "0.3", "--decision-threshold applies to multi-label training; this is regression")]
    [InlineData("--loss", "cross-entropy", "--loss cross-entropy: regression trains with mse or huber")]
    public void Options_that_make_no_sense_for_regression_are_one_line_with_exit_code_2(string option, string value, string message)
    {
        CliRunner.Result r = CliRunner.InProcess("search", "--data", TaskData.DiabetesPath, "--epochs", "2", option, value);

        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("error: " + message, r.Error, StringComparison.Ordinal);
        Assert.Single(r.Error.TrimEnd('\n').Split('\n'));
        Assert.Equal("", r.Out);
    }

    [Fact]
    public void Means_that_differ_only_in_rounding_tie_and_the_next_metric_decides()
    {
        var setting = new Backprop.Cli.Commands.SearchSetting("adam", 0.01, [16], 0, null, null);
        Backprop.Cli.Commands.SearchTrial Trial(int number, double accuracy, double f1, double loss) =>
            new(number, setting, null, new Dictionary<string, double> { ["accuracy"] = accuracy, ["macro_f1"] = f1, ["log_loss"] = loss }, null);
        // Accuracies 1e-13 apart, as the same fold accuracies summed in another order can be.
        var trials = new[] { Trial(1, 0.9416666666666667 + 1e-13, 0.9398, 0.15), Trial(2, 0.9416666666666667, 0.9402, 0.16), Trial(3, double.NaN, double.NaN, double.NaN), Trial(4, 0.95, 0.5, 9) };

        Assert.Equal([4, 2, 1, 3], Backprop.Cli.Commands.SearchCommand.Rank(trials, Metric.Accuracy, Metric.Classification).Select(t => t.Number));
        Assert.Equal([1, 2, 4, 3], Backprop.Cli.Commands.SearchCommand.Rank(trials, Metric.LogLoss, Metric.Classification).Select(t => t.Number));
    }

    // The table's data rows: from the line after the header to the first empty line.
    private static string[] TableRows(string output)
    {
        string[] lines = output.Split('\n');
        int header = Array.FindIndex(lines, l => l.StartsWith("rank  trial", StringComparison.Ordinal));
        return [.. lines.Skip(header + 1).TakeWhile(l => l.Length > 0)];
    }

    private static string[] Cells(string row) => row.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    // The table's header cells, which are separated by two spaces or more.
    private static string[] HeaderCells(string output)
        => [.. System.Text.RegularExpressions.Regex.Split(output.Split('\n').Single(l => l.StartsWith("rank  trial", StringComparison.Ordinal)).TrimEnd(), " {2,}")];

    private static double Mean(string cell) => double.Parse(cell, CultureInfo.InvariantCulture);
}
