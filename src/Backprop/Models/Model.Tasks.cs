namespace Backprop.Models;

// The model's head: what its outputs mean (classes, regression targets or yes/no labels), and the prediction and
// evaluation calls of the regression and multi-label tasks.
public sealed partial class Model
{
    /// <summary>
    /// Creates a model of any task from its parts (as a training run or a model file produces them).
    /// <paramref name="outputNames"/> names the outputs: the classes (classification), the target columns (regression)
    /// or the label columns (multi-label).
    /// </summary>
    /// <param name="network">The trained network: softmax with cross-entropy (classification), identity outputs with
    /// mean squared error or Huber (regression), or sigmoid with binary cross-entropy (multi-label).</param>
    /// <param name="featureNames">One name per input.</param>
    /// <param name="task">What the outputs mean.</param>
    /// <param name="outputNames">One name per output.</param>
    /// <param name="scaler">The feature scaler the network's inputs were scaled with.</param>
    /// <param name="targetScaler">Regression: the scaling the targets were trained in (the model un-scales its
    /// outputs with it); null for none. Must be null for the other tasks.</param>
    /// <param name="decisionThreshold">Multi-label: a label is predicted when its probability is above this, in (0, 1).</param>
    /// <param name="labelName">The label column (classification; required there); null for the output names joined by commas.</param>
    /// <param name="trainingOptions">The options training ran with, as text.</param>
    /// <param name="metrics">Final metrics.</param>
    /// <exception cref="ArgumentException">The parts disagree with each other or with the task.</exception>
    public Model(Network<float> network, IReadOnlyList<string> featureNames, LearningTask task, IReadOnlyList<string> outputNames, FeatureScaler scaler,
        FeatureScaler? targetScaler = null, double decisionThreshold = 0.5, string? labelName = null,
        IReadOnlyDictionary<string, string>? trainingOptions = null, IReadOnlyDictionary<string, double>? metrics = null)
        : this(network, featureNames, LabelFor(task, labelName, outputNames), outputNames, scaler, trainingOptions, metrics,
            new Head(task, task == LearningTask.Regression ? targetScaler ?? NoScaling(outputNames.Count) : targetScaler, decisionThreshold))
    {
    }

    /// <summary>What the outputs mean: classes, regression targets or yes/no labels.</summary>
    public LearningTask Task { get; }

    /// <summary>The label column(s): one for a classifier; one per output (target or label) otherwise.</summary>
    public IReadOnlyList<string> LabelNames { get; }

    /// <summary>
    /// Regression: the scaling of the targets during training, t' = (t − Offset) / Scale, which prediction undoes
    /// (values are in the targets' own units); null for the other tasks.
    /// </summary>
    public FeatureScaler? TargetScaler { get; }

    /// <summary>Multi-label: a label is predicted when its probability is above this (default 0.5).</summary>
    public double DecisionThreshold { get; }

    /// <summary>Regression: predicted values for raw feature rows, x (rows, features) → (rows, targets), in the targets' units.</summary>
    /// <exception cref="InvalidOperationException">The model is not a regression model.</exception>
    /// <exception cref="ArgumentException">The length is not a whole number of rows.</exception>
    public float[] PredictValues(ReadOnlySpan<float> features)
    {
        Require(LearningTask.Regression);
        float[] scaled = features.ToArray();
        CheckRows(scaled.Length);
        Scaler.Apply<float>(scaled);
        return PredictScaledValues(scaled);
    }

    /// <summary>Regression: predicted values for every row of <paramref name="data"/> (raw features), (rows, targets).</summary>
    /// <exception cref="InvalidOperationException">The model is not a regression model.</exception>
    public float[] PredictValues(Dataset<float> data)
    {
        CheckFeatures(data);
        return PredictValues(data.Features);
    }

    /// <summary>Regression: <see cref="PredictValues(ReadOnlySpan{float})"/> for rows already rescaled by <see cref="Scaler"/>.</summary>
    /// <exception cref="InvalidOperationException">The model is not a regression model.</exception>
    public float[] PredictScaledValues(ReadOnlySpan<float> scaled)
    {
        Require(LearningTask.Regression);
        CheckRows(scaled.Length);
        var values = new float[scaled.Length / FeatureNames.Count * Network.OutputSize];
        Probabilities(scaled, scaled.Length / FeatureNames.Count, raw: false, values);
        FeatureScaler t = TargetScaler!;
        int k = t.FeatureCount;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(values[i] * t.Scale[i % k] + t.Offset[i % k]);
        }
        return values;
    }

    /// <summary>
    /// Multi-label: each label's yes/no for raw feature rows, (rows, labels): its probability above
    /// <paramref name="threshold"/> (null: <see cref="DecisionThreshold"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The model is not a multi-label model.</exception>
    public bool[] PredictLabels(ReadOnlySpan<float> features, double? threshold = null)
    {
        Require(LearningTask.MultiLabel);
        double cut = Threshold(threshold);
        return [.. PredictProbabilities(features).Select(p => p > cut)];
    }

    /// <summary>Regression: MAE, RMSE and R² per target and their means on rows with targets (raw features).</summary>
    /// <exception cref="InvalidOperationException">The model is not a regression model.</exception>
    /// <exception cref="ArgumentException">The data has no targets, or its feature or target count differs from the model's.</exception>
    public RegressionEvaluation EvaluateRegression(Dataset<float> data)
    {
        CheckFeatures(data);
        CheckTargets(data, LearningTask.Regression);
        return RegressionEvaluation.From(PredictValues(data.Features), data.Targets, LabelNames);
    }

    /// <summary>Regression: <see cref="EvaluateRegression"/> on rows whose features are already rescaled by <see cref="Scaler"/> (the targets in their own units).</summary>
    /// <exception cref="InvalidOperationException">The model is not a regression model.</exception>
    /// <exception cref="ArgumentException">The data has no targets, or its feature or target count differs from the model's.</exception>
    public RegressionEvaluation EvaluateRegressionScaled(Dataset<float> scaled)
    {
        CheckFeatures(scaled);
        CheckTargets(scaled, LearningTask.Regression);
        return RegressionEvaluation.From(PredictScaledValues(scaled.Features), scaled.Targets, LabelNames);
    }

    /// <summary>
    /// Multi-label: subset accuracy, Hamming loss, per-label precision/recall/F1, micro and macro F1 on rows with 0/1
    /// labels (raw features), deciding with <paramref name="threshold"/> (null: <see cref="DecisionThreshold"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The model is not a multi-label model.</exception>
    /// <exception cref="ArgumentException">The data has no targets, or its feature or label count differs from the model's.</exception>
    public MultiLabelEvaluation EvaluateMultiLabel(Dataset<float> data, double? threshold = null)
    {
        CheckFeatures(data);
        CheckTargets(data, LearningTask.MultiLabel);
        return MultiLabelEvaluation.From(PredictProbabilities(data.Features), data.Targets, LabelNames, Threshold(threshold));
    }

    /// <summary>Multi-label: <see cref="EvaluateMultiLabel"/> on rows whose features are already rescaled by <see cref="Scaler"/>.</summary>
    /// <exception cref="InvalidOperationException">The model is not a multi-label model.</exception>
    /// <exception cref="ArgumentException">The data has no targets, or its feature or label count differs from the model's.</exception>
    public MultiLabelEvaluation EvaluateMultiLabelScaled(Dataset<float> scaled, double? threshold = null)
    {
        CheckFeatures(scaled);
        CheckTargets(scaled, LearningTask.MultiLabel);
        return MultiLabelEvaluation.From(PredictScaledProbabilities(scaled.Features), scaled.Targets, LabelNames, Threshold(threshold));
    }

    /// <summary>The task-specific parts of a model.</summary>
    private sealed record Head(LearningTask Task, FeatureScaler? TargetScaler, double DecisionThreshold);

    private static string LabelFor(LearningTask task, string? labelName, IReadOnlyList<string> outputNames)
    {
        ArgumentNullException.ThrowIfNull(outputNames);
        if (task == LearningTask.Classification && labelName is null)
        {
            throw new ArgumentException("A classifier needs the name of its label column.", nameof(labelName));
        }
        return labelName ?? string.Join(",", outputNames);
    }

    private static FeatureScaler NoScaling(int count)
    {
        var scale = new double[count];
        Array.Fill(scale, 1.0);
        return new FeatureScaler(ScalingKind.None, new double[count], scale);
    }

    // The network's output layer and loss, and the head's settings, fit the task.
    private static void CheckHead(Network<float> network, Head head, IReadOnlyList<string> names, FeatureScaler scaler)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(scaler);
        Activation output = network.DenseLayers.Count > 0 ? network.DenseLayers[^1].Activation : Activation.Identity;
        string? problem = head.Task switch
        {
            LearningTask.Classification when network.Loss is not SoftmaxCrossEntropy => "A classifier model needs a softmax output with cross-entropy.",
            LearningTask.Regression when network.Loss is not (MeanSquaredError or Huber) || output != Activation.Identity
                => "A regression model needs identity outputs with mean squared error or Huber loss.",
            LearningTask.MultiLabel when network.Loss is not SigmoidBinaryCrossEntropy => "A multi-label model needs sigmoid outputs with binary cross-entropy.",
            LearningTask.Classification or LearningTask.Regression or LearningTask.MultiLabel => null,
            _ => $"Unknown task {head.Task}.",
        };
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(network));
        }
        if (head.Task != LearningTask.Regression && head.TargetScaler is not null)
        {
            throw new ArgumentException("Only a regression model has a target scaler.", "targetScaler");
        }
        if (head.TargetScaler is { } t && t.FeatureCount != network.OutputSize)
        {
            throw new ArgumentException($"The target scaler has {t.FeatureCount} targets but the network has {network.OutputSize} outputs.", "targetScaler");
        }
        if (!(head.DecisionThreshold > 0 && head.DecisionThreshold < 1))
        {
            throw new ArgumentException($"The decision threshold must be in (0, 1); got {head.DecisionThreshold}.", "decisionThreshold");
        }
    }

    private double Threshold(double? threshold)
    {
        double t = threshold ?? DecisionThreshold;
        return t > 0 && t < 1 ? t : throw new ArgumentOutOfRangeException(nameof(threshold), t, "The decision threshold must be in (0, 1).");
    }

    private void Require(LearningTask task)
    {
        if (Task != task)
        {
            throw new InvalidOperationException($"This is a {TaskName(Task)} model; the call is for {TaskName(task)} models.");
        }
    }

    // Probabilities exist for classes and for yes/no labels, not for regression values.
    private void RequireProbabilities()
    {
        if (Task == LearningTask.Regression)
        {
            throw new InvalidOperationException("A regression model predicts values, not probabilities: use PredictValues.");
        }
    }

    private T RequireClassifier<T>(T value) where T : allows ref struct
    {
        Require(LearningTask.Classification);
        return value;
    }

    private void CheckRows(int length)
    {
        if (length % FeatureNames.Count != 0)
        {
            throw new ArgumentException($"{length} values are not rows of {FeatureNames.Count} features.", "features");
        }
    }

    private void CheckTargets(Dataset<float> data, LearningTask task)
    {
        Require(task);
        if (data.Task != task || data.Targets.Length != data.Count * data.OutputCount || !data.IsLabelled)
        {
            throw new ArgumentException($"Evaluating a {TaskName(task)} model needs {(task == LearningTask.Regression ? "target" : "0/1 label")} columns.", nameof(data));
        }
        if (data.OutputCount != LabelNames.Count)
        {
            throw new ArgumentException($"The data has {data.OutputCount} label columns but the model predicts {LabelNames.Count} ({string.Join(", ", LabelNames)}).", nameof(data));
        }
    }

    /// <summary>The task as it is written in model files and on the command line: classification, regression, multilabel.</summary>
    internal static string TaskName(LearningTask task) => task switch
    {
        LearningTask.Regression => "regression",
        LearningTask.MultiLabel => "multilabel",
        _ => "classification",
    };
}
