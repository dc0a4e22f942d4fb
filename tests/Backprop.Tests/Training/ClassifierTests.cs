namespace Backprop.Tests.Training;

public class ClassifierTests
{
    [Fact]
    public void Separable_blobs_reach_at_least_95_percent_test_accuracy()
    {
        Dataset<float> train = TestData.Blobs(100, seed: 1);
        Dataset<float> test = TestData.Blobs(50, seed: 2);
        Model model = Classifier.Fit(train, new ClassifierOptions { HiddenLayers = [16], Epochs = 20, LearningRate = 0.01 });
        Evaluation e = model.Evaluate(test);
        Assert.True(e.Accuracy >= 0.95, $"accuracy {e.Accuracy}");
        Assert.Equal(150, e.Count);
        Assert.All(e.F1, f => Assert.True(f > 0.9));
    }

    [Fact]
    public void Xor_is_solved()
    {
        Model model = Classifier.Fit(BuiltInDatasets.Xor<float>(), new ClassifierOptions
        {
            HiddenLayers = [8],
            Activations = [Activation.Tanh],
            LearningRate = 0.05,
            BatchSize = 4,
            Epochs = 300,
            WeightDecay = 0,
        });
        Assert.Equal([0, 1, 1, 0], model.Predict(BuiltInDatasets.Xor<float>()));
        Assert.Equal("1", model.PredictClass([0f, 1f]));
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("momentum")]
    [InlineData("nesterov")]
    [InlineData("adamw")]
    public void Every_optimizer_learns_the_blobs(string optimizer)
    {
        Dataset<float> train = TestData.Blobs(60, seed: 4);
        Model model = Classifier.Fit(train, new ClassifierOptions { HiddenLayers = [8], Optimizer = optimizer, LearningRate = optimizer == "adamw" ? 0.01 : 0.05, Epochs = 15, Dropout = 0.1 });
        Assert.True(model.Evaluate(TestData.Blobs(30, seed: 5)).Accuracy >= 0.93);
    }

    [Fact]
    public void Balanced_class_weights_raise_the_recall_of_a_rare_overlapping_class()
    {
        Dataset<float> train = TestData.Blobs(0, classes: 2, counts: [400, 25], spread: 2.2, seed: 6);
        Dataset<float> test = TestData.Blobs(0, classes: 2, counts: [200, 200], spread: 2.2, seed: 7);
        var options = new ClassifierOptions { HiddenLayers = [8], Epochs = 20, LearningRate = 0.01, Seed = 3 };
        double plain = Classifier.Fit(train, options).Evaluate(test).Recall[1];
        double balanced = Classifier.Fit(train, options with { ClassWeighting = ClassWeighting.Balanced }).Evaluate(test).Recall[1];
        Assert.True(balanced > plain + 0.05, $"recall of the rare class: plain {plain}, balanced {balanced}");
    }

    [Fact]
    public void Evaluation_counts_precision_recall_and_the_confusion_matrix()
    {
        // rows: labels 0,0,1,1,2 predicted 0,1,1,1,0
        float[] p = [0.9f, 0.1f, 0f, 0.2f, 0.7f, 0.1f, 0.1f, 0.8f, 0.1f, 0f, 1f, 0f, 0.6f, 0.3f, 0.1f];
        Evaluation e = Evaluation.From(p, [0, 0, 1, 1, 2], ["a", "b", "c"]);
        Assert.Equal(0.6, e.Accuracy, 1e-15);
        Assert.Equal(1, e.Confusion(0, 1));
        Assert.Equal(1, e.Confusion(2, 0));
        Assert.Equal(0.5, e.Precision[0], 1e-15);
        Assert.Equal(0.5, e.Recall[0], 1e-15);
        Assert.Equal(2.0 / 3, e.Precision[1], 1e-15);
        Assert.Equal(1.0, e.Recall[1], 1e-15);
        Assert.Equal(0.0, e.F1[2]);
        double expectedLoss = -(Math.Log(0.9f) + Math.Log(0.2f) + Math.Log(0.8f) + Math.Log(1f) + Math.Log(0.1f)) / 5;
        Assert.Equal(expectedLoss, e.LogLoss, 1e-12);
    }
}
