namespace Backprop.Interop;

/// <summary>
/// A <see cref="Model"/> taken apart into what exchange formats (ONNX, safetensors) write: dense layers, the output
/// head, the feature scaler and the names. This is the only place the exporters and importers touch
/// <see cref="Model"/>'s API, so a change to the model's types is absorbed here.
/// </summary>
internal sealed record ModelParts(
    IReadOnlyList<LayerParts> Layers,
    ModelHead Head,
    ScalingKind ScalerKind,
    double[] ScalerOffset,
    double[] ScalerScale,
    IReadOnlyList<string> FeatureNames,
    string LabelName,
    IReadOnlyList<string> ClassNames,
    IReadOnlyDictionary<string, string> Training,
    IReadOnlyDictionary<string, double> Metrics)
{
    /// <summary>Regression: the target scaler's offsets (t = z · scale + offset); null for the other heads.</summary>
    public double[]? TargetOffset { get; init; }

    /// <summary>Regression: the target scaler's scales; null for the other heads.</summary>
    public double[]? TargetScale { get; init; }

    /// <summary>Multi-label: a label is predicted when its probability is above this.</summary>
    public double DecisionThreshold { get; init; } = 0.5;

    /// <summary>The loss as model files name it (cross-entropy, mse, huber:δ, binary-cross-entropy).</summary>
    public string Loss { get; init; } = "cross-entropy";

    /// <summary>The output names: classes, regression targets or yes/no labels.</summary>
    public IReadOnlyList<string> OutputNames => Head == ModelHead.Regression ? TargetNames : ClassNames;

    /// <summary>Regression: the target columns (the model's label names).</summary>
    public IReadOnlyList<string> TargetNames { get; init; } = [];

    /// <summary>Copies the parts of <paramref name="model"/> for the exchange format <paramref name="format"/>; later changes to the model do not show here.</summary>
    /// <exception cref="NotSupportedException">The model has a layer other than dense (and dropout, which prediction skips): one line naming the format and the layer.</exception>
    public static ModelParts From(Model model, string format)
    {
        ArgumentNullException.ThrowIfNull(model);
        int position = 0;
        foreach (Layer<float> layer in model.Network.Layers.Where(l => l is not Dropout<float>))
        {
            position++;
            if (layer is BatchNorm<float>)
            {
                throw new NotSupportedException($"the {format} format cannot express layer {position} (batch_norm) yet; keep the model as .json");
            }
        }
        // Dropped columns need nothing: the exported input is the kept columns. Fills of numeric columns are one
        // IsNaN/Where step in ONNX; one-hot columns make the graph take the table's columns, text as strings.
        double[]? fills = null;
        PreprocessedColumn[]? tableColumns = null;
        if (model.Preprocessing is { } pre)
        {
            string[] oneHot = [.. pre.Columns.Where(c => c.Treatment == ColumnTreatment.OneHot).Select(c => c.Name)];
            string[] filled = [.. pre.Columns.Where(c => c.IsUsed && c.MissingCount > 0).Select(c => c.Name)];
            if (format != "onnx" && (oneHot.Length > 0 || filled.Length > 0))
            {
                string what = oneHot.Length > 0 ? "one-hot columns " + CsvDatasetReader.Abbreviate(oneHot) : "missing cells filled in " + CsvDatasetReader.Abbreviate(filled);
                throw new NotSupportedException($"the {format} format cannot express the model's preprocessing of its columns ({what}) yet; keep the model as .json");
            }
            if (format == "onnx" && pre.Columns.Any(c => c.Treatment == ColumnTreatment.Numeric && !double.IsNaN(c.Fill)))
            {
                // One fill per feature: a one-hot feature is never NaN, so its (NaN) fill is never taken.
                fills = [.. pre.Columns.SelectMany(c => c.FeatureNames.Select(_ => c.Fill))];
            }
            if (oneHot.Length > 0)
            {
                tableColumns = [.. pre.Columns.Where(c => c.IsUsed)];
            }
        }
        var layers = new List<LayerParts>();
        foreach (Dense<float> layer in model.Network.DenseLayers)
        {
            layers.Add(new LayerParts(layer.Inputs, layer.Outputs, layer.Weights.ToArray(), layer.Bias.ToArray(), layer.Activation));
        }
        ModelHead head = model.Task switch
        {
            LearningTask.Regression => ModelHead.Regression,
            LearningTask.MultiLabel => ModelHead.MultiLabel,
            _ => ModelHead.Classification,
        };
        return new ModelParts(layers, head, model.Scaler.Kind, [.. model.Scaler.Offset], [.. model.Scaler.Scale],
            model.FeatureNames, model.LabelName, model.ClassNames,
            new Dictionary<string, string>(model.TrainingOptions), new Dictionary<string, double>(model.Metrics))
        {
            TargetOffset = model.TargetScaler is { } t ? [.. t.Offset] : null,
            TargetScale = model.TargetScaler is { } u ? [.. u.Scale] : null,
            TargetNames = model.Task == LearningTask.Regression ? model.LabelNames : [],
            DecisionThreshold = model.DecisionThreshold,
            Loss = ClassifierRun.LossName(model.Network.Loss),
            FeatureFills = fills,
            TableColumns = tableColumns,
            MissingValues = model.Preprocessing?.MissingValues ?? [],
        };
    }

    /// <summary>
    /// The value that replaces a missing (NaN) raw feature, per feature, before scaling (NaN: none); null when the
    /// model fills nothing. Only numeric features have fills; a one-hot feature's is NaN.
    /// </summary>
    public double[]? FeatureFills { get; init; }

    /// <summary>
    /// A model with one-hot columns (ONNX only): the table's columns it reads, dropped ones left out, in table order;
    /// the graph takes one input per column and encodes the text ones itself. Null when the input is the feature rows.
    /// </summary>
    public IReadOnlyList<PreprocessedColumn>? TableColumns { get; init; }

    /// <summary>The cells the model's table read as missing (see <see cref="Preprocessor.MissingValues"/>); empty without preprocessing.</summary>
    public IReadOnlyList<string> MissingValues { get; init; } = [];

    /// <summary>Builds the model these parts describe.</summary>
    /// <exception cref="InvalidDataException">The parts do not make a model (shapes or names disagree); the message starts with <paramref name="source"/>.</exception>
    public Model ToModel(string source)
    {
        if (Layers.Count == 0)
        {
            throw new InvalidDataException($"{source}: the model has no layers");
        }
        int[] sizes = [Layers[0].Inputs, .. Layers.Select(l => l.Outputs)];
        Activation[] activations = [.. Layers.Select(l => l.Activation)];
        try
        {
            var network = new Network<float>(sizes, activations, Losses.Loss.CrossEntropy);
            for (int l = 0; l < Layers.Count; l++)
            {
                LayerParts parts = Layers[l];
                Dense<float> layer = network.DenseLayers[l];
                if (parts.Inputs != layer.Inputs || parts.Weights.Length != layer.Weights.Length || parts.Bias.Length != layer.Bias.Length)
                {
                    throw new InvalidDataException($"{source}: layer {l + 1} has {parts.Weights.Length} weights and {parts.Bias.Length} biases; "
                        + $"a {parts.Inputs}→{parts.Outputs} layer after a layer of {layer.Inputs} needs {layer.Weights.Length} and {layer.Bias.Length}");
                }
                parts.Weights.CopyTo(layer.Weights);
                parts.Bias.CopyTo(layer.Bias);
            }
            var scaler = new FeatureScaler(ScalerKind, ScalerOffset, ScalerScale);
            return new Model(network, FeatureNames, LabelName, ClassNames, scaler, Training, Metrics);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{source}: {e.Message.Split(" (Parameter")[0]}");
        }
    }
}
