using System.Text.Json;

namespace Backprop.Serialization;

/// <summary>
/// The JSON model format, version 1:
/// {"format": "backprop-model", "version": 1, "architecture": {"loss", "dtype", "layers": [{"inputs", "outputs", "activation"}]},
///  "features": [..], "label": "..", "classes": [..], "scaler": {"kind", "offset", "scale"}, "preprocessing" (optional, see
///  <see cref="PreprocessingJson"/>),
///  "parameters": {"W1": [[..]] (outputs × inputs), "b1": [..], ..}, "training": {..}, "metrics": {..}}.
/// A batch-norm layer is {"kind": "batch_norm", "features", "epsilon", "momentum"} in the layer list, and its values are
/// "gammaN", "betaN", "running_meanN" and "running_varianceN"; N is a layer's 1-based position in the list (for a
/// network of dense layers only, the dense layer's number, as before). Dropout is not saved: prediction skips it.
/// Numbers are written in shortest round-trip form, so parameters read back bit for bit.
/// A regression or multi-label model adds "task" ("regression" or "multilabel"; absent: classification) after "label";
/// a regression model names its outputs in "targets" instead of "classes" and stores "target_scaler" {"kind", "offset",
/// "scale"} after "scaler"; a multi-label model's "classes" are its label columns, followed by "decision_threshold".
/// Its loss (architecture.loss) is then mse or huber:δ (regression) or binary-cross-entropy (multi-label).
/// </summary>
internal sealed class JsonModelFormat : IModelFormat
{
    public const string FormatName = "backprop-model";
    public const int Version = 1;

    /// <summary>The "kind" of a batch-norm entry in architecture.layers (a dense entry has no "kind").</summary>
    public const string BatchNormKind = "batch_norm";

    public string Extension => ".json";

    public void Write(Model model, Stream stream)
    {
        // A file is only written if it reads back: the reader refuses what the writer would otherwise let through.
        bool regression = model.Task == LearningTask.Regression;
        string? problem = ModelNames.Problem(model.FeatureNames, "features")
            ?? (regression ? ModelNames.Problem(model.LabelNames, "targets") : ModelNames.Problem(model.ClassNames, "classes"))
            ?? ModelNames.LabelProblem(model.LabelName) ?? ScalerProblem(model.Scaler.Kind, model.Scaler.Offset, model.Scaler.Scale)
            ?? (model.TargetScaler is { } t ? ScalerProblem(t.Kind, t.Offset, t.Scale)?.Replace("scaler.", "target_scaler.", StringComparison.Ordinal) : null);
        if (problem is not null)
        {
            throw new InvalidOperationException($"The model cannot be saved: {problem}.");
        }
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("format", FormatName);
        w.WriteNumber("version", Version);

        w.WriteStartObject("architecture");
        w.WriteString("loss", ClassifierRun.LossName(model.Network.Loss));
        w.WriteString("dtype", "float32");
        Layer<float>[] saved = [.. model.Network.Layers.Where(l => l is not Dropout<float>)];
        w.WriteStartArray("layers");
        foreach (Layer<float> layer in saved)
        {
            w.WriteStartObject();
            if (layer is BatchNorm<float> norm)
            {
                w.WriteString("kind", BatchNormKind);
                w.WriteNumber("features", norm.Inputs);
                w.WritePropertyName("epsilon");
                JsonValues.WriteDouble(w, norm.Epsilon);
                w.WritePropertyName("momentum");
                JsonValues.WriteDouble(w, norm.Momentum);
            }
            else
            {
                var dense = (Dense<float>)layer;
                w.WriteNumber("inputs", dense.Inputs);
                w.WriteNumber("outputs", dense.Outputs);
                w.WriteString("activation", ActivationFunctions.Name(dense.Activation));
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();

        WriteStrings(w, "features", model.FeatureNames);
        w.WriteString("label", model.LabelName);
        if (model.Task != LearningTask.Classification)
        {
            w.WriteString("task", Model.TaskName(model.Task));
        }
        WriteStrings(w, regression ? "targets" : "classes", regression ? model.LabelNames : model.ClassNames);
        if (model.Task == LearningTask.MultiLabel)
        {
            w.WritePropertyName("decision_threshold");
            JsonValues.WriteDouble(w, model.DecisionThreshold);
        }

        WriteScaler(w, "scaler", model.Scaler);
        if (model.TargetScaler is { } targetScaler)
        {
            WriteScaler(w, "target_scaler", targetScaler);
        }

        if (model.Preprocessing is not null)
        {
            PreprocessingJson.Write(w, model.Preprocessing);
        }

        w.WriteStartObject("parameters");
        for (int l = 0; l < saved.Length; l++)
        {
            if (saved[l] is BatchNorm<float> norm)
            {
                JsonValues.WriteInlineRow(w, $"gamma{l + 1}", norm.Parameters[..norm.Inputs]);
                JsonValues.WriteInlineRow(w, $"beta{l + 1}", norm.Parameters[norm.Inputs..]);
                JsonValues.WriteInlineRow(w, $"running_mean{l + 1}", norm.StateBuffers[0].Value);
                JsonValues.WriteInlineRow(w, $"running_variance{l + 1}", norm.StateBuffers[1].Value);
                continue;
            }
            var layer = (Dense<float>)saved[l];
            JsonValues.WriteMatrix(w, $"W{l + 1}", layer.Weights, layer.Outputs, layer.Inputs);
            JsonValues.WriteInlineRow(w, $"b{l + 1}", layer.Bias);
        }
        w.WriteEndObject();

        w.WriteStartObject("training");
        foreach ((string key, string value) in model.TrainingOptions.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            w.WriteString(key, value);
        }
        w.WriteEndObject();

        w.WriteStartObject("metrics");
        foreach ((string key, double value) in model.Metrics.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            w.WritePropertyName(key);
            JsonValues.WriteDouble(w, value);
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public Model Read(string path, string source)
    {
        using JsonDocument document = JsonValues.Parse(path, "model");
        return Read(document.RootElement, source);
    }

    /// <summary>Reads a model from <paramref name="stream"/> (to its end); <paramref name="source"/> names it in errors.</summary>
    public Model Read(Stream stream, string source)
    {
        using JsonDocument document = JsonValues.Parse(stream, source, "model");
        return Read(document.RootElement, source);
    }

    private static void WriteScaler(Utf8JsonWriter w, string name, FeatureScaler scaler)
    {
        w.WriteStartObject(name);
        w.WriteString("kind", ScalingName(scaler.Kind));
        JsonValues.WriteInlineRow(w, "offset", scaler.Offset);
        JsonValues.WriteInlineRow(w, "scale", scaler.Scale);
        w.WriteEndObject();
    }

    private static Model Read(JsonElement root, string source)
    {
        JsonValues.CheckFormat(root, source, FormatName, Version, "model");

        LearningTask task = ReadTask(root, source);
        (List<int> sizes, List<Activation> activations, List<SavedLayer> layers, Loss loss) = ReadArchitecture(root, source, task);

        // Every size the architecture declares is checked against the values the file really holds before anything is
        // allocated, so a small file declaring a huge layer costs nothing (each value takes at least one byte of the file).
        JsonElement parameters = JsonValues.Property(root, "parameters", source, "the file");
        var expected = new List<string>();
        for (int l = 0; l < layers.Count; l++)
        {
            expected.AddRange(layers[l].Norm is null ? [$"W{l + 1}", $"b{l + 1}"] : BatchNormNames(l));
        }
        if (parameters.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{source}: \"parameters\" is not a JSON object");
        }
        foreach (JsonProperty property in parameters.EnumerateObject())
        {
            if (!expected.Contains(property.Name))
            {
                throw new InvalidDataException($"{source}: parameters.{property.Name} is not part of the architecture ({string.Join(", ", expected)})");
            }
        }
        for (int l = 0; l < layers.Count; l++)
        {
            if (layers[l].Norm is null)
            {
                CheckShape(parameters, source, l, layers[l].Inputs, layers[l].Outputs);
                continue;
            }
            foreach (string name in BatchNormNames(l))
            {
                JsonElement values = JsonValues.Property(parameters, name, source, "\"parameters\"");
                if (values.ValueKind != JsonValueKind.Array || values.GetArrayLength() != layers[l].Inputs)
                {
                    throw new InvalidDataException($"{source}: parameters.{name} has shape {ShapeOf(values)} but the architecture needs {layers[l].Inputs}");
                }
            }
        }

        string[] features = JsonValues.Strings(JsonValues.Property(root, "features", source, "the file"), source, "\"features\"", sizes[0]);
        string label = JsonValues.String(JsonValues.Property(root, "label", source, "the file"), source, "\"label\"");
        string outputsName = task == LearningTask.Regression ? "targets" : "classes";
        string[] classes = JsonValues.Strings(JsonValues.Property(root, outputsName, source, "the file"), source, $"\"{outputsName}\"", sizes[^1]);
        string? names = ModelNames.Problem(features, "features") ?? ModelNames.Problem(classes, outputsName) ?? ModelNames.LabelProblem(label);
        if (names is not null)
        {
            throw new InvalidDataException($"{source}: {names}");
        }

        FeatureScaler scaler = ReadScaler(root, "scaler", source, sizes[0]);
        FeatureScaler? targetScaler = task == LearningTask.Regression ? ReadScaler(root, "target_scaler", source, sizes[^1]) : null;
        double threshold = 0.5;
        if (task == LearningTask.MultiLabel)
        {
            threshold = JsonValues.Double(JsonValues.Property(root, "decision_threshold", source, "the file"), source, "decision_threshold");
            if (!(threshold > 0 && threshold < 1))
            {
                throw new InvalidDataException($"{source}: decision_threshold is {Text(threshold)}; it must be in (0, 1)");
            }
        }

        Network<float> network;
        try
        {
            network = layers.All(l => l.Norm is null)
                ? new Network<float>(sizes, activations, loss)
                : new Network<float>(sizes[0], [.. layers.Select(l => l.Norm is { } n ? new BatchNorm<float>(n.Momentum, n.Epsilon) : (Layer<float>)new Dense<float>(l.Outputs, l.Activation))], loss);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{source}: architecture: {e.Message.Split(" (Parameter")[0]}");
        }
        for (int l = 0; l < network.Layers.Count; l++)
        {
            if (network.Layers[l] is BatchNorm<float> norm)
            {
                ReadBatchNorm(parameters, source, l, norm);
                continue;
            }
            var layer = (Dense<float>)network.Layers[l];
            string wName = $"W{l + 1}";
            string bName = $"b{l + 1}";
            Span<float> weights = layer.Weights;
            int o = 0;
            foreach (JsonElement row in parameters.GetProperty(wName).EnumerateArray())
            {
                int i = 0;
                foreach (JsonElement v in row.EnumerateArray())
                {
                    weights[o * layer.Inputs + i] = JsonValues.Float(v, source, $"parameters.{wName}[{o}][{i}]");
                    i++;
                }
                o++;
            }
            Span<float> bias = layer.Bias;
            int j = 0;
            foreach (JsonElement v in parameters.GetProperty(bName).EnumerateArray())
            {
                bias[j] = JsonValues.Float(v, source, $"parameters.{bName}[{j}]");
                j++;
            }
        }

        var training = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("training", out JsonElement trainingElement) && trainingElement.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty p in trainingElement.EnumerateObject())
            {
                training[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
            }
        }
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        if (root.TryGetProperty("metrics", out JsonElement metricsElement) && metricsElement.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty p in metricsElement.EnumerateObject())
            {
                metrics[p.Name] = JsonValues.Double(p.Value, source, $"metrics.{p.Name}");
            }
        }
        Preprocessor? preprocessing = root.TryGetProperty(PreprocessingJson.Name, out JsonElement pre) ? PreprocessingJson.Read(pre, source, features) : null;
        if (task == LearningTask.Classification)
        {
            return new Model(network, features, label, classes, scaler, training, metrics) { Preprocessing = preprocessing };
        }
        try
        {
            return new Model(network, features, task, classes, scaler, targetScaler, threshold, label, training, metrics) { Preprocessing = preprocessing };
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{source}: {e.Message.Split(" (Parameter")[0]}");
        }
    }

    /// <summary>"task": absent for a classifier (every file written before there were other tasks), else regression or multilabel.</summary>
    private static LearningTask ReadTask(JsonElement root, string source)
    {
        if (!root.TryGetProperty("task", out JsonElement element))
        {
            return LearningTask.Classification;
        }
        return JsonValues.String(element, source, "\"task\"") switch
        {
            "classification" => LearningTask.Classification,
            "regression" => LearningTask.Regression,
            "multilabel" => LearningTask.MultiLabel,
            string other => throw new InvalidDataException($"{source}: task '{other}' is unknown (expected classification, regression or multilabel)"),
        };
    }

    /// <summary>A scaler object ("scaler" or "target_scaler") of <paramref name="count"/> columns, checked.</summary>
    private static FeatureScaler ReadScaler(JsonElement root, string name, string source, int count)
    {
        JsonElement element = JsonValues.Property(root, name, source, "the file");
        string where = $"\"{name}\"";
        ScalingKind kind = ParseScaling(JsonValues.String(JsonValues.Property(element, "kind", source, where), source, name + ".kind"), source, name);
        double[] offset = JsonValues.Doubles(JsonValues.Property(element, "offset", source, where), source, name + ".offset", count);
        double[] scale = JsonValues.Doubles(JsonValues.Property(element, "scale", source, where), source, name + ".scale", count);
        if (ScalerProblem(kind, offset, scale) is string problem)
        {
            throw new InvalidDataException($"{source}: {(name == "scaler" ? problem : problem.Replace("scaler.", name + ".", StringComparison.Ordinal))}");
        }
        return new FeatureScaler(kind, offset, scale);
    }

    /// <summary>A batch-norm entry's settings, as architecture.layers gives them.</summary>
    private sealed record BatchNormSettings(double Epsilon, double Momentum);

    /// <summary>One entry of architecture.layers: a dense layer (Norm null) or a batch norm of Inputs features.</summary>
    private sealed record SavedLayer(int Inputs, int Outputs, Activation Activation, BatchNormSettings? Norm);

    private static string[] BatchNormNames(int l) => [$"gamma{l + 1}", $"beta{l + 1}", $"running_mean{l + 1}", $"running_variance{l + 1}"];

    /// <summary>Reads γ, β and the running statistics of the batch norm at position l (shapes already checked): all finite, variances positive.</summary>
    private static void ReadBatchNorm(JsonElement parameters, string source, int l, BatchNorm<float> norm)
    {
        string[] names = BatchNormNames(l);
        int n = norm.Inputs;
        for (int k = 0; k < names.Length; k++)
        {
            Span<float> target = k switch
            {
                0 => norm.Parameters[..n],
                1 => norm.Parameters[n..],
                _ => norm.StateBuffers[k - 2].Value,
            };
            int j = 0;
            foreach (JsonElement v in parameters.GetProperty(names[k]).EnumerateArray())
            {
                float value = JsonValues.Float(v, source, $"parameters.{names[k]}[{j}]");
                if (k == 3 && !(value > 0))
                {
                    throw new InvalidDataException($"{source}: parameters.{names[k]}[{j}] is {value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}; a variance must be positive");
                }
                target[j] = value;
                j++;
            }
        }
    }

    /// <summary>The dense layer sizes (input first) and activations, and every saved layer in order, checked for consistency; nothing is allocated from them.</summary>
    private static (List<int> Sizes, List<Activation> Activations, List<SavedLayer> Layers, Loss Loss) ReadArchitecture(JsonElement root, string source, LearningTask task)
    {
        JsonElement architecture = JsonValues.Property(root, "architecture", source, "the file");
        string lossName = JsonValues.String(JsonValues.Property(architecture, "loss", source, "\"architecture\""), source, "architecture.loss");
        Loss? loss = null;
        try
        {
            LossNames.TryCreate(lossName, out loss);
        }
        catch (FormatException)
        {
            // reported below, as a loss this task does not read
        }
        bool fits = task switch
        {
            LearningTask.Regression => loss is MeanSquaredError or Huber,
            LearningTask.MultiLabel => loss is SigmoidBinaryCrossEntropy,
            _ => lossName == "cross-entropy",
        };
        if (!fits)
        {
            string expected = task switch
            {
                LearningTask.Regression => "mse or huber:δ for a regression model",
                LearningTask.MultiLabel => "binary-cross-entropy for a multilabel model",
                _ => "cross-entropy for a classifier (a regression or multilabel model says so in \"task\")",
            };
            throw new InvalidDataException($"{source}: architecture.loss is '{lossName}'; expected {expected}");
        }
        if (architecture.TryGetProperty("dtype", out JsonElement dtype) && dtype.ValueKind == JsonValueKind.String && dtype.GetString() != "float32")
        {
            throw new InvalidDataException($"{source}: architecture.dtype is '{dtype.GetString()}'; this build reads float32 models");
        }
        JsonElement layers = JsonValues.Array(JsonValues.Property(architecture, "layers", source, "\"architecture\""), source, "architecture.layers");
        if (layers.GetArrayLength() == 0)
        {
            throw new InvalidDataException($"{source}: architecture.layers is empty");
        }
        var sizes = new List<int>();
        var activations = new List<Activation>();
        var saved = new List<SavedLayer>();
        int index = 0;
        foreach (JsonElement layer in layers.EnumerateArray())
        {
            string where = $"architecture.layers[{index}]";
            if (layer.ValueKind == JsonValueKind.Object && layer.TryGetProperty("kind", out JsonElement kindElement))
            {
                string kind = JsonValues.String(kindElement, source, where + ".kind");
                if (kind != BatchNormKind)
                {
                    throw new InvalidDataException($"{source}: {where}.kind '{kind}' is unknown (expected {BatchNormKind}, or no kind for a dense layer)");
                }
                saved.Add(ReadBatchNormEntry(layer, source, where, index == 0 ? null : saved[^1].Outputs));
                if (index == 0)
                {
                    sizes.Add(saved[^1].Inputs);
                }
                index++;
                continue;
            }
            int inputs = JsonValues.Int(JsonValues.Property(layer, "inputs", source, where), source, where + ".inputs");
            int outputs = JsonValues.Int(JsonValues.Property(layer, "outputs", source, where), source, where + ".outputs");
            string activation = JsonValues.String(JsonValues.Property(layer, "activation", source, where), source, where + ".activation");
            if (inputs < 1 || outputs < 1)
            {
                throw new InvalidDataException($"{source}: {where} has {inputs} inputs and {outputs} outputs; both must be at least 1");
            }
            if (index == 0)
            {
                sizes.Add(inputs);
            }
            else if (inputs != sizes[^1])
            {
                throw new InvalidDataException($"{source}: {where} has {inputs} inputs but the layer before it has {sizes[^1]} outputs");
            }
            if (!ActivationFunctions.TryParse(activation, out Activation parsed))
            {
                throw new InvalidDataException($"{source}: {where}.activation '{activation}' is unknown");
            }
            sizes.Add(outputs);
            activations.Add(parsed);
            saved.Add(new SavedLayer(inputs, outputs, parsed, null));
            index++;
        }
        if (saved[^1].Norm is not null)
        {
            throw new InvalidDataException($"{source}: architecture.layers[{index - 1}] is a batch norm; the last layer must be dense (its activation goes with the loss)");
        }
        try
        {
            NetworkShape.Validate(sizes, activations, loss!);
            if (task == LearningTask.Regression && activations[^1] != Activation.Identity)
            {
                throw new ArgumentException($"a regression model's last layer is identity, not {ActivationFunctions.Name(activations[^1])}");
            }
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{source}: architecture: {e.Message.Split(" (Parameter")[0]}");
        }
        return (sizes, activations, saved, loss!);
    }

    /// <summary>A batch-norm entry: features (equal to the width before it, when there is a layer before it), ε &gt; 0, momentum in (0, 1].</summary>
    private static SavedLayer ReadBatchNormEntry(JsonElement layer, string source, string where, int? width)
    {
        int features = JsonValues.Int(JsonValues.Property(layer, "features", source, where), source, where + ".features");
        double epsilon = JsonValues.Double(JsonValues.Property(layer, "epsilon", source, where), source, where + ".epsilon");
        double momentum = JsonValues.Double(JsonValues.Property(layer, "momentum", source, where), source, where + ".momentum");
        if (features < 1)
        {
            throw new InvalidDataException($"{source}: {where}.features is {features}; it must be at least 1");
        }
        if (width is int before && features != before)
        {
            throw new InvalidDataException($"{source}: {where} has {features} features but the layer before it has {before} outputs");
        }
        if (!(epsilon > 0) || !double.IsFinite(epsilon))
        {
            throw new InvalidDataException($"{source}: {where}.epsilon is {Text(epsilon)}; it must be positive and finite");
        }
        if (!(momentum > 0 && momentum <= 1))
        {
            throw new InvalidDataException($"{source}: {where}.momentum is {Text(momentum)}; it must be in (0, 1]");
        }
        return new SavedLayer(features, features, Activation.Identity, new BatchNormSettings(epsilon, momentum));
    }

    /// <summary>Checks that W(l+1) holds outputs rows of inputs values and b(l+1) outputs values, by counting what is there.</summary>
    private static void CheckShape(JsonElement parameters, string source, int l, int inputs, int outputs)
    {
        string wName = $"W{l + 1}";
        string bName = $"b{l + 1}";
        JsonElement w = JsonValues.Property(parameters, wName, source, "\"parameters\"");
        if (w.ValueKind != JsonValueKind.Array || w.GetArrayLength() != outputs)
        {
            throw new InvalidDataException($"{source}: parameters.{wName} has shape {ShapeOf(w)} but the architecture needs {outputs}×{inputs}");
        }
        int o = 0;
        foreach (JsonElement row in w.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() != inputs)
            {
                throw new InvalidDataException($"{source}: parameters.{wName} row {o + 1} has {(row.ValueKind == JsonValueKind.Array ? row.GetArrayLength() : 0)} values but the architecture needs {inputs} ({outputs}×{inputs})");
            }
            o++;
        }
        JsonElement b = JsonValues.Property(parameters, bName, source, "\"parameters\"");
        if (b.ValueKind != JsonValueKind.Array || b.GetArrayLength() != outputs)
        {
            throw new InvalidDataException($"{source}: parameters.{bName} has shape {ShapeOf(b)} but the architecture needs {outputs}");
        }
    }

    /// <summary>
    /// What is wrong with a scaler's values, or null: offsets finite and scales finite and positive (a fitted scale is a
    /// spread, so zero, negative or non-finite ones come only from a damaged file); "none" is offset 0 and scale 1.
    /// </summary>
    internal static string? ScalerProblem(ScalingKind kind, IReadOnlyList<double> offset, IReadOnlyList<double> scale)
    {
        for (int j = 0; j < offset.Count; j++)
        {
            if (!double.IsFinite(offset[j]))
            {
                return $"scaler.offset[{j}] is {Text(offset[j])}; offsets must be finite";
            }
            if (!(scale[j] > 0) || !double.IsFinite(scale[j]))
            {
                return $"scaler.scale[{j}] is {Text(scale[j])}; scales must be finite and positive";
            }
            if (kind == ScalingKind.None && (offset[j] != 0 || scale[j] != 1))
            {
                return $"scaler.kind is none but feature {j} has offset {Text(offset[j])} and scale {Text(scale[j])} (expected 0 and 1)";
            }
        }
        return null;
    }

    private static string Text(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    internal static string ScalingName(ScalingKind kind) => kind switch
    {
        ScalingKind.None => "none",
        ScalingKind.Standard => "standard",
        ScalingKind.MinMax => "minmax",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static ScalingKind ParseScaling(string text, string source, string name) => text switch
    {
        "none" => ScalingKind.None,
        "standard" => ScalingKind.Standard,
        "minmax" => ScalingKind.MinMax,
        _ => throw new InvalidDataException($"{source}: {name}.kind '{text}' is unknown (expected none, standard or minmax)"),
    };

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (string v in values)
        {
            w.WriteStringValue(v);
        }
        w.WriteEndArray();
    }

    private static string ShapeOf(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Array)
        {
            return e.ValueKind.ToString().ToLowerInvariant();
        }
        int rows = e.GetArrayLength();
        if (rows > 0 && e[0].ValueKind == JsonValueKind.Array)
        {
            return $"{rows}×{e[0].GetArrayLength()}";
        }
        return rows.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
