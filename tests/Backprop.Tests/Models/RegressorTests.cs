namespace Backprop.Tests.Models;

/// <summary>Regression: the regressor on diabetes, its metrics, the target scaling and the model file.</summary>
public sealed class RegressorTests
{
    [Fact]
    public void Diabetes_reaches_an_r_squared_of_at_least_0_40_on_a_held_out_quarter()
    {
        Dataset<float> all = TaskData.Diabetes();
        Assert.Equal((442, 10, LearningTask.Regression), (all.Count, all.FeatureCount, all.Task));
        DatasetSplits<float> parts = StratifiedSplit.Split(all, 0.25, 0, seed: 0);
        Model model = Regressor.Fit(parts.Train, new ClassifierOptions { Seed = 0 });
        RegressionEvaluation test = model.EvaluateRegression(parts.Test!);
        Assert.Equal(111, test.Count);
        Assert.True(test.AverageRSquared >= 0.40, $"R² {test.AverageRSquared:F4} on the held-out quarter");
        Assert.Equal(LearningTask.Regression, model.Task);
        Assert.Equal(["progression"], model.LabelNames);
        Assert.Empty(model.ClassNames);
    }

    [Fact]
    public void Predictions_are_in_the_targets_units_though_training_standardises_them()
    {
        Dataset<float> all = TaskData.Diabetes();
        Model model = Regressor.Fit(all, new ClassifierOptions { HiddenLayers = [8], Epochs = 30, Seed = 1 });
        FeatureScaler t = model.TargetScaler!;
        double mean = 0;
        foreach (float v in all.Targets)
        {
            mean += v;
        }
        Assert.Equal(mean / all.Count, t.Offset[0], 6);
        float[] values = model.PredictValues(all);
        Assert.InRange(values.Average(), 100, 200); // progression runs from 25 to 346, mean 152
        float[] scaledNetwork = model.PredictScaledValues(ScaledFeatures(model, all));
        Assert.Equal(values, scaledNetwork);
    }

    private static float[] ScaledFeatures(Model model, Dataset<float> data)
    {
        float[] x = data.Features.ToArray();
        model.Scaler.Apply<float>(x);
        return x;
    }

    [Fact]
    public void Huber_loss_with_its_delta_is_trained_and_recorded()
    {
        Dataset<float> all = TaskData.Diabetes();
        Model model = Regressor.Fit(all, new ClassifierOptions { HiddenLayers = [4], Epochs = 3, Loss = new Huber(0.5), Seed = 1 });
        Assert.Equal(0.5, Assert.IsType<Huber>(model.Network.Loss).Threshold);
        Assert.Equal("huber:0.5", model.TrainingOptions["loss"]);
        Assert.Equal("regression", model.TrainingOptions["task"]);
    }

    [Fact]
    public void Several_targets_are_learned_at_once_with_metrics_per_target()
    {
        string csv = File.ReadAllText(TaskData.DiabetesPath);
        Dataset<float> all = CsvDatasetReader.Read<float>(new StringReader(csv), "diabetes.csv", new CsvDatasetOptions { Labels = ["progression", "glu"] });
        Assert.Equal((9, 2), (all.FeatureCount, all.OutputCount));
        Model model = Regressor.Fit(all, new ClassifierOptions { HiddenLayers = [16], Epochs = 20, Seed = 1 });
        RegressionEvaluation e = model.EvaluateRegression(all);
        Assert.Equal(["progression", "glu"], e.TargetNames);
        Assert.Equal(2, e.RSquared.Count);
        Assert.Equal((e.RSquared[0] + e.RSquared[1]) / 2, e.AverageRSquared, 12);
        Assert.Equal(2, model.PredictValues(all).Length / all.Count);
    }

    [Fact]
    public void Metrics_match_hand_computed_values()
    {
        // Target 1: y = 1, 2, 3, 4 and ŷ = 1, 2, 3, 5: errors 0, 0, 0, −1; mean 2.5, Σ(y − ȳ)² = 5.
        // Target 2: constant 7 and ŷ = 7, 7, 7, 9: R² is 0 (not every prediction exact).
        float[] actual = [1, 7, 2, 7, 3, 7, 4, 7];
        float[] predicted = [1, 7, 2, 7, 3, 7, 5, 9];
        RegressionEvaluation e = RegressionEvaluation.From(predicted, actual, ["a", "b"]);
        Assert.Equal(4, e.Count);
        Assert.Equal(0.25, e.MeanAbsoluteError[0], 12);
        Assert.Equal(0.5, e.RootMeanSquaredError[0], 12);
        Assert.Equal(0.8, e.RSquared[0], 12);
        Assert.Equal(0.5, e.MeanAbsoluteError[1], 12);
        Assert.Equal(1.0, e.RootMeanSquaredError[1], 12);
        Assert.Equal(0.0, e.RSquared[1], 12);
        Assert.Equal(0.4, e.AverageRSquared, 12);
        Assert.Equal(1.0, RegressionEvaluation.From([7f, 7f], [7f, 7f], ["c"]).RSquared[0]);
    }

    [Fact]
    public void A_regression_model_file_reads_back_with_bit_identical_predictions()
    {
        Dataset<float> all = TaskData.Diabetes();
        Model model = Regressor.Fit(all, new ClassifierOptions { HiddenLayers = [6], Epochs = 5, Loss = new Huber(2), Seed = 3 });
        using var stream = new MemoryStream();
        model.Save(stream);
        string json = System.Text.Encoding.UTF8.GetString(stream.ToArray());
        Assert.Contains("\"task\": \"regression\"", json);
        Assert.Contains("\"loss\": \"huber:2\"", json);
        Assert.Contains("\"target_scaler\"", json);
        stream.Position = 0;
        Model loaded = Model.Load(stream);
        Assert.Equal(LearningTask.Regression, loaded.Task);
        Assert.Equal(model.LabelNames, loaded.LabelNames);
        Assert.Equal(model.TargetScaler!.Offset, loaded.TargetScaler!.Offset);
        Assert.Equal(model.TargetScaler.Scale, loaded.TargetScaler.Scale);
        Assert.Equal(model.PredictValues(all), loaded.PredictValues(all));
        Assert.Equal(2, Assert.IsType<Huber>(loaded.Network.Loss).Threshold);
    }

    [Fact]
    public void A_classifier_file_is_written_as_before_without_a_task()
    {
        Model model = Classifier.Fit(BuiltInDatasets.Iris<float>(), new ClassifierOptions { HiddenLayers = [4], Epochs = 2, Seed = 1 });
        using var stream = new MemoryStream();
        model.Save(stream);
        string json = System.Text.Encoding.UTF8.GetString(stream.ToArray());
        Assert.DoesNotContain("\"task\"", json);
        Assert.DoesNotContain("target_scaler", json);
        Assert.Contains("\"loss\": \"cross-entropy\"", json);
        Assert.DoesNotContain("\"loss\"", json[(json.IndexOf("\"training\"", StringComparison.Ordinal))..]);
    }

    [Fact]
    public void A_classifier_refuses_regression_calls_and_a_regressor_refuses_class_calls()
    {
        Model classifier = Classifier.Fit(BuiltInDatasets.Iris<float>(), new ClassifierOptions { HiddenLayers = [4], Epochs = 1, Seed = 1 });
        Assert.Throws<InvalidOperationException>(() => classifier.PredictValues(new float[4]));
        Model regressor = Regressor.Fit(TaskData.Diabetes(), new ClassifierOptions { HiddenLayers = [4], Epochs = 1, Seed = 1 });
        Assert.Throws<InvalidOperationException>(() => regressor.PredictProbabilities(new float[10]));
        Assert.Throws<InvalidOperationException>(() => regressor.Predict(new float[10]));
        Assert.Throws<ArgumentException>(() => Regressor.Fit(BuiltInDatasets.Iris<float>()));
        Assert.Throws<ArgumentException>(() => Regressor.Fit(TaskData.Diabetes(), new ClassifierOptions { Loss = new SigmoidBinaryCrossEntropy(), Epochs = 1 }));
    }
}
