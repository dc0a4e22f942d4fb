using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Backprop.Interop;

/// <summary>
/// What a Backprop model is, beyond its weights, as string key/value pairs: ONNX's metadata_props and safetensors'
/// <c>__metadata__</c> both carry only strings. Lists and objects are JSON text; numbers are shortest round-trip, so
/// the scaler reads back bit for bit. Keys: format, version, loss, layers, features, label, classes, scaler, training, metrics.
/// </summary>
internal static class ModelMetadata
{
    public const string FormatName = "backprop-model";
    public const string Version = "1";

    public static Dictionary<string, string> Write(ModelParts parts)
    {
        Dictionary<string, string> metadata = Common(parts);
        // A regression or multi-label model says so, with what its head needs (the keys of the JSON model file).
        if (parts.Head == ModelHead.Regression)
        {
            metadata["task"] = "regression";
            metadata["targets"] = Json(w => Strings(w, parts.TargetNames));
            metadata["target_scaler"] = Json(w =>
            {
                w.WriteStartObject();
                w.WriteString("kind", parts.TargetOffset!.All(v => v == 0) && parts.TargetScale!.All(v => v == 1) ? "none" : "standard");
                JsonValues.WriteDoubles(w, "offset", parts.TargetOffset!);
                JsonValues.WriteDoubles(w, "scale", parts.TargetScale!);
                w.WriteEndObject();
            });
        }
        else if (parts.Head == ModelHead.MultiLabel)
        {
            metadata["task"] = "multilabel";
            metadata["decision_threshold"] = parts.DecisionThreshold.ToString("R", CultureInfo.InvariantCulture);
        }
        return metadata;
    }

    private static Dictionary<string, string> Common(ModelParts parts)
    {
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = FormatName,
            ["version"] = Version,
            ["loss"] = parts.Loss,
            ["layers"] = Json(w =>
            {
                w.WriteStartArray();
                foreach (LayerParts layer in parts.Layers)
                {
                    w.WriteStartObject();
                    w.WriteNumber("inputs", layer.Inputs);
                    w.WriteNumber("outputs", layer.Outputs);
                    w.WriteString("activation", ActivationFunctions.Name(layer.Activation));
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }),
            ["features"] = Json(w => Strings(w, parts.FeatureNames)),
            ["label"] = parts.LabelName,
            ["classes"] = Json(w => Strings(w, parts.ClassNames)),
            ["scaler"] = Json(w =>
            {
                w.WriteStartObject();
                w.WriteString("kind", JsonModelFormat.ScalingName(parts.ScalerKind));
                JsonValues.WriteDoubles(w, "offset", parts.ScalerOffset);
                JsonValues.WriteDoubles(w, "scale", parts.ScalerScale);
                w.WriteEndObject();
            }),
            ["training"] = Json(w =>
            {
                w.WriteStartObject();
                foreach ((string key, string value) in parts.Training.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    w.WriteString(key, value);
                }
                w.WriteEndObject();
            }),
            ["metrics"] = Json(w =>
            {
                w.WriteStartObject();
                foreach ((string key, double value) in parts.Metrics.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    w.WritePropertyName(key);
                    JsonValues.WriteDouble(w, value);
                }
                w.WriteEndObject();
            }),
        };
    }

    /// <summary>Whether these pairs were written by <see cref="Write"/>.</summary>
    public static bool IsBackprop(IReadOnlyDictionary<string, string> metadata)
        => metadata.TryGetValue("format", out string? format) && format == FormatName;

    /// <summary>The layer sizes (input first) and activations named by "layers".</summary>
    public static (int[] Sizes, Activation[] Activations) Layers(IReadOnlyDictionary<string, string> metadata, string source)
    {
        using JsonDocument document = Parse(metadata, "layers", source);
        JsonElement layers = JsonValues.Array(document.RootElement, source, "metadata layers");
        var sizes = new List<int>();
        var activations = new List<Activation>();
        int index = 0;
        foreach (JsonElement layer in layers.EnumerateArray())
        {
            string where = $"metadata layers[{index}]";
            int inputs = JsonValues.Int(JsonValues.Property(layer, "inputs", source, where), source, where + ".inputs");
            int outputs = JsonValues.Int(JsonValues.Property(layer, "outputs", source, where), source, where + ".outputs");
            string activation = JsonValues.String(JsonValues.Property(layer, "activation", source, where), source, where + ".activation");
            if (inputs < 1 || outputs < 1 || (index > 0 && inputs != sizes[^1]))
            {
                throw new InvalidDataException($"{source}: {where} has {inputs} inputs and {outputs} outputs, which do not follow the layer before it");
            }
            if (!ActivationFunctions.TryParse(activation, out Activation parsed))
            {
                throw new InvalidDataException($"{source}: {where}.activation '{activation}' is unknown");
            }
            if (index == 0)
            {
                sizes.Add(inputs);
            }
            sizes.Add(outputs);
            activations.Add(parsed);
            index++;
        }
        if (index == 0)
        {
            throw new InvalidDataException($"{source}: metadata layers is empty");
        }
        return ([.. sizes], [.. activations]);
    }

    /// <summary>The model's names, scaler, options and metrics; <paramref name="layers"/> and <paramref name="head"/> come from the weights.</summary>
    public static ModelParts Parts(IReadOnlyDictionary<string, string> metadata, IReadOnlyList<LayerParts> layers, ModelHead head, string source)
    {
        if (metadata.TryGetValue("task", out string? task) && task != "classification")
        {
            throw new InvalidDataException($"{source}: metadata task is '{task}'; import reads classifiers (keep the model's .json file for a {task} model)");
        }
        if (metadata.TryGetValue("loss", out string? loss) && loss != "cross-entropy")
        {
            throw new InvalidDataException($"{source}: metadata loss is '{loss}'; this build reads cross-entropy classifiers");
        }
        int features = layers[0].Inputs;
        int classes = layers[^1].Outputs;
        string[] featureNames;
        using (JsonDocument d = Parse(metadata, "features", source))
        {
            featureNames = JsonValues.Strings(d.RootElement, source, "metadata features", features);
        }
        string[] classNames;
        using (JsonDocument d = Parse(metadata, "classes", source))
        {
            classNames = JsonValues.Strings(d.RootElement, source, "metadata classes", classes);
        }
        string label = metadata.TryGetValue("label", out string? l) ? l : throw new InvalidDataException($"{source}: metadata has no 'label'");
        ScalingKind kind;
        double[] offset, scale;
        using (JsonDocument d = Parse(metadata, "scaler", source))
        {
            JsonElement s = d.RootElement;
            string kindName = JsonValues.String(JsonValues.Property(s, "kind", source, "metadata scaler"), source, "metadata scaler.kind");
            kind = kindName switch
            {
                "none" => ScalingKind.None,
                "standard" => ScalingKind.Standard,
                "minmax" => ScalingKind.MinMax,
                _ => throw new InvalidDataException($"{source}: metadata scaler.kind '{kindName}' is unknown (expected none, standard or minmax)"),
            };
            offset = JsonValues.Doubles(JsonValues.Property(s, "offset", source, "metadata scaler"), source, "metadata scaler.offset", features);
            scale = JsonValues.Doubles(JsonValues.Property(s, "scale", source, "metadata scaler"), source, "metadata scaler.scale", features);
        }
        var training = new Dictionary<string, string>(StringComparer.Ordinal);
        if (metadata.ContainsKey("training"))
        {
            using JsonDocument d = Parse(metadata, "training", source);
            if (d.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty p in d.RootElement.EnumerateObject())
                {
                    training[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
                }
            }
        }
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        if (metadata.ContainsKey("metrics"))
        {
            using JsonDocument d = Parse(metadata, "metrics", source);
            if (d.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty p in d.RootElement.EnumerateObject())
                {
                    metrics[p.Name] = JsonValues.Double(p.Value, source, $"metadata metrics.{p.Name}");
                }
            }
        }
        return new ModelParts(layers, head, kind, offset, scale, featureNames, label, classNames, training, metrics);
    }

    private static JsonDocument Parse(IReadOnlyDictionary<string, string> metadata, string key, string source)
    {
        if (!metadata.TryGetValue(key, out string? text))
        {
            throw new InvalidDataException($"{source}: metadata has no '{key}'");
        }
        try
        {
            return JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException)
        {
            throw new InvalidDataException($"{source}: metadata '{key}' is not valid JSON");
        }
    }

    private static void Strings(Utf8JsonWriter w, IEnumerable<string> values)
    {
        w.WriteStartArray();
        foreach (string v in values)
        {
            w.WriteStringValue(v);
        }
        w.WriteEndArray();
    }

    /// <summary>JSON text written by <paramref name="write"/>.</summary>
    public static string Json(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            write(w);
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>An integer as metadata text.</summary>
    public static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
