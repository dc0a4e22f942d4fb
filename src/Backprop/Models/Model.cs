namespace Backprop.Models;

/// <summary>
/// A trained model: the network (float32), the feature names it reads, its task (<see cref="Task"/>: classification,
/// regression or multi-label) with the label, class or target names and, for regression, the target scaler; the feature
/// scaler fitted on its training data, the options it was trained with and its final metrics. It predicts, evaluates,
/// saves and loads (<see cref="ModelFile"/>). Input features are raw: the model applies its <see cref="Scaler"/> itself.
/// </summary>
/// <remarks>Thread-safe: any number of threads may predict and evaluate with one model at once (each runs the network
/// on buffers of its own); the network's parameters must not be changed meanwhile.</remarks>
public sealed partial class Model
{
    private readonly Dictionary<string, double> _metrics;
    private Preprocessor? _preprocessing;

    /// <summary>Creates a classifier from its parts (as a training run or a model file produces them).</summary>
    /// <exception cref="ArgumentException">The parts disagree: the loss is not cross-entropy, a layer is neither dense,
    /// batch norm nor dropout, or the number of features,
    /// classes or scaler entries differs from the network's sizes.</exception>
    public Model(Network<float> network, IReadOnlyList<string> featureNames, string labelName, IReadOnlyList<string> classNames, FeatureScaler scaler,
        IReadOnlyDictionary<string, string>? trainingOptions = null, IReadOnlyDictionary<string, double>? metrics = null)
        : this(network, featureNames, labelName, classNames, scaler, trainingOptions, metrics, new Head(LearningTask.Classification, null, 0.5))
    {
    }

    private Model(Network<float> network, IReadOnlyList<string> featureNames, string labelName, IReadOnlyList<string> classNames, FeatureScaler scaler,
        IReadOnlyDictionary<string, string>? trainingOptions, IReadOnlyDictionary<string, double>? metrics, Head head)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(featureNames);
        ArgumentNullException.ThrowIfNull(labelName);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentNullException.ThrowIfNull(scaler);
        CheckHead(network, head, classNames, scaler);
        if (network.Layers.Any(l => l is not (Dense<float> or BatchNorm<float> or Dropout<float>)))
        {
            throw new ArgumentException("A model stores dense and batch-norm layers (and dropout, which prediction skips) only.", nameof(network));
        }
        if (featureNames.Count != network.InputSize)
        {
            throw new ArgumentException($"{featureNames.Count} feature names for a network with {network.InputSize} inputs.", nameof(featureNames));
        }
        if (classNames.Count != network.OutputSize)
        {
            throw new ArgumentException($"{classNames.Count} {(head.Task == LearningTask.Classification ? "class" : "output")} names for a network with {network.OutputSize} outputs.", nameof(classNames));
        }
        if (scaler.FeatureCount != network.InputSize)
        {
            throw new ArgumentException($"The scaler has {scaler.FeatureCount} features but the network has {network.InputSize} inputs.", nameof(scaler));
        }
        Network = network;
        FeatureNames = [.. featureNames];
        LabelName = labelName;
        Task = head.Task;
        LabelNames = head.Task == LearningTask.Classification ? [labelName] : [.. classNames];
        ClassNames = head.Task == LearningTask.Regression ? [] : [.. classNames];
        TargetScaler = head.TargetScaler;
        DecisionThreshold = head.DecisionThreshold;
        Scaler = scaler;
        TrainingOptions = trainingOptions is null ? new Dictionary<string, string>() : new Dictionary<string, string>(trainingOptions);
        _metrics = metrics is null ? [] : new Dictionary<string, double>(metrics);
    }

    /// <summary>The network; its parameters are the trained ones. Not thread-safe on its own.</summary>
    public Network<float> Network { get; }

    /// <summary>Names of the input features, in the order the network reads them.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Name of the label column the model predicts.</summary>
    public string LabelName { get; }

    /// <summary>Class names by output index; for a multi-label model the labels (each a yes/no class); empty for regression.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The rescaling applied to raw features before the network, fitted on the training split.</summary>
    public FeatureScaler Scaler { get; }

    /// <summary>
    /// How the columns of a table become the features (<see cref="FeatureNames"/>), fitted on the training split; null
    /// when the model reads numeric columns as they are. Its output is raw features: <see cref="Scaler"/> follows.
    /// A training run sets it before the model is saved.
    /// </summary>
    /// <exception cref="ArgumentException">Its feature names differ from <see cref="FeatureNames"/>.</exception>
    public Preprocessor? Preprocessing
    {
        get => _preprocessing;
        set
        {
            if (value is not null && !value.FeatureNames.SequenceEqual(FeatureNames, StringComparer.Ordinal))
            {
                throw new ArgumentException($"The preprocessing gives {value.FeatureNames.Count} features ({CsvDatasetReader.Abbreviate(value.FeatureNames)}) but the model reads {CsvDatasetReader.Abbreviate(FeatureNames)}.", nameof(value));
            }
            _preprocessing = value;
        }
    }

    /// <summary>The options training ran with, as text (written into model files).</summary>
    public IReadOnlyDictionary<string, string> TrainingOptions { get; }

    /// <summary>Final metrics (e.g. test_accuracy, test_loss, epochs), written into model files.</summary>
    public IReadOnlyDictionary<string, double> Metrics => _metrics;

    /// <summary>The per-epoch history of the run that produced this model (empty for a loaded model).</summary>
    public IReadOnlyList<EpochReport> History { get; internal set; } = [];

    /// <summary>The training result of the run that produced this model (null for a loaded model).</summary>
    public TrainingResult? TrainingResult { get; internal set; }

    /// <summary>
    /// Adds or replaces one of <see cref="Metrics"/> (e.g. test_accuracy after <see cref="Evaluate"/>), to be written
    /// into the model file with the others. NaN and infinities are kept as such.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    public void SetMetric(string name, double value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _metrics[name] = value;
    }

    /// <summary>
    /// Class probabilities for raw feature rows: x is (rows, features), the result (rows, classes), softmax outputs; for a
    /// multi-label model each label's own sigmoid probability, (rows, labels).
    /// </summary>
    /// <exception cref="ArgumentException">The length is not a whole number of rows.</exception>
    /// <exception cref="InvalidOperationException">The model is a regression model (see <see cref="PredictValues(ReadOnlySpan{float})"/>).</exception>
    public float[] PredictProbabilities(ReadOnlySpan<float> features)
    {
        RequireProbabilities();
        int d = FeatureNames.Count;
        if (features.Length % d != 0)
        {
            throw new ArgumentException($"{features.Length} values are not rows of {d} features.", nameof(features));
        }
        var output = new float[features.Length / d * ClassNames.Count];
        Probabilities(features, features.Length / d, raw: true, output);
        return output;
    }

    /// <summary>
    /// Class probabilities for raw feature rows into <paramref name="probabilities"/>: x is (rows, features), the
    /// result (rows, classes), softmax outputs. Allocates nothing once the calling thread has predicted before.
    /// </summary>
    /// <exception cref="ArgumentException">The length is not a whole number of rows, or <paramref name="probabilities"/>
    /// holds fewer than rows × classes values.</exception>
    /// <exception cref="InvalidOperationException">The model is a regression model.</exception>
    public void PredictProbabilities(ReadOnlySpan<float> features, Span<float> probabilities)
    {
        RequireProbabilities();
        int d = FeatureNames.Count;
        if (features.Length % d != 0)
        {
            throw new ArgumentException($"{features.Length} values are not rows of {d} features.", nameof(features));
        }
        int rows = features.Length / d;
        if (probabilities.Length < (long)rows * ClassNames.Count)
        {
            throw new ArgumentException($"{rows} rows of {ClassNames.Count} classes need {rows * (long)ClassNames.Count} values; the span holds {probabilities.Length}.", nameof(probabilities));
        }
        Probabilities(features, rows, raw: true, probabilities);
    }

    /// <summary>Class probabilities for every row of <paramref name="data"/> (raw features), (rows, classes).</summary>
    /// <exception cref="ArgumentException">The data's feature count differs from the model's.</exception>
    public float[] PredictProbabilities(Dataset<float> data)
    {
        CheckFeatures(data);
        RequireProbabilities();
        var output = new float[data.Count * ClassNames.Count];
        Probabilities(data, raw: true, output);
        return output;
    }

    /// <summary>The most probable class index for each raw feature row of x (rows, features).</summary>
    /// <exception cref="InvalidOperationException">The model is not a classifier (see <see cref="PredictValues(ReadOnlySpan{float})"/> and <see cref="PredictLabels"/>).</exception>
    public int[] Predict(ReadOnlySpan<float> features) => ArgMaxRows(PredictProbabilities(RequireClassifier(features)), ClassNames.Count);

    /// <summary>The most probable class index for each row of <paramref name="data"/> (raw features).</summary>
    /// <exception cref="InvalidOperationException">The model is not a classifier.</exception>
    public int[] Predict(Dataset<float> data) => ArgMaxRows(PredictProbabilities(RequireClassifier(data)), ClassNames.Count);

    /// <summary>The name of the most probable class for one raw feature row.</summary>
    /// <exception cref="InvalidOperationException">The model is not a classifier.</exception>
    public string PredictClass(ReadOnlySpan<float> row)
    {
        Require(LearningTask.Classification);
        if (row.Length != FeatureNames.Count)
        {
            throw new ArgumentException($"a row needs {FeatureNames.Count} features; got {row.Length}.", nameof(row));
        }
        int k = ClassNames.Count;
        Span<float> probabilities = k <= 256 ? stackalloc float[k] : new float[k];
        Probabilities(row, 1, raw: true, probabilities);
        return ClassNames[ClassificationMetrics.ArgMax<float>(probabilities)];
    }

    /// <summary>Accuracy, log-loss, per-class precision/recall/F1 and the confusion matrix on labelled data (raw features).</summary>
    /// <exception cref="ArgumentException">The data has no labels, or its feature or class count differs from the model's.</exception>
    /// <exception cref="InvalidOperationException">The model is not a classifier (see <see cref="EvaluateRegression"/> and <see cref="EvaluateMultiLabel"/>).</exception>
    public Evaluation Evaluate(Dataset<float> data)
    {
        RequireClassifier(data);
        CheckFeatures(data);
        float[] probabilities = PredictProbabilities(data);
        return Evaluation.From(probabilities, Labels(data), ClassNames);
    }

    /// <summary>Writes the model; the format follows the extension (.json). See <see cref="ModelFile.Save"/>.</summary>
    public void Save(string path) => ModelFile.Save(this, path);

    /// <summary>Reads a model written by <see cref="Save(string)"/>. See <see cref="ModelFile.Load"/>.</summary>
    public static Model Load(string path) => ModelFile.Load(path);

    /// <summary>Writes the model to <paramref name="stream"/> in the JSON model format (what <see cref="Save(string)"/> writes to a .json file).</summary>
    public void Save(Stream stream) => ModelStream.Save(this, stream);

    /// <summary>Reads a model in the JSON model format from <paramref name="stream"/>; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">The data is not a valid model (one line naming <paramref name="source"/> and the field).</exception>
    public static Model Load(Stream stream, string source = "stream") => ModelStream.Load(stream, source);

    /// <summary>
    /// Class probabilities for feature rows already rescaled by <see cref="Scaler"/> (as a training run's own splits
    /// are): x is (rows, features), the result (rows, classes), softmax outputs. Raw rows go to
    /// <see cref="PredictProbabilities(ReadOnlySpan{float})"/>, which scales them first.
    /// </summary>
    /// <exception cref="ArgumentException">The length is not a whole number of rows.</exception>
    public float[] PredictScaledProbabilities(ReadOnlySpan<float> scaled)
    {
        RequireProbabilities();
        int d = FeatureNames.Count;
        if (scaled.Length % d != 0)
        {
            throw new ArgumentException($"{scaled.Length} values are not rows of {d} features.", nameof(scaled));
        }
        var output = new float[scaled.Length / d * ClassNames.Count];
        Probabilities(scaled, scaled.Length / d, raw: false, output);
        return output;
    }

    /// <summary>
    /// <see cref="Evaluate"/> on data whose features are already rescaled by <see cref="Scaler"/> (as a training run's
    /// own test split is, or as <see cref="FeatureScaler.Apply{T}"/> leaves them): accuracy, log-loss, per-class
    /// precision/recall/F1 and the confusion matrix. Raw data goes to <see cref="Evaluate"/>, which scales it first.
    /// </summary>
    /// <exception cref="ArgumentException">The data has no labels, or its feature or class count differs from the model's.</exception>
    public Evaluation EvaluateScaled(Dataset<float> scaled)
    {
        RequireClassifier(scaled);
        CheckFeatures(scaled);
        var probabilities = new float[scaled.Count * ClassNames.Count];
        Probabilities(scaled, raw: false, probabilities);
        return Evaluation.From(probabilities, Labels(scaled), ClassNames);
    }

    // Probabilities for rows, (rows, features) → (rows, classes), each rescaled on the way in when raw. No lock: the
    // pass runs on the buffers of the threads that take part (ConcurrentPrediction).
    private void Probabilities(ReadOnlySpan<float> features, int rows, bool raw, Span<float> output)
        => ConcurrentPrediction.PredictRows(Network, features, rows, raw && Scaler.Kind != ScalingKind.None ? Scaler : null, output);

    // The same for every row of a set; a set of image bytes is read a block at a time, never converted whole.
    private void Probabilities(Dataset<float> data, bool raw, Span<float> output)
        => ConcurrentPrediction.PredictRows(Network, data, raw && Scaler.Kind != ScalingKind.None ? Scaler : null, output);

    private int[] Labels(Dataset<float> data)
    {
        if (!data.IsClassification)
        {
            throw new ArgumentException("Evaluation needs class labels.", nameof(data));
        }
        if (data.OutputCount != ClassNames.Count)
        {
            throw new ArgumentException($"The data has {data.OutputCount} classes but the model predicts {ClassNames.Count}.", nameof(data));
        }
        return data.Labels.ToArray();
    }

    private void CheckFeatures(Dataset<float> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.FeatureCount != FeatureNames.Count)
        {
            throw new ArgumentException($"The data has {data.FeatureCount} features but the model reads {FeatureNames.Count}.", nameof(data));
        }
    }

    private static int[] ArgMaxRows(float[] probabilities, int k)
    {
        var result = new int[probabilities.Length / k];
        for (int r = 0; r < result.Length; r++)
        {
            result[r] = ClassificationMetrics.ArgMax<float>(probabilities.AsSpan(r * k, k));
        }
        return result;
    }
}
