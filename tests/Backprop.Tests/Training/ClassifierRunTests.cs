using System.Reflection;
using System.Runtime.CompilerServices;

namespace Backprop.Tests.Training;

/// <summary>
/// The public pieces that the `train`, `evaluate` and `predict` commands build on: a training run taken step by step,
/// prediction and evaluation on already-scaled rows, and metrics added after training. The command-line tool uses
/// the library's public API only.
/// </summary>
public class ClassifierRunTests
{
    private static readonly ClassifierOptions Options = new() { HiddenLayers = [8], Epochs = 5, BatchSize = 16, Seed = 2 };

    [Fact]
    public void The_command_line_tool_sees_no_internals_of_the_library()
    {
        string[] friends = [.. typeof(Model).Assembly.GetCustomAttributes<InternalsVisibleToAttribute>().Select(a => a.AssemblyName)];
        Assert.Contains("Backprop.Tests", friends);
        Assert.DoesNotContain("Backprop.Cli", friends);
    }

    [Fact]
    public void A_run_taken_step_by_step_gives_the_model_that_Fit_gives()
    {
        Dataset<float> raw = TestData.Blobs(30, seed: 3);
        FeatureScaler scaler = FeatureScaler.Fit(raw, Options.Scaling);
        var features = raw.Features.ToArray();
        scaler.Apply<float>(features);
        var train = new Dataset<float>(features, raw.FeatureCount, raw.Labels.ToArray(), raw.OutputCount, raw.FeatureNames, raw.ClassNames);

        var run = new ClassifierRun(Options, train);
        TrainingResult result = run.Trainer.Fit(train);
        Model model = run.ToModel(result, raw.LabelName, scaler, raw.FeatureNames, raw.ClassNames, new Dictionary<string, string> { ["split_seed"] = "7" });

        Model fitted = Classifier.Fit(raw, Options);
        Assert.Equal(fitted.Network.Parameters.ToArray(), model.Network.Parameters.ToArray());
        Assert.Same(run.Network, model.Network);
        Assert.Equal("7", model.TrainingOptions["split_seed"]);
        Assert.Equal(run.Describe()["layers"], model.TrainingOptions["layers"]);
        Assert.Equal("2,8,3", run.Describe()["layers"]);
        Assert.Equal(5, model.Metrics["epochs"]);
    }

    [Fact]
    public void Layer_sizes_that_do_not_fit_the_data_are_refused()
    {
        Dataset<float> train = TestData.Blobs(10);
        var e = Assert.Throws<ArgumentException>(() => new ClassifierRun(Options, train, [3, 8, 3]));
        Assert.Contains("must start with its 2 features and end with its 3 classes", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new ClassifierRun(Options, train, [2, 8, 4]));
        Assert.Equal("2,5,3", new ClassifierRun(Options, train, [2, 5, 3]).Describe()["layers"]);
    }

    [Fact]
    public void Scaled_rows_predict_and_evaluate_as_the_raw_rows_do()
    {
        Model model = Classifier.Fit(TestData.Blobs(30, seed: 4), Options with { Scaling = ScalingKind.Standard });
        Dataset<float> test = TestData.Blobs(10, seed: 5);
        float[] scaled = test.Features.ToArray();
        model.Scaler.Apply<float>(scaled);
        var scaledTest = new Dataset<float>(scaled, test.FeatureCount, test.Labels.ToArray(), test.OutputCount);

        Assert.Equal(model.PredictProbabilities(test), model.PredictScaledProbabilities(scaled));
        Evaluation raw = model.Evaluate(test);
        Evaluation fromScaled = model.EvaluateScaled(scaledTest);
        Assert.Equal(raw.Accuracy, fromScaled.Accuracy);
        Assert.Equal(raw.LogLoss, fromScaled.LogLoss);
        // Scaling twice is not the same thing: the scaled entry points do not scale again.
        Assert.NotEqual(model.PredictProbabilities(scaled), model.PredictScaledProbabilities(scaled));

        var e = Assert.Throws<ArgumentException>(() => model.PredictScaledProbabilities(scaled.AsSpan(1)));
        Assert.Contains("are not rows of 2 features", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => model.EvaluateScaled(TestData.Blobs(3, features: 3)));
    }

    [Fact]
    public void A_metric_set_after_training_is_saved_with_the_model()
    {
        Model model = Classifier.Fit(TestData.Blobs(20, seed: 6), Options);
        model.SetMetric("test_accuracy", 0.875);
        model.SetMetric("epochs", 9);
        using var stream = new MemoryStream();
        model.Save(stream);
        stream.Position = 0;
        Model loaded = Model.Load(stream);
        Assert.Equal(0.875, loaded.Metrics["test_accuracy"]);
        Assert.Equal(9, loaded.Metrics["epochs"]);
        Assert.Throws<ArgumentException>(() => model.SetMetric(" ", 1));
        Assert.Throws<ArgumentNullException>(() => model.SetMetric(null!, 1));
    }
}
