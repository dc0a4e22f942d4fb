namespace Backprop.Tests.Cli;

/// <summary>`train --cv K`: the folds and their mean ± sd, then the model as usual; bad fold counts refused in one line.</summary>
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
        double[] accuracies = [.. rows.Select(l => double.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3], System.Globalization.CultureInfo.InvariantCulture))];
        string summary = r.Out.Split('\n').Single(l => l.StartsWith("mean ± sd", StringComparison.Ordinal));
        double mean = double.Parse(summary.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(accuracies.Average(), mean, 3);
        Assert.InRange(mean, 0.85, 1.0);
        Assert.Contains("Test accuracy", r.Out, StringComparison.Ordinal);

        Model saved = Model.Load(model);
        Assert.Equal(mean, saved.Metrics["cv_accuracy"], 3);
        Assert.Equal(4, saved.Metrics["cv_folds"]);
        Assert.True(saved.Metrics.ContainsKey("cv_accuracy_sd"));
    }

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
