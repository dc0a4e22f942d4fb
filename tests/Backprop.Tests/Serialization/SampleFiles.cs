namespace Backprop.Tests.Serialization;

/// <summary>Small valid model, checkpoint and weights files, written by the library itself (tests damage copies of them).</summary>
internal static class SampleFiles
{
    private static readonly Lazy<Model> TrainedModel = new(() =>
        Classifier.Fit(TestData.Blobs(20), new ClassifierOptions { HiddenLayers = [4], Epochs = 3, LearningRate = 0.01, Seed = 5 }));

    /// <summary>A trained 2-4-3 classifier (features f0, f1; classes class0..class2). Shared: do not change it.</summary>
    public static Model Model => TrainedModel.Value;

    /// <summary>Options whose checkpoint fills every field: Adam's two buffers, the plateau schedule's state, early stopping.</summary>
    public static ClassifierOptions CheckpointOptions => new()
    {
        HiddenLayers = [4],
        Optimizer = "adam",
        LearningRate = 0.01,
        BatchSize = 16,
        Epochs = 4,
        Schedule = LearningRateSchedule.ReduceOnPlateau(0.5, 2),
        Patience = 10,
        Seed = 7,
    };

    /// <summary>The training and validation sets the checkpoint runs use.</summary>
    public static (Dataset<float> Train, Dataset<float> Validation) CheckpointData()
    {
        var none = new FeatureScaler(ScalingKind.None, [0, 0], [1, 1]);
        return (Classifier.Scaled(TestData.Blobs(15), none), Classifier.Scaled(TestData.Blobs(5, seed: 9), none));
    }

    /// <summary>Writes a model file to <paramref name="path"/> and returns its text.</summary>
    public static string WriteModel(string path)
    {
        Model.Save(path);
        return File.ReadAllText(path);
    }

    /// <summary>Writes the checkpoint of a run stopped after epoch 3 (of 4) to <paramref name="path"/> and returns its text.</summary>
    public static string WriteCheckpoint(string path)
    {
        (Dataset<float> train, Dataset<float> validation) = CheckpointData();
        var run = new ClassifierRun(CheckpointOptions, train, null);
        run.Trainer.Fit(train, validation, report =>
        {
            if (report.Epoch == 3)
            {
                run.Trainer.CreateCheckpoint(new Dictionary<string, string> { ["seed"] = "7" }).Save(path);
            }
        });
        return File.ReadAllText(path);
    }

    /// <summary>A 2-3-2 network (sigmoid) as the article draws it, the kind a weights file initialises.</summary>
    public static Network<double> WeightsNetwork() => new([2, 3, 2], [Activation.Sigmoid, Activation.Sigmoid], Loss.MeanSquaredError);

    /// <summary>A weights file for <see cref="WeightsNetwork"/>, written by <see cref="WeightsFile.Format{T}"/>.</summary>
    public static string WeightsText()
    {
        Network<double> network = WeightsNetwork();
        Initializer.Randomize(network, 3);
        return WeightsFile.Format(network);
    }
}
