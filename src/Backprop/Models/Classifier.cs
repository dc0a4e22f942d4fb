namespace Backprop.Models;

/// <summary>
/// Trains a multilayer-perceptron classifier in one call: options and labelled data in, a <see cref="Model"/> out.
/// <code>
/// Model model = Classifier.Fit(train, new ClassifierOptions { HiddenLayers = [64], Epochs = 50 });
/// Evaluation e = model.Evaluate(test);   // e.Accuracy, e.F1, e.Confusion(actual, predicted)
/// model.Save("iris.json");
/// </code>
/// </summary>
public static class Classifier
{
    /// <summary>
    /// Fits the scaler on <paramref name="train"/>, builds the network (inputs and classes from the data), initialises it
    /// from the seed (He for ReLU, Xavier otherwise) and trains it; <paramref name="validation"/> (raw features) feeds
    /// validation metrics, early stopping and the plateau schedule. With <see cref="ClassifierOptions.InitialModel"/> it
    /// fine-tunes that model instead: its scaler, architecture and parameters are the start.
    /// </summary>
    /// <exception cref="ArgumentException">The data has no class labels, fewer than two classes, or the options are invalid.</exception>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite (try a smaller learning rate).</exception>
    public static Model Fit(Dataset<float> train, ClassifierOptions? options = null, Dataset<float>? validation = null,
        Action<EpochReport>? onEpoch = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        options ??= new ClassifierOptions();
        FeatureScaler scaler = options.InitialModel?.Scaler ?? FeatureScaler.Fit(train, options.Scaling);
        options = options with { Scaling = scaler.Kind };
        Dataset<float> scaledTrain = Scaled(train, scaler);
        Dataset<float>? scaledValidation = validation is null ? null : Scaled(validation, scaler);
        var run = new ClassifierRun(options, scaledTrain, null);
        TrainingResult result = run.Trainer.Fit(scaledTrain, scaledValidation, onEpoch, cancellation);
        return run.ToModel(result, train.LabelName, scaler, train.FeatureNames, train.ClassNames);
    }

    /// <summary>A copy of a labelled data set with its features rescaled.</summary>
    internal static Dataset<float> Scaled(Dataset<float> data, FeatureScaler scaler)
    {
        if (!data.IsClassification)
        {
            throw new ArgumentException("A classifier needs data with class labels.", nameof(data));
        }
        if (scaler.Kind == ScalingKind.None)
        {
            return data; // nothing to change, and training does not write to its data
        }
        if (data.KeepsPixelBytes)
        {
            // Image bytes stay bytes: the copy shares them and rescales through a table of its own.
            var scaled = new Dataset<float>(data);
            scaled.Rescale(scaler);
            return scaled;
        }
        float[] features = data.Features.ToArray();
        scaler.Apply<float>(features);
        return new Dataset<float>(features, data.FeatureCount, data.Labels.ToArray(), data.OutputCount, data.FeatureNames, data.ClassNames);
    }
}
