using System.Globalization;
using Backprop.Tests.Models;

namespace Backprop.Tests.Cli;

/// <summary>`train --cv K`: the folds and their mean ± sd for every task, then the model as usual; bad fold counts refused in one line.</summary>
public sealed class CrossValidationCommandTests : IDisposable
{
    private readonly string _dir = TestData.TempDirectory();

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void Cv_prints_every_fold_and_the_mean_then_trains_and_saves_the_model()
    {
        string model = Path.Combine(_dir, "iris.json");
        CliRunner.Result r = CliRunner.InProcess("train", "--dataset", "iris", "--hidden", "8", "--lr", "0.01", "--epochs", "30", "--cv", "4", "--quiet", "--out", model);

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Error);
        Assert.Contains("Cross-validation: 4 folds of the 120 training rows (stratified, seed 0)", r.Out, StringComparison.Ordinal);
        string[] rows = [.. r.Out.Split('\n').Where(l => l.Length > 0 && char.IsDigit(l[0]) && l.Contains("  90 ", StringComparison.Ordinal))];
        Assert.Equal(4, rows.Length);
        double[] accuracies = [.. rows.Select(l => double.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3], CultureInfo.InvariantCulture))];
        string summary = r.Out.Split('\n').Single(l => l.StartsWith("mean ± sd", StringComparison.Ordinal));
        double mean = double.Parse(summary.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3], CultureInfo.InvariantCulture);
        Assert.Equal(accuracies.Average(), mean, 3);
        Assert.InRange(mean, 0.85, 1.0);
        Assert.Contains("Test accuracy", r.Out, StringComparison.Ordinal);

        Model saved = Model.Load(model);
        Assert.Equal(mean, saved.Metrics["cv_accuracy"], 3);
        Assert.Equal(4, saved.Metrics["cv_folds"]);
        Assert.True(saved.Metrics.ContainsKey("cv_accuracy_sd"));
    }

    [Fact]
    public void Diabetes_cv_5_prints_r_squared_rmse_and_mae_per_fold_as_the_library_computes_them_in_the_targets_units()
    {
        string model = Path.Combine(_dir, "diabetes.json");
        CliRunner.Result r = CliRunner.InProcess("train", "--data", TaskData.DiabetesPath, "--hidden", "8", "--lr", "0.01", "--epochs", "20", "--cv", "5", "--quiet", "--out", model);

        Assert.True(r.ExitCode == 0, r.Error);
        // The same training rows and feature scaling as train's; the targets in their own units, each fold standardising its own.
        Dataset<float> train = StratifiedSplit.Split(TaskData.Diabetes(), 0.2, 0, seed: 0).Train;
        train.Rescale(FeatureScaler.Fit(train, ScalingKind.Standard));
        CrossValidationResult expected = CrossValidation.Regressor(train, new ClassifierOptions { HiddenLayers = [8], LearningRate = 0.01, Epochs = 20 }, 5);

        Assert.Contains($"Cross-validation: 5 folds of the {train.Count} training rows (shuffled, seed 0)", r.Out, StringComparison.Ordinal);
        string[] lines = r.Out.Split('\n');
        string header = lines.Single(l => l.StartsWith("fold  ", StringComparison.Ordinal));
        Assert.Equal(["fold", "train", "test", "r2", "rmse", "mae"], Cells(header));
        string[][] rows = [.. lines.SkipWhile(l => l != header).Skip(1).TakeWhile(l => l.Length > 0 && char.IsDigit(l[0])).Select(Cells)];
        Assert.Equal(5, rows.Length);
        for (int f = 0; f < 5; f++)
        {
            FoldScore fold = expected.Folds[f];
            Assert.Equal([F(fold.Fold), F(fold.TrainRows), F(fold.TestRows), F4(fold.Scores["r2"]), F4(fold.Scores["rmse"]), F4(fold.Scores["mae"])], rows[f]);
        }
        string summary = lines.Single(l => l.StartsWith("mean ± sd", StringComparison.Ordinal));
        Assert.Equal($"{F4(expected.Mean(Metric.RSquared))} ± {F4(expected.StandardDeviation(Metric.RSquared))}", string.Join(" ", Cells(summary).Skip(3).Take(3)));
        // Progression's standard deviation is 77: an RMSE in its units, not in standard deviations.
        Assert.InRange(expected.Mean(Metric.RootMeanSquaredError), 40, 90);
        Assert.Contains("Test R² ", r.Out, StringComparison.Ordinal);

        Model saved = Model.Load(model);
        Assert.Equal(expected.Mean(Metric.RSquared), saved.Metrics["cv_r2"], 12);
        Assert.Equal(expected.StandardDeviation(Metric.MeanAbsoluteError), saved.Metrics["cv_mae_sd"], 12);
    }

    [Fact]
    public void Multi_label_columns_cross_validate_with_subset_accuracy_hamming_loss_and_f1()
    {
        string data = Path.Combine(_dir, "labels.csv");
        File.WriteAllText(data, TaskData.IrisLabelsCsv());
        CliRunner.Result r = CliRunner.InProcess("train", "--data", data, "--label", "is_setosa,long_petal,wide_sepal", "--hidden", "16", "--lr", "0.01",
            "--epochs", "30", "--cv", "3", "--quiet");

        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("Cross-validation: 3 folds of the 120 training rows (shuffled, seed 0)", r.Out, StringComparison.Ordinal);
        string[] lines = r.Out.Split('\n');
        Assert.Equal(["fold", "train", "test", "subset_accuracy", "hamming_loss", "micro_f1", "macro_f1"], Cells(lines.Single(l => l.StartsWith("fold  ", StringComparison.Ordinal))));
        Assert.Equal(3, lines.Count(l => l.StartsWith("fold ", StringComparison.Ordinal) && l.Contains("/3: subset_accuracy ", StringComparison.Ordinal)));
        string[] mean = Cells(lines.Single(l => l.StartsWith("mean ± sd", StringComparison.Ordinal)));
        Assert.InRange(double.Parse(mean[9], CultureInfo.InvariantCulture), 0.8, 1.0); // micro F1
        Assert.Contains("Test subset accuracy ", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void More_folds_than_regression_rows_is_one_line_naming_cv()
    {
        CliRunner.Result r = CliRunner.InProcess("train", "--data", TaskData.DiabetesPath, "--epochs", "1", "--cv", "400");
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("error: --cv 400: 400 folds need at least 400 rows; the data has 354 (in the 354 training rows)", r.Error, StringComparison.Ordinal);
        Assert.Single(r.Error.TrimEnd('\n').Split('\n'));
        Assert.Equal("", r.Out);
    }

    private static string[] Cells(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static string F(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string F4(double value) => value.ToString("F4", CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("1", "--cv must be at least 2")]
    [InlineData("0", "--cv must be at least 2")]
    [InlineData("41", "--cv 41: 41 folds need at least 41 rows of every class, but class 'setosa' has 40; use at most 40 folds (in the 120 training rows)\n")]
    public void A_fold_count_the_data_cannot_fill_is_one_line_with_exit_code_2_and_nothing_written(string folds, string message)
    {
        string model = Path.Combine(_dir, "m.json");
        CliRunner.Result r = CliRunner.InProcess("train", "--dataset", "iris", "--epochs", "5", "--cv", folds, "--out", model);

        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("error: " + message, r.Error, StringComparison.Ordinal);
        Assert.Single(r.Error.TrimEnd('\n').Split('\n'));
        Assert.Equal("", r.Out);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    [Fact]
    public void Cv_cannot_resume_a_checkpoint()
    {
        CliRunner.Result r = CliRunner.InProcess("train", "--dataset", "iris", "--cv", "3", "--resume", Path.Combine(_dir, "c.json"));
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("error: --cv ", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Cv_applies_only_to_training_on_data()
    {
        CliRunner.Result r = CliRunner.InProcess("train", "--cv", "3");
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("error: --cv applies to training on data", r.Error, StringComparison.Ordinal);
    }
}
