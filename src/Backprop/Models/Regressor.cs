namespace Backprop.Models;

/// <summary>
/// Trains a multilayer-perceptron regressor in one call: rows with numeric targets in, a <see cref="Model"/> out.
/// <code>
/// Model model = Regressor.Fit(train, new ClassifierOptions { HiddenLayers = [64], Epochs = 200 });
/// RegressionEvaluation e = model.EvaluateRegression(test);   // e.RSquared, e.MeanAbsoluteError, …
/// float[] values = model.PredictValues(rows);                 // in the targets' own units
/// </code>
/// The options are <see cref="ClassifierOptions"/>, with the same defaults as <see cref="Classifier"/> (one hidden layer
/// of 100 ReLU units, Adam with η = 0.001, 200 epochs, batches of 32, λ = 1e-4, standardised features) and
/// <see cref="ClassifierOptions.Loss"/> choosing mean squared error (the default) or Huber. The outputs are identity
/// units, one per target, and the targets are standardised for training (t' = (t − mean) / standard deviation, fitted on
/// the training rows); the model stores that scaling and undoes it when it predicts.
/// </summary>
public static class Regressor
{
    /// <summary>
    /// Fits the feature and target scalers on <paramref name="train"/>, builds the network (inputs and targets from the
    /// data), initialises it from the seed and trains it; <paramref name="validation"/> (raw features, targets in their
    /// own units) feeds the validation loss, early stopping and the plateau schedule. With
    /// <see cref="ClassifierOptions.InitialModel"/> (a regression model) it fine-tunes that model, with its scalers.
    /// </summary>
    /// <exception cref="ArgumentException">The data has no numeric targets (<see cref="Dataset{T}.Task"/> is not
    /// regression), or the options are invalid.</exception>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite (try a smaller learning rate).</exception>
    public static Model Fit(Dataset<float> train, ClassifierOptions? options = null, Dataset<float>? validation = null,
        Action<EpochReport>? onEpoch = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (train.Task != LearningTask.Regression || (validation is not null && validation.Task != LearningTask.Regression))
        {
            throw new ArgumentException("A regressor needs data with numeric targets (a regression set).", nameof(train));
        }
        options ??= new ClassifierOptions();
        FeatureScaler scaler = options.InitialModel?.Scaler ?? FeatureScaler.Fit(train, options.Scaling);
        FeatureScaler targets = options.InitialModel?.TargetScaler ?? FeatureScaler.Fit(train.Targets, train.OutputCount, ScalingKind.Standard);
        options = options with { Scaling = scaler.Kind };
        Dataset<float> scaledTrain = Scaled(train, scaler, targets);
        Dataset<float>? scaledValidation = validation is null ? null : Scaled(validation, scaler, targets);
        var run = new ClassifierRun(options, scaledTrain, null);
        TrainingResult result = run.Trainer.Fit(scaledTrain, scaledValidation, onEpoch, cancellation);
        return run.ToModel(result, train.LabelName, scaler, train.FeatureNames, train.TargetNames, targetScaler: targets);
    }

    /// <summary>A copy of a target set with its features (and, given a target scaler, its targets) rescaled.</summary>
    internal static Dataset<float> Scaled(Dataset<float> data, FeatureScaler scaler, FeatureScaler? targets)
    {
        var copy = new Dataset<float>(data.Features.ToArray(), data.FeatureCount, data.Targets.ToArray(), data.OutputCount, data.FeatureNames)
        {
            LabelName = data.LabelName,
            Task = data.Task,
            TargetNames = data.TargetNames,
        };
        copy.Rescale(scaler);
        if (targets is not null)
        {
            copy.RescaleTargets(targets);
        }
        return copy;
    }
}
