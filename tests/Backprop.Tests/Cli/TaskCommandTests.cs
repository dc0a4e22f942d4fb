using System.Globalization;
using Backprop.Tests.Models;

namespace Backprop.Tests.Cli;

/// <summary>`train`, `evaluate` and `predict` on regression and multi-label data: the task chosen and said, the metrics, the outputs, bad input.</summary>
public sealed class TaskCommandTests : IDisposable
{
    private readonly string _dir = TestData.TempDirectory();

    public void Dispose() => Directory.Delete(_dir, true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private string Write(string name, string content)
    {
        File.WriteAllText(PathOf(name), content);
        return PathOf(name);
    }

    [Fact]
    public void Diabetes_trains_as_regression_says_so_and_scores_r_squared_on_a_held_out_quarter()
    {
        CliRunner.Result r = CliRunner.InProcess("train", "--data", TaskData.DiabetesPath, "--label", "progression", "--test-fraction", "0.25", "--out", PathOf("d.json"));
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("Task: regression, chosen from the label ('progression' holds numbers that are not 20 or fewer distinct integers); --task classification|regression|multilabel overrides it", r.Out);
        Assert.Contains("Network: 10 → 100 → 1, identity + mse", r.Out);
        string line = r.Out.Split('\n').Single(l => l.StartsWith("Test R² ", StringComparison.Ordinal));
        double r2 = double.Parse(line.Split(' ')[2].TrimEnd(','), CultureInfo.InvariantCulture);
        Assert.True(r2 >= 0.40, line);
        Model model = Model.Load(PathOf("d.json"));
        Assert.Equal(r2, model.Metrics["test_r2"], 4);

        CliRunner.Result e = CliRunner.InProcess("evaluate", "--model", PathOf("d.json"), "--data", TaskData.DiabetesPath);
        Assert.True(e.ExitCode == 0, e.Error);
        Assert.Contains("Rows      442", e.Out);
        Assert.Contains("progression", e.Out);
        Assert.Contains("R²", e.Out);

        CliRunner.Result p = CliRunner.InProcess("predict", "--model", PathOf("d.json"), "--data", TaskData.DiabetesPath);
        Assert.True(p.ExitCode == 0, p.Error);
        string[] lines = p.Out.TrimEnd('\n').Split('\n');
        Assert.Equal("progression", lines[0]);
        Assert.Equal(443, lines.Length);
        float[] expected = model.PredictValues(TaskData.Diabetes());
        Assert.Equal(expected[0], float.Parse(lines[1], CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Task_and_huber_loss_can_be_given()
    {
        CliRunner.Result r = CliRunner.InProcess("train", "--data", TaskData.DiabetesPath, "--label", "progression", "--task", "regression", "--loss", "huber:0.5",
            "--hidden", "8", "--epochs", "3", "--out", PathOf("h.json"));
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("Task: regression (--task)", r.Out);
        Assert.Contains("identity + huber (δ = 0.5)", r.Out);
        Assert.Equal("huber:0.5", Model.Load(PathOf("h.json")).TrainingOptions["loss"]);
    }

    [Fact]
    public void Multi_label_columns_train_evaluate_and_predict_probabilities_and_decisions()
    {
        string data = Write("labels.csv", TaskData.IrisLabelsCsv());
        CliRunner.Result r = CliRunner.InProcess("train", "--data", data, "--label", "is_setosa,long_petal,wide_sepal", "--hidden", "16", "--lr", "0.01",
            "--epochs", "60", "--seed", "1", "--out", PathOf("m.json"));
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("Task: multilabel, chosen from the label (several label columns of 0/1, yes/no or true/false)", r.Out);
        Assert.Contains("3 yes/no labels (is_setosa, long_petal, wide_sepal)", r.Out);
        Assert.Contains("Test subset accuracy ", r.Out);

        CliRunner.Result e = CliRunner.InProcess("evaluate", "--model", PathOf("m.json"), "--data", data, "--decision-threshold", "0.4");
        Assert.True(e.ExitCode == 0, e.Error);
        Assert.Contains("Threshold        0.4", e.Out);
        Assert.Contains("Hamming loss", e.Out);
        Assert.Contains("Micro F1", e.Out);
        Assert.Contains("long_petal", e.Out);

        CliRunner.Result p = CliRunner.InProcess("predict", "--model", PathOf("m.json"), "--data", data);
        Assert.True(p.ExitCode == 0, p.Error);
        string[] lines = p.Out.TrimEnd('\n').Split('\n');
        Assert.Equal("is_setosa,long_petal,wide_sepal,p_is_setosa,p_long_petal,p_wide_sepal", lines[0]);
        Assert.Equal(151, lines.Length);
        string[] first = lines[1].Split(',');
        for (int j = 0; j < 3; j++)
        {
            float probability = float.Parse(first[3 + j], CultureInfo.InvariantCulture);
            Assert.Equal(probability > 0.5f ? "1" : "0", first[j]);
        }
    }

    [Fact]
    public void Rows_without_a_label_are_left_out_and_counted()
    {
        string data = Write("gaps.csv", "a,b,y\n1,2,x\n2,1,\n3,3,z\n4,4,NA\n5,2,x\n6,1,z\n7,3,x\n8,2,z\n");
        CliRunner.Result r = CliRunner.InProcess("train", "--data", data, "--hidden", "2", "--epochs", "1", "--test-fraction", "0");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("6 rows, 2 features, 2 classes (x, z), label 'y'; 2 rows without a label left out", r.Out);
        r = CliRunner.InProcess("train", "--data", data, "--hidden", "2", "--epochs", "1", "--test-fraction", "0", "--quiet", "--out", PathOf("gaps.json"));
        Assert.True(r.ExitCode == 0, r.Error);
        CliRunner.Result e = CliRunner.InProcess("evaluate", "--model", PathOf("gaps.json"), "--data", data);
        Assert.True(e.ExitCode == 0, e.Error);
        Assert.StartsWith("2 rows without a label left out\nRows      6\n", e.Out.ReplaceLineEndings("\n"));
        CliRunner.Result p = CliRunner.InProcess("predict", "--model", PathOf("gaps.json"), "--data", data);
        Assert.True(p.ExitCode == 0, p.Error);
        Assert.Equal(9, p.Out.TrimEnd('\n').Split('\n').Length); // the header and all 8 rows: predict drops none
    }

    [Theory]
    [InlineData("a,b,c\n1,0,1\n2,1,maybe\n", "line 3, column 'c': 'maybe' is not 0/1, yes/no or true/false", "--task", "multilabel")]
    [InlineData("a,b,c\n1,0,1\n2,1,maybe\n", "line 3, column 'c': 'maybe' is neither a number nor 0/1, yes/no or true/false", null, null)]
    [InlineData("a,b,c\n1,0,1.5\n2,1,NaN\n", "line 3, column 'c': 'NaN' is not a finite number", null, null)]
    [InlineData("a,b,c\n1,0,1.5\n2,1,Infinity\n", "line 3, column 'c': 'Infinity' is not a finite number", null, null)]
    public void A_bad_label_value_is_one_line_naming_the_column_and_nothing_is_written(string csv, string expected, string? option, string? value)
    {
        string data = Write("bad.csv", csv);
        string[] args = ["train", "--data", data, "--label", "b,c", "--out", PathOf("bad.json"), .. option is null ? Array.Empty<string>() : [option, value!]];
        CliRunner.Result r = CliRunner.InProcess(args);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains(expected, r.Error);
        Assert.Single(r.Error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("error: ", r.Error);
        Assert.False(File.Exists(PathOf("bad.json")));
    }

    [Theory]
    [InlineData("--task", "clustering", "--task: unknown task 'clustering'")]
    [InlineData("--loss", "mse", "--loss mse: classification uses cross-entropy")]
    [InlineData("--decision-threshold", "0.3", "--decision-threshold applies to multi-label training")]
    [InlineData("--decision-threshold", "1.5", "--decision-threshold must be in (0, 1)")]
    public void Options_that_do_not_fit_the_task_are_usage_errors(string option, string value, string expected)
    {
        CliRunner.Result r = CliRunner.InProcess("train", "--dataset", "iris", "--epochs", "1", option, value, "--out", PathOf("x.json"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Error);
        Assert.False(File.Exists(PathOf("x.json")));
    }

    [Fact]
    public void A_classification_loss_on_regression_data_is_a_usage_error()
    {
        CliRunner.Result r = CliRunner.InProcess("train", "--data", TaskData.DiabetesPath, "--loss", "cross-entropy", "--epochs", "1");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--loss cross-entropy: regression trains with mse or huber", r.Error);
    }

    [Fact]
    public void The_iris_run_is_unchanged_by_the_task_rule()
    {
        CliRunner.Result r = CliRunner.InProcess("train", "--dataset", "iris", "--hidden", "4", "--epochs", "5", "--quiet");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("Test accuracy", r.Out);
    }

    private string SmallRegressionModel()
    {
        CliRunner.Result r = CliRunner.InProcess("train", "--data", TaskData.DiabetesPath, "--hidden", "4", "--epochs", "3", "--quiet", "--out", PathOf("small.json"));
        Assert.True(r.ExitCode == 0, r.Error);
        return PathOf("small.json");
    }

    [Fact]
    public void A_regression_model_is_fine_tuned_with_its_target_scaler()
    {
        string model = SmallRegressionModel();
        CliRunner.Result r = CliRunner.InProcess("train", "--data", TaskData.DiabetesPath, "--init-model", model, "--epochs", "2", "--quiet", "--out", PathOf("tuned.json"));
        Assert.True(r.ExitCode == 0, r.Error);
        Model start = Model.Load(model);
        Model tuned = Model.Load(PathOf("tuned.json"));
        Assert.Equal(LearningTask.Regression, tuned.Task);
        Assert.Equal(start.TargetScaler!.Offset, tuned.TargetScaler!.Offset);
        Assert.Equal(start.TargetScaler.Scale, tuned.TargetScaler.Scale);
    }

    [Fact]
    public void Commands_that_need_a_classifier_refuse_another_model_in_one_line()
    {
        string model = SmallRegressionModel();
        CliRunner.Result explain = CliRunner.InProcess("explain", "--model", model, "--input", "1,2,3,4,5,6,7,8,9,10");
        Assert.Equal(2, explain.ExitCode);
        Assert.Contains("explain --model explains classifiers; " + model + " is a regression model", explain.Error);
        CliRunner.Result builtIn = CliRunner.InProcess("evaluate", "--model", model, "--dataset", "iris");
        Assert.Equal(1, builtIn.ExitCode);
        Assert.Contains("iris has class labels, but the model is a regression model", builtIn.Error);
        CliRunner.Result threshold = CliRunner.InProcess("predict", "--model", model, "--data", TaskData.DiabetesPath, "--decision-threshold", "0.3");
        Assert.Equal(2, threshold.ExitCode);
        Assert.Contains("--decision-threshold applies to multi-label models; this is a regression model", threshold.Error);
    }

    [Fact]
    public void A_regression_model_exported_to_safetensors_is_refused_on_import_naming_its_task()
    {
        string model = SmallRegressionModel();
        CliRunner.Result export = CliRunner.InProcess("export", "--model", model, "--format", "safetensors", "--out", PathOf("m.safetensors"));
        Assert.True(export.ExitCode == 0, export.Error);
        CliRunner.Result import = CliRunner.InProcess("import", PathOf("m.safetensors"), "--out", PathOf("back.json"));
        Assert.Equal(1, import.ExitCode);
        Assert.Contains("metadata task is 'regression'; import reads classifiers", import.Error);
        Assert.False(File.Exists(PathOf("back.json")));
    }
}
