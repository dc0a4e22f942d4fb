namespace Backprop.Tests.Models;

/// <summary>Multi-label: the metrics against hand-computed values, the classifier on a table derived from iris, the model file.</summary>
public sealed class MultiLabelTests
{
    // Three rows, two labels:  actual   p             decided at 0.5
    //                          1 0      0.9 0.6       1 1
    //                          0 1      0.2 0.7       0 1
    //                          1 1      0.4 0.8       0 1
    private static readonly float[] Actual = [1, 0, 0, 1, 1, 1];
    private static readonly float[] Probabilities = [0.9f, 0.6f, 0.2f, 0.7f, 0.4f, 0.8f];

    [Fact]
    public void Metrics_match_hand_computed_values()
    {
        MultiLabelEvaluation e = MultiLabelEvaluation.From(Probabilities, Actual, ["a", "b"], 0.5);
        Assert.Equal(3, e.Count);
        Assert.Equal(1.0 / 3, e.SubsetAccuracy, 12);          // only row 2 is right on both labels
        Assert.Equal(2.0 / 6, e.HammingLoss, 12);             // row 1 label b, row 3 label a
        Assert.Equal([1.0, 2.0 / 3], e.Precision);            // a: TP 1, FP 0; b: TP 2, FP 1
        Assert.Equal([0.5, 1.0], e.Recall);                   // a: FN 1; b: FN 0
        Assert.Equal(2.0 / 3, e.F1[0], 12);
        Assert.Equal(0.8, e.F1[1], 12);
        Assert.Equal([2, 2], e.Support);
        Assert.Equal(0.75, e.MicroF1, 12);                    // TP 3, FP 1, FN 1
        Assert.Equal((2.0 / 3 + 0.8) / 2, e.MacroF1, 12);
        double logLoss = -(Math.Log(0.9f) + Math.Log(1 - 0.6f) + Math.Log(1 - 0.2f) + Math.Log(0.7f) + Math.Log(0.4f) + Math.Log(0.8f)) / 6;
        Assert.Equal(logLoss, e.LogLoss, 6);
    }

    [Fact]
    public void The_threshold_decides_which_probabilities_count_as_yes()
    {
        MultiLabelEvaluation e = MultiLabelEvaluation.From(Probabilities, Actual, ["a", "b"], 0.65);
        Assert.Equal(1.0, e.F1[1], 12);            // 0.6 is now a no
        Assert.Equal(2.0 / 3, e.SubsetAccuracy, 12);
        Assert.Equal(0.65, e.Threshold);
    }

    [Fact]
    public void The_classifier_learns_labels_derived_from_iris()
    {
        Dataset<float> all = TaskData.IrisLabels();
        DatasetSplits<float> parts = StratifiedSplit.Split(all, 0.25, 0, seed: 1);
        Model model = MultiLabelClassifier.Fit(parts.Train, new ClassifierOptions { HiddenLayers = [16], Epochs = 150, LearningRate = 0.01, Seed = 1 });
        MultiLabelEvaluation e = model.EvaluateMultiLabel(parts.Test!);
        Assert.Equal(LearningTask.MultiLabel, model.Task);
        Assert.Equal(["is_setosa", "long_petal", "wide_sepal"], model.ClassNames);
        Assert.True(e.MicroF1 >= 0.9, $"micro F1 {e.MicroF1:F4}");
        Assert.True(e.SubsetAccuracy >= 0.8, $"subset accuracy {e.SubsetAccuracy:F4}");
        bool[] decided = model.PredictLabels(parts.Test!.Features);
        float[] p = model.PredictProbabilities(parts.Test!.Features);
        Assert.Equal(p.Select(v => v > 0.5), decided);
    }

    [Fact]
    public void A_multi_label_model_file_keeps_its_labels_and_threshold()
    {
        Dataset<float> all = TaskData.IrisLabels();
        Model model = MultiLabelClassifier.Fit(all, new ClassifierOptions { HiddenLayers = [4], Epochs = 3, DecisionThreshold = 0.3, Seed = 2 });
        using var stream = new MemoryStream();
        model.Save(stream);
        string json = System.Text.Encoding.UTF8.GetString(stream.ToArray());
        Assert.Contains("\"task\": \"multilabel\"", json);
        Assert.Contains("\"decision_threshold\": 0.3", json);
        Assert.Contains("\"loss\": \"binary-cross-entropy\"", json);
        stream.Position = 0;
        Model loaded = Model.Load(stream);
        Assert.Equal(0.3, loaded.DecisionThreshold);
        Assert.Equal(model.ClassNames, loaded.ClassNames);
        Assert.Equal(model.PredictProbabilities(all), loaded.PredictProbabilities(all));
        Assert.Equal(model.PredictLabels(all.Features), loaded.PredictLabels(all.Features));
    }

    [Fact]
    public void Targets_other_than_zero_or_one_are_refused()
    {
        var data = new Dataset<float>([1, 2], 1, [0, 0.5f], 1) { Task = LearningTask.MultiLabel };
        Assert.Contains("0 or 1", Assert.Throws<ArgumentException>(() => MultiLabelClassifier.Fit(data)).Message);
    }
}
