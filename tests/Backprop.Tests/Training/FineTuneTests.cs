namespace Backprop.Tests.Training;

/// <summary>
/// <see cref="ClassifierOptions.InitialModel"/>: training continues from a model's parameters, with its architecture
/// and its scaler.
/// </summary>
public sealed class FineTuneTests
{
    private static readonly Dataset<float> Train = TestData.Blobs(30, classes: 3, features: 4, seed: 1);

    private static Model Start() => Classifier.Fit(Train, new ClassifierOptions
    {
        HiddenLayers = [6, 5],
        Activations = [Activation.Tanh, Activation.Relu],
        Scaling = ScalingKind.MinMax,
        Epochs = 30,
        LearningRate = 0.01,
        Seed = 3,
    });

    [Fact]
    public void A_vanishing_learning_rate_keeps_the_parameters_and_predictions()
    {
        Model start = Start();
        Model tuned = Classifier.Fit(Train, new ClassifierOptions
        {
            InitialModel = start,
            Optimizer = "sgd",
            LearningRate = 1e-30,
            WeightDecay = 0,
            Epochs = 2,
            Seed = 9,
        });
        Assert.Equal(start.Network.Parameters.ToArray(), tuned.Network.Parameters.ToArray());
        Assert.Equal(start.PredictProbabilities(Train), tuned.PredictProbabilities(Train));
        Assert.Same(start.Scaler, tuned.Scaler);
        Assert.Equal("minmax", tuned.TrainingOptions["scaling"]);
    }

    [Fact]
    public void A_few_epochs_change_the_parameters_and_keep_the_architecture()
    {
        Model start = Start();
        // Options that would shape a new network are ignored: the model's layers and activations stay.
        Model tuned = Classifier.Fit(Train, new ClassifierOptions { InitialModel = start, HiddenLayers = [50], Epochs = 3, LearningRate = 0.01, Dropout = 0.1 });
        Assert.Equal(start.Network.Sizes, tuned.Network.Sizes);
        Assert.Equal(start.Network.DenseLayers.Select(l => l.Activation), tuned.Network.DenseLayers.Select(l => l.Activation));
        Assert.Equal("tanh,relu", tuned.TrainingOptions["activation"]);
        Assert.NotEqual(start.Network.Parameters.ToArray(), tuned.Network.Parameters.ToArray());
        // Fine-tuning starts where the model stopped, so the first epoch's loss is the model's, not a random network's.
        Model fresh = Classifier.Fit(Train, new ClassifierOptions { HiddenLayers = [6, 5], Activations = [Activation.Tanh, Activation.Relu], Epochs = 1, Seed = 3, LearningRate = 1e-30 });
        Assert.True(tuned.History[0].Loss < fresh.History[0].Loss, $"fine-tuned {tuned.History[0].Loss}, fresh {fresh.History[0].Loss}");
        // The starting model is not changed.
        Assert.Equal(Start().Network.Parameters.ToArray(), start.Network.Parameters.ToArray());
    }

    [Fact]
    public void Data_that_does_not_fit_the_model_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => Classifier.Fit(TestData.Blobs(30, classes: 3, features: 2, seed: 1), new ClassifierOptions { InitialModel = Start() }));
        Assert.Contains("reads 4 features and gives 3 classes, but the data has 2 features and 3 classes", e.Message, StringComparison.Ordinal);
    }
}
