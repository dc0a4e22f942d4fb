namespace Backprop.Models;

/// <summary>
/// Trains a multi-label classifier in one call: rows with several yes/no labels (0/1 targets, any number of them 1) in,
/// a <see cref="Model"/> out.
/// <code>
/// Model model = MultiLabelClassifier.Fit(train, new ClassifierOptions { HiddenLayers = [32], DecisionThreshold = 0.5 });
/// MultiLabelEvaluation e = model.EvaluateMultiLabel(test);   // e.SubsetAccuracy, e.HammingLoss, e.MicroF1, …
/// bool[] labels = model.PredictLabels(rows);                  // (rows, labels)
/// </code>
/// The options are <see cref="ClassifierOptions"/> with the same defaults as <see cref="Classifier"/>; the outputs are
/// sigmoid units, one per label, trained with binary cross-entropy (the mean over labels and rows), and a label is
/// predicted when its probability is above <see cref="ClassifierOptions.DecisionThreshold"/> (0.5).
/// </summary>
public static class MultiLabelClassifier
{
    /// <summary>
    /// Fits the feature scaler on <paramref name="train"/>, builds the network (inputs and labels from the data),
    /// initialises it from the seed and trains it; <paramref name="validation"/> (raw features) feeds the validation
    /// loss, early stopping and the plateau schedule.
    /// </summary>
    /// <exception cref="ArgumentException">The data is not a multi-label set of 0/1 targets, or the options are invalid.</exception>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite (try a smaller learning rate).</exception>
    public static Model Fit(Dataset<float> train, ClassifierOptions? options = null, Dataset<float>? validation = null,
        Action<EpochReport>? onEpoch = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        CheckLabels(train, nameof(train));
        if (validation is not null)
        {
            CheckLabels(validation, nameof(validation));
        }
        options ??= new ClassifierOptions();
        FeatureScaler scaler = options.InitialModel?.Scaler ?? FeatureScaler.Fit(train, options.Scaling);
        options = options with { Scaling = scaler.Kind };
        Dataset<float> scaledTrain = Regressor.Scaled(train, scaler, null);
        Dataset<float>? scaledValidation = validation is null ? null : Regressor.Scaled(validation, scaler, null);
        var run = new ClassifierRun(options, scaledTrain, null);
        TrainingResult result = run.Trainer.Fit(scaledTrain, scaledValidation, onEpoch, cancellation);
        return run.ToModel(result, train.LabelName, scaler, train.FeatureNames, train.TargetNames);
    }

    private static void CheckLabels(Dataset<float> data, string name)
    {
        if (data.Task != LearningTask.MultiLabel)
        {
            throw new ArgumentException("A multi-label classifier needs a multi-label set (0/1 targets, Task MultiLabel).", name);
        }
        ReadOnlySpan<float> t = data.Targets;
        for (int i = 0; i < t.Length; i++)
        {
            if (t[i] is not (0f or 1f))
            {
                throw new ArgumentException($"Row {i / data.OutputCount + 1}, label '{data.TargetNames[i % data.OutputCount]}' is {t[i]}; multi-label targets are 0 or 1.", name);
            }
        }
    }
}
