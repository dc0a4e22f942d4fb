using Backprop.Tests.Models;

namespace Backprop.Tests.Training;

public class CrossValidationTests
{
    [Fact]
    public void Five_fold_cross_validation_of_iris_is_accurate_with_a_small_spread()
    {
        Dataset<float> iris = BuiltInDatasets.Iris<float>();
        var options = new ClassifierOptions { HiddenLayers = [16], LearningRate = 0.01, Epochs = 40 };

        CrossValidationResult cv = CrossValidation.Classifier(iris, options, folds: 5);

        Assert.Equal(5, cv.Folds.Count);
        Assert.All(cv.Folds, f => Assert.Equal((120, 30), (f.TrainRows, f.TestRows)));
        Assert.Equal(Metric.Classification, cv.Metrics);
        double mean = cv.Mean(Metric.Accuracy);
        Assert.InRange(mean, 0.9, 1.0);
        Assert.InRange(cv.StandardDeviation(Metric.Accuracy), 0, 0.1);
        Assert.Equal(cv.Folds.Average(f => f.Scores["accuracy"]), mean, 12);
        Assert.InRange(cv.Mean(Metric.LogLoss), 0, 0.5);
    }

    [Fact]
    public void The_runner_trains_on_the_other_folds_and_scores_on_the_fold_with_any_metric()
    {
        // A "model" that predicts the mean target of its training rows; its score is the held-out rows' mean error.
        double[] x = [.. Enumerable.Range(0, 20).Select(r => (double)r)];
        var data = new Dataset<float>([.. x.Select(v => (float)v)], 1, [.. x.Select(v => (float)v)], 1);
        var rmse = new Metric("rmse", HigherIsBetter: false);
        var seen = new List<int>();

        CrossValidationResult cv = CrossValidation.Run(data, 4, seed: 2, [rmse], (train, test, _) =>
        {
            Assert.Equal(15, train.Count);
            Assert.Equal(5, test.Count);
            seen.AddRange(Enumerable.Range(0, test.Count).Select(r => (int)test.Row(r)[0]));
            double mean = train.Targets.ToArray().Average(t => (double)t);
            double mse = test.Targets.ToArray().Average(t => (t - mean) * (t - mean));
            return new Dictionary<string, double> { ["rmse"] = Math.Sqrt(mse) };
        });

        Assert.Equal(Enumerable.Range(0, 20), seen.Order());
        double[] values = [.. cv.Folds.Select(f => f.Scores["rmse"])];
        double m = values.Average();
        Assert.Equal(m, cv.Mean(rmse), 12);
        Assert.Equal(Math.Sqrt(values.Sum(v => (v - m) * (v - m)) / 3), cv.StandardDeviation(rmse), 12);
        Assert.Throws<ArgumentException>(() => cv.Mean(Metric.Accuracy));
    }

    [Fact]
    public void A_scoring_function_that_leaves_out_a_metric_is_named()
    {
        Dataset<float> data = TestData.Blobs(10);
        var e = Assert.Throws<ArgumentException>(() =>
            CrossValidation.Run(data, 2, 0, Metric.Classification, (_, _, _) => new Dictionary<string, double> { ["accuracy"] = 1 }));
        Assert.Contains("macro_f1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cancelling_throws_instead_of_scoring_a_half_trained_fold()
    {
        using var cancel = new CancellationTokenSource();
        int folds = 0;
        Assert.Throws<OperationCanceledException>(() => CrossValidation.Classifier(TestData.Blobs(20), new ClassifierOptions { HiddenLayers = [4], Epochs = 5 }, 3,
            onFold: _ =>
            {
                folds++;
                cancel.Cancel();
            }, cancellation: cancel.Token));
        Assert.Equal(1, folds);
    }

    [Fact]
    public void Each_regression_fold_is_the_regressor_fitted_on_that_folds_training_rows_and_scored_in_the_targets_units()
    {
        Dataset<float> diabetes = TaskData.Diabetes();
        var options = new ClassifierOptions { HiddenLayers = [8], LearningRate = 0.01, Epochs = 15, Seed = 3 };

        CrossValidationResult cv = CrossValidation.Regressor(diabetes, options, folds: 3);

        Assert.Equal(Metric.Regression, cv.Metrics);
        FeatureScaler all = FeatureScaler.Fit(diabetes.Targets, 1, ScalingKind.Standard);
        int f = 0;
        foreach (DatasetSplits<float> fold in KFold.Split(diabetes, 3, options.Seed))
        {
            // The fold's model sees only the fold's training rows, so its target scaler is theirs, not all rows'.
            Model model = Regressor.Fit(fold.Train, options);
            FeatureScaler own = FeatureScaler.Fit(fold.Train.Targets, 1, ScalingKind.Standard);
            Assert.Equal(own.Offset, model.TargetScaler!.Offset);
            Assert.Equal(own.Scale, model.TargetScaler.Scale);
            Assert.NotEqual(all.Offset[0], own.Offset[0]);
            RegressionEvaluation e = model.EvaluateRegression(fold.Test!);
            FoldScore score = cv.Folds[f++];
            Assert.Equal((fold.Train.Count, fold.Test!.Count), (score.TrainRows, score.TestRows));
            Assert.Equal(e.AverageRSquared, score.Scores["r2"]);
            Assert.Equal(e.AverageRootMeanSquaredError, score.Scores["rmse"]);
            Assert.Equal(e.AverageMeanAbsoluteError, score.Scores["mae"]);
        }
        // Progression runs from 25 to 346 (standard deviation 77): errors in its units, not in standard deviations.
        Assert.InRange(cv.Mean(Metric.RootMeanSquaredError), 40, 90);
        Assert.InRange(cv.Mean(Metric.MeanAbsoluteError), 30, 75);
        Assert.InRange(cv.Mean(Metric.RSquared), 0.2, 0.7);
    }

    [Fact]
    public void Multi_label_rows_cross_validate_with_the_multi_label_metrics()
    {
        Dataset<float> labels = TaskData.IrisLabels();
        var options = new ClassifierOptions { HiddenLayers = [16], LearningRate = 0.01, Epochs = 40, Seed = 1, DecisionThreshold = 0.4 };

        CrossValidationResult cv = CrossValidation.MultiLabelClassifier(labels, options, folds: 3);

        Assert.Equal(Metric.MultiLabel, cv.Metrics);
        Assert.All(cv.Folds, fold => Assert.Equal((100, 50), (fold.TrainRows, fold.TestRows)));
        Assert.InRange(cv.Mean(Metric.MicroF1), 0.85, 1.0);
        Assert.InRange(cv.Mean(Metric.HammingLoss), 0, 0.15);
        DatasetSplits<float> first = KFold.Split(labels, 3, options.Seed).First();
        MultiLabelEvaluation e = MultiLabelClassifier.Fit(first.Train, options).EvaluateMultiLabel(first.Test!);
        Assert.Equal(0.4, e.Threshold);
        Assert.Equal(Metric.Scores(e), cv.Folds[0].Scores);
    }

    [Fact]
    public void A_task_runner_refuses_data_of_another_task()
    {
        var options = new ClassifierOptions { HiddenLayers = [2], Epochs = 1 };
        Assert.Contains("numeric targets", Assert.Throws<ArgumentException>(() => CrossValidation.Regressor(TestData.Blobs(10), options, 2)).Message);
        Assert.Contains("multi-label", Assert.Throws<ArgumentException>(() => CrossValidation.MultiLabelClassifier(TaskData.Diabetes(), options, 2)).Message);
        Assert.Contains("class labels", Assert.Throws<ArgumentException>(() => CrossValidation.Classifier(TaskData.Diabetes(), options, 2)).Message);
    }

    [Fact]
    public void Every_task_has_its_metrics_and_directions()
    {
        Assert.Equal(Metric.Classification, Metric.ForTask(LearningTask.Classification));
        Assert.Equal(["r2", "rmse", "mae"], Metric.ForTask(LearningTask.Regression).Select(m => m.Name));
        Assert.Equal([true, false, false], Metric.Regression.Select(m => m.HigherIsBetter));
        Assert.Equal(["subset_accuracy", "hamming_loss", "micro_f1", "macro_f1"], Metric.ForTask(LearningTask.MultiLabel).Select(m => m.Name));
        Assert.Equal([true, false, true, true], Metric.MultiLabel.Select(m => m.HigherIsBetter));
        Assert.Equal(new Metric("rmse", HigherIsBetter: false), Metric.RootMeanSquaredError);
    }

    [Fact]
    public void Metrics_know_which_way_is_better()
    {
        Assert.True(Metric.Accuracy.Compare(0.9, 0.8) > 0);
        Assert.True(Metric.LogLoss.Compare(0.9, 0.8) < 0);
        Assert.Equal(0, Metric.MacroF1.Compare(0.5, 0.5));
        Assert.True(Metric.Accuracy.Compare(0.1, double.NaN) > 0);
        Assert.True(Metric.LogLoss.Compare(double.NaN, 5) < 0);
    }
}
