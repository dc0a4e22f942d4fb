using System.Text.Json;

namespace Backprop.Serialization;

/// <summary>
/// The JSON checkpoint format, version 1: {"format": "backprop-checkpoint", "version": 1, "epoch", "sizes", "activations",
/// "parameters", "optimizer": {"kind", "learning_rate", "base_learning_rate", "steps", "state": [[..]]},
/// "schedule": {"name", "state"}, "rng": {"shuffle", "dropout"}, "early_stopping": {"best_loss", "best_epoch", "wait", "best_parameters"},
/// "history": [..]}. Every number is written in shortest round-trip form, so a restore is exact.
/// </summary>
internal static class CheckpointFile
{
    public const string FormatName = "backprop-checkpoint";
    public const int Version = 1;

    public static void Save(TrainingCheckpoint c, string path)
    {
        ArgumentNullException.ThrowIfNull(c);
        AtomicFile.Write(path, stream =>
        {
            using var w = new Utf8JsonWriter(stream);
            w.WriteStartObject();
            w.WriteString("format", FormatName);
            w.WriteNumber("version", Version);
            w.WriteNumber("epoch", c.Epoch);
            w.WriteStartObject("settings");
            foreach ((string key, string value) in c.Settings.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                w.WriteString(key, value);
            }
            w.WriteEndObject();
            w.WriteStartArray("sizes");
            foreach (int s in c.Sizes)
            {
                w.WriteNumberValue(s);
            }
            w.WriteEndArray();
            w.WriteStartArray("activations");
            foreach (string a in c.Activations)
            {
                w.WriteStringValue(a);
            }
            w.WriteEndArray();
            JsonValues.WriteDoubles(w, "parameters", c.Parameters);
            if (c.LayerState.Length > 0)
            {
                // State of layers besides their parameters (batch norm's running statistics), by name.
                w.WriteStartObject("layer_state");
                for (int i = 0; i < c.LayerState.Length; i++)
                {
                    JsonValues.WriteDoubles(w, c.LayerStateNames[i], c.LayerState[i]);
                }
                w.WriteEndObject();
            }

            w.WriteStartObject("optimizer");
            w.WriteString("kind", c.OptimizerKind);
            w.WritePropertyName("learning_rate");
            JsonValues.WriteDouble(w, c.LearningRate);
            w.WritePropertyName("base_learning_rate");
            JsonValues.WriteDouble(w, c.BaseLearningRate);
            w.WriteNumber("steps", c.OptimizerSteps);
            w.WriteStartArray("state_names");
            foreach (string name in c.OptimizerStateNames)
            {
                w.WriteStringValue(name);
            }
            w.WriteEndArray();
            w.WriteStartArray("state");
            foreach (double[] buffer in c.OptimizerState)
            {
                w.WriteStartArray();
                foreach (double v in buffer)
                {
                    JsonValues.WriteDouble(w, v);
                }
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteEndObject();

            w.WriteStartObject("schedule");
            if (c.Schedule is null)
            {
                w.WriteNull("name");
            }
            else
            {
                w.WriteString("name", c.Schedule);
            }
            JsonValues.WriteDoubles(w, "state", c.ScheduleState);
            w.WriteEndObject();

            w.WriteStartObject("rng");
            w.WriteString("shuffle", c.ShuffleState.ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("dropout", c.DropoutState.ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteEndObject();

            w.WriteStartObject("early_stopping");
            w.WritePropertyName("best_loss");
            JsonValues.WriteDouble(w, c.BestLoss);
            w.WriteNumber("best_epoch", c.BestEpoch);
            w.WriteNumber("wait", c.Wait);
            if (c.BestParameters is null)
            {
                w.WriteNull("best_parameters");
            }
            else
            {
                JsonValues.WriteDoubles(w, "best_parameters", c.BestParameters);
            }
            w.WriteEndObject();

            w.WriteStartArray("history");
            foreach (EpochReport r in c.History)
            {
                w.WriteStartObject();
                w.WriteNumber("epoch", r.Epoch);
                w.WritePropertyName("loss");
                JsonValues.WriteDouble(w, r.Loss);
                w.WritePropertyName("val_loss");
                JsonValues.WriteDouble(w, r.ValidationLoss ?? double.NaN);
                w.WritePropertyName("val_accuracy");
                JsonValues.WriteDouble(w, r.ValidationAccuracy ?? double.NaN);
                w.WritePropertyName("lr");
                JsonValues.WriteDouble(w, r.LearningRate);
                w.WritePropertyName("seconds");
                JsonValues.WriteDouble(w, r.Seconds);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    public static TrainingCheckpoint Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string s = path;
        using JsonDocument document = JsonValues.Parse(path, "checkpoint");
        JsonElement root = document.RootElement;
        JsonValues.CheckFormat(root, s, FormatName, Version, "checkpoint");
        int[] sizes = [.. JsonValues.Doubles(JsonValues.Property(root, "sizes", s, "the file"), s, "sizes").Select(v => (int)v)];
        string[] activations = JsonValues.Strings(JsonValues.Property(root, "activations", s, "the file"), s, "activations");
        JsonElement optimizer = JsonValues.Property(root, "optimizer", s, "the file");
        JsonElement state = JsonValues.Array(JsonValues.Property(optimizer, "state", s, "\"optimizer\""), s, "optimizer.state");
        JsonProperty[] layerState = !root.TryGetProperty("layer_state", out JsonElement layers) ? []
            : layers.ValueKind == JsonValueKind.Object ? [.. layers.EnumerateObject()]
            : throw new InvalidDataException($"{s}: layer_state is not an object of named arrays");
        double[][] buffers = [.. state.EnumerateArray().Select((b, i) => JsonValues.Doubles(b, s, $"optimizer.state[{i}]"))];
        JsonElement schedule = JsonValues.Property(root, "schedule", s, "the file");
        JsonElement scheduleName = JsonValues.Property(schedule, "name", s, "\"schedule\"");
        JsonElement rng = JsonValues.Property(root, "rng", s, "the file");
        JsonElement early = JsonValues.Property(root, "early_stopping", s, "the file");
        JsonElement best = JsonValues.Property(early, "best_parameters", s, "\"early_stopping\"");
        JsonElement history = JsonValues.Array(JsonValues.Property(root, "history", s, "the file"), s, "history");
        var reports = new List<EpochReport>();
        int index = 0;
        foreach (JsonElement h in history.EnumerateArray())
        {
            string where = $"history[{index++}]";
            double vLoss = JsonValues.Double(JsonValues.Property(h, "val_loss", s, where), s, where + ".val_loss");
            double vAccuracy = JsonValues.Double(JsonValues.Property(h, "val_accuracy", s, where), s, where + ".val_accuracy");
            reports.Add(new EpochReport(
                JsonValues.Int(JsonValues.Property(h, "epoch", s, where), s, where + ".epoch"),
                JsonValues.Double(JsonValues.Property(h, "loss", s, where), s, where + ".loss"),
                JsonValues.Double(JsonValues.Property(h, "seconds", s, where), s, where + ".seconds"))
            {
                ValidationLoss = double.IsNaN(vLoss) ? null : vLoss,
                ValidationAccuracy = double.IsNaN(vAccuracy) ? null : vAccuracy,
                LearningRate = JsonValues.Double(JsonValues.Property(h, "lr", s, where), s, where + ".lr"),
            });
        }
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("settings", out JsonElement settingsElement) && settingsElement.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty p in settingsElement.EnumerateObject())
            {
                settings[p.Name] = JsonValues.String(p.Value, s, $"settings.{p.Name}");
            }
        }
        return new TrainingCheckpoint
        {
            Settings = settings,
            Epoch = JsonValues.Int(JsonValues.Property(root, "epoch", s, "the file"), s, "epoch"),
            Sizes = sizes,
            Activations = activations,
            Parameters = JsonValues.Doubles(JsonValues.Property(root, "parameters", s, "the file"), s, "parameters"),
            OptimizerKind = JsonValues.String(JsonValues.Property(optimizer, "kind", s, "\"optimizer\""), s, "optimizer.kind"),
            LearningRate = JsonValues.Double(JsonValues.Property(optimizer, "learning_rate", s, "\"optimizer\""), s, "optimizer.learning_rate"),
            BaseLearningRate = JsonValues.Double(JsonValues.Property(optimizer, "base_learning_rate", s, "\"optimizer\""), s, "optimizer.base_learning_rate"),
            OptimizerSteps = JsonValues.Long(JsonValues.Property(optimizer, "steps", s, "\"optimizer\""), s, "optimizer.steps"),
            OptimizerState = buffers,
            OptimizerStateNames = StateNames(optimizer, s),
            LayerStateNames = layerState.Select(p => p.Name).ToArray(),
            LayerState = [.. layerState.Select(p => JsonValues.Doubles(p.Value, s, $"layer_state.{p.Name}"))],
            Schedule = scheduleName.ValueKind == JsonValueKind.Null ? null : JsonValues.String(scheduleName, s, "schedule.name"),
            ScheduleState = JsonValues.Doubles(JsonValues.Property(schedule, "state", s, "\"schedule\""), s, "schedule.state"),
            ShuffleState = ParseUInt64(JsonValues.Property(rng, "shuffle", s, "\"rng\""), s, "rng.shuffle"),
            DropoutState = ParseUInt64(JsonValues.Property(rng, "dropout", s, "\"rng\""), s, "rng.dropout"),
            BestLoss = JsonValues.Double(JsonValues.Property(early, "best_loss", s, "\"early_stopping\""), s, "early_stopping.best_loss"),
            BestEpoch = JsonValues.Int(JsonValues.Property(early, "best_epoch", s, "\"early_stopping\""), s, "early_stopping.best_epoch"),
            Wait = JsonValues.Int(JsonValues.Property(early, "wait", s, "\"early_stopping\""), s, "early_stopping.wait"),
            BestParameters = best.ValueKind == JsonValueKind.Null ? null : JsonValues.Doubles(best, s, "early_stopping.best_parameters"),
            History = reports,
        };
    }

    // The names of the optimizer's state buffers; files written before the buffers had names have none.
    private static string[] StateNames(JsonElement optimizer, string source)
    {
        if (!optimizer.TryGetProperty("state_names", out JsonElement names))
        {
            return [];
        }
        if (names.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"{source}: optimizer.state_names is not an array of names");
        }
        return [.. names.EnumerateArray().Select((n, i) => JsonValues.String(n, source, $"optimizer.state_names[{i}]"))];
    }

    private static ulong ParseUInt64(JsonElement e, string source, string field)
    {
        string text = JsonValues.String(e, source, field);
        return ulong.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ulong v)
            ? v
            : throw new InvalidDataException($"{source}: {field} is not an unsigned whole number");
    }
}
