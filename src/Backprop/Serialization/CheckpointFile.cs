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

    /// <summary>
    /// Reads and validates a checkpoint: every field is checked when it is read (shapes against the values present,
    /// parameters and optimizer state finite, counts non-negative), so a damaged file is one line naming the file and the
    /// field rather than a run that diverges or misbehaves later.
    /// </summary>
    public static TrainingCheckpoint Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string s = path;
        using JsonDocument document = JsonValues.Parse(path, "checkpoint");
        JsonElement root = document.RootElement;
        JsonValues.CheckFormat(root, s, FormatName, Version, "checkpoint");

        int epoch = JsonValues.Int(JsonValues.Property(root, "epoch", s, "the file"), s, "epoch");
        if (epoch < 1)
        {
            throw new InvalidDataException($"{s}: epoch is {epoch}; a checkpoint is written after a completed epoch, so it is at least 1");
        }

        // The settings are what a resume compares with its own options: without them nothing could be checked.
        JsonElement settingsElement = JsonValues.Property(root, "settings", s, "the file");
        if (settingsElement.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{s}: \"settings\" is not a JSON object");
        }
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonProperty p in settingsElement.EnumerateObject())
        {
            settings[p.Name] = JsonValues.String(p.Value, s, $"settings.{p.Name}");
        }

        JsonElement sizesElement = JsonValues.Array(JsonValues.Property(root, "sizes", s, "the file"), s, "sizes");
        int[] sizes = [.. sizesElement.EnumerateArray().Select((e, i) => JsonValues.Int(e, s, $"sizes[{i}]"))];
        string[] activations = JsonValues.Strings(JsonValues.Property(root, "activations", s, "the file"), s, "activations");
        long parameterCount = CheckArchitecture(sizes, activations, s);
        // Layers beyond the dense ones (batch normalisation) add parameters the sizes do not show, and such a network
        // always has state of its own: then the dense layers' count is a lower bound, and the restoring network checks
        // the exact count.
        JsonElement parametersElement = JsonValues.Property(root, "parameters", s, "the file");
        if (root.TryGetProperty("layer_state", out _) && parametersElement.ValueKind == JsonValueKind.Array
            && parametersElement.GetArrayLength() > parameterCount)
        {
            parameterCount = parametersElement.GetArrayLength();
        }
        double[] parameters = Parameters(parametersElement, s, "parameters", parameterCount);

        JsonElement optimizer = JsonValues.Property(root, "optimizer", s, "the file");
        string kind = JsonValues.String(JsonValues.Property(optimizer, "kind", s, "\"optimizer\""), s, "optimizer.kind");
        if (kind.Length == 0)
        {
            throw new InvalidDataException($"{s}: optimizer.kind is empty");
        }
        double learningRate = Rate(JsonValues.Property(optimizer, "learning_rate", s, "\"optimizer\""), s, "optimizer.learning_rate");
        double baseLearningRate = Rate(JsonValues.Property(optimizer, "base_learning_rate", s, "\"optimizer\""), s, "optimizer.base_learning_rate");
        long steps = JsonValues.Long(JsonValues.Property(optimizer, "steps", s, "\"optimizer\""), s, "optimizer.steps");
        if (steps < 0)
        {
            throw new InvalidDataException($"{s}: optimizer.steps is {steps}; a step count is zero or more");
        }
        JsonElement state = JsonValues.Array(JsonValues.Property(optimizer, "state", s, "\"optimizer\""), s, "optimizer.state");
        // Any optimizer's state is saved as named buffers, each as long as the parameter block; the built-in kinds are
        // also held to their number of buffers.
        string[] stateNames = StateNames(optimizer, s);
        int buffers = state.GetArrayLength();
        if (StateBuffers(kind) is int known and >= 0 && buffers != known)
        {
            throw new InvalidDataException($"{s}: optimizer.state holds {buffers} buffers; the {kind} optimizer keeps {known}");
        }
        if (stateNames.Length > 0 && stateNames.Length != buffers)
        {
            throw new InvalidDataException($"{s}: optimizer.state holds {buffers} buffers but optimizer.state_names names {stateNames.Length}");
        }
        var optimizerState = new double[buffers][];
        for (int i = 0; i < buffers; i++)
        {
            // Adam's second moment v and RMSprop's mean square are running means of squared gradients: never negative.
            bool meanOfSquares = (kind is "adam" or "adamw" && i == 1) || kind == "rmsprop";
            optimizerState[i] = Parameters(state[i], s, $"optimizer.state[{i}]", parameterCount, meanOfSquares);
        }
        JsonProperty[] layerState = !root.TryGetProperty("layer_state", out JsonElement layers) ? []
            : layers.ValueKind == JsonValueKind.Object ? [.. layers.EnumerateObject()]
            : throw new InvalidDataException($"{s}: layer_state is not an object of named arrays");
        double[][] layerBuffers = [.. layerState.Select(p => JsonValues.Doubles(p.Value, s, $"layer_state.{p.Name}"))];
        if (layerBuffers.SelectMany(v => v).Any(v => !double.IsFinite(v)))
        {
            throw new InvalidDataException($"{s}: layer_state holds a value that is not a finite number");
        }

        JsonElement schedule = JsonValues.Property(root, "schedule", s, "the file");
        JsonElement scheduleName = JsonValues.Property(schedule, "name", s, "\"schedule\"");
        string? scheduleText = scheduleName.ValueKind == JsonValueKind.Null ? null : JsonValues.String(scheduleName, s, "schedule.name");
        double[] scheduleState = JsonValues.Doubles(JsonValues.Property(schedule, "state", s, "\"schedule\""), s, "schedule.state");
        CheckScheduleState(scheduleText, scheduleState, s);

        JsonElement rng = JsonValues.Property(root, "rng", s, "the file");
        JsonElement early = JsonValues.Property(root, "early_stopping", s, "the file");
        double bestLoss = JsonValues.Double(JsonValues.Property(early, "best_loss", s, "\"early_stopping\""), s, "early_stopping.best_loss");
        if (!(bestLoss >= 0))
        {
            throw new InvalidDataException($"{s}: early_stopping.best_loss is {Text(bestLoss)}; a loss is zero or more (or Infinity before the first)");
        }
        int bestEpoch = JsonValues.Int(JsonValues.Property(early, "best_epoch", s, "\"early_stopping\""), s, "early_stopping.best_epoch");
        if (bestEpoch < 0 || bestEpoch > epoch)
        {
            throw new InvalidDataException($"{s}: early_stopping.best_epoch is {bestEpoch}; it must be between 0 and the epoch, {epoch}");
        }
        int wait = JsonValues.Int(JsonValues.Property(early, "wait", s, "\"early_stopping\""), s, "early_stopping.wait");
        if (wait < 0 || wait > epoch)
        {
            throw new InvalidDataException($"{s}: early_stopping.wait is {wait}; it must be between 0 and the epoch, {epoch}");
        }
        JsonElement best = JsonValues.Property(early, "best_parameters", s, "\"early_stopping\"");
        double[]? bestParameters = best.ValueKind == JsonValueKind.Null ? null : Parameters(best, s, "early_stopping.best_parameters", parameterCount);

        return new TrainingCheckpoint
        {
            Source = path,
            Settings = settings,
            Epoch = epoch,
            Sizes = sizes,
            Activations = activations,
            Parameters = parameters,
            OptimizerKind = kind,
            LearningRate = learningRate,
            BaseLearningRate = baseLearningRate,
            OptimizerSteps = steps,
            OptimizerState = optimizerState,
            OptimizerStateNames = stateNames,
            LayerStateNames = [.. layerState.Select(p => p.Name)],
            LayerState = layerBuffers,
            Schedule = scheduleText,
            ScheduleState = scheduleState,
            ShuffleState = ParseUInt64(JsonValues.Property(rng, "shuffle", s, "\"rng\""), s, "rng.shuffle"),
            DropoutState = ParseUInt64(JsonValues.Property(rng, "dropout", s, "\"rng\""), s, "rng.dropout"),
            BestLoss = bestLoss,
            BestEpoch = bestEpoch,
            Wait = wait,
            BestParameters = bestParameters,
            History = History(JsonValues.Property(root, "history", s, "the file"), s, epoch),
        };
    }

    /// <summary>Checks sizes and activations and returns the parameter count they imply (as a long: it cannot overflow).</summary>
    private static long CheckArchitecture(int[] sizes, string[] activations, string s)
    {
        if (sizes.Length < 2)
        {
            throw new InvalidDataException($"{s}: sizes has {sizes.Length} values; a network has at least two (inputs and outputs)");
        }
        for (int i = 0; i < sizes.Length; i++)
        {
            if (sizes[i] < 1)
            {
                throw new InvalidDataException($"{s}: sizes[{i}] is {sizes[i]}; every layer has at least one unit");
            }
        }
        if (activations.Length != sizes.Length - 1)
        {
            throw new InvalidDataException($"{s}: activations has {activations.Length} names; {sizes.Length} sizes need {sizes.Length - 1}");
        }
        for (int i = 0; i < activations.Length; i++)
        {
            if (!ActivationFunctions.TryParse(activations[i], out _))
            {
                throw new InvalidDataException($"{s}: activations[{i}] '{activations[i]}' is unknown");
            }
        }
        long count = 0;
        for (int l = 0; l + 1 < sizes.Length; l++)
        {
            count += ((long)sizes[l] + 1) * sizes[l + 1];
        }
        return count;
    }

    /// <summary>
    /// A list of exactly <paramref name="count"/> finite values (the count is compared with the values present before
    /// anything is allocated), each within float range: the networks train in float, where 1e39 would be infinite.
    /// </summary>
    private static double[] Parameters(JsonElement element, string s, string field, long count, bool nonNegative = false)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"{s}: {field} is not a list");
        }
        if (element.GetArrayLength() != count)
        {
            throw new InvalidDataException($"{s}: {field} has {element.GetArrayLength()} values but the layer sizes need {count}");
        }
        double[] values = JsonValues.Doubles(element, s, field);
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            if (!double.IsFinite(v) || Math.Abs(v) > float.MaxValue)
            {
                throw new InvalidDataException($"{s}: {field}[{i}] is {Text(v)}; it must be a finite number within float range (the file is damaged, or the run had diverged)");
            }
            if (nonNegative && v < 0)
            {
                throw new InvalidDataException($"{s}: {field}[{i}] is {Text(v)}; Adam's second moment is a mean of squares and never negative");
            }
        }
        return values;
    }

    /// <summary>Buffers of optimizer state of the built-in kinds; −1 for an optimizer of another kind, whose file says.</summary>
    private static int StateBuffers(string kind) => kind switch
    {
        "adam" or "adamw" => 2,
        "momentum" or "nesterov" or "rmsprop" => 1,
        "sgd" => 0,
        _ => -1,
    };

    private static double Rate(JsonElement element, string s, string field)
    {
        double rate = JsonValues.Double(element, s, field);
        if (!(rate >= 0) || !double.IsFinite(rate))
        {
            throw new InvalidDataException($"{s}: {field} is {Text(rate)}; a learning rate is finite and not negative");
        }
        return rate;
    }

    /// <summary>The reduce-on-plateau schedule keeps [best loss, epochs waited, multiplier]; the others keep nothing.</summary>
    private static void CheckScheduleState(string? schedule, double[] state, string s)
    {
        bool plateau = schedule is not null && schedule.StartsWith("plateau:", StringComparison.Ordinal);
        if (!plateau)
        {
            if (state.Length != 0)
            {
                throw new InvalidDataException($"{s}: schedule.state has {state.Length} values; the {schedule ?? "constant"} schedule keeps none");
            }
            return;
        }
        if (state.Length != 3)
        {
            throw new InvalidDataException($"{s}: schedule.state has {state.Length} values; the plateau schedule keeps 3 (best loss, epochs waited, multiplier)");
        }
        if (!(state[0] >= 0))
        {
            throw new InvalidDataException($"{s}: schedule.state[0] (best loss) is {Text(state[0])}; a loss is zero or more");
        }
        if (!(state[1] >= 0 && state[1] <= int.MaxValue && state[1] == Math.Floor(state[1])))
        {
            throw new InvalidDataException($"{s}: schedule.state[1] (epochs waited) is {Text(state[1])}; it is a whole number, zero or more");
        }
        if (!(state[2] > 0 && state[2] <= 1))
        {
            throw new InvalidDataException($"{s}: schedule.state[2] (multiplier) is {Text(state[2])}; it is in (0, 1]");
        }
    }

    /// <summary>One report per epoch, numbered 1, 2, … (one more than the epoch when the run was stopped inside the next).</summary>
    private static List<EpochReport> History(JsonElement history, string s, int epoch)
    {
        JsonValues.Array(history, s, "history");
        int length = history.GetArrayLength();
        if (length < epoch || length > epoch + 1)
        {
            throw new InvalidDataException($"{s}: history has {length} epochs but the checkpoint is at epoch {epoch}");
        }
        var reports = new List<EpochReport>(length);
        int index = 0;
        foreach (JsonElement h in history.EnumerateArray())
        {
            string where = $"history[{index}]";
            int number = JsonValues.Int(JsonValues.Property(h, "epoch", s, where), s, where + ".epoch");
            if (number != index + 1)
            {
                throw new InvalidDataException($"{s}: {where}.epoch is {number}; expected {index + 1}");
            }
            double loss = JsonValues.Double(JsonValues.Property(h, "loss", s, where), s, where + ".loss");
            double seconds = JsonValues.Double(JsonValues.Property(h, "seconds", s, where), s, where + ".seconds");
            double vLoss = JsonValues.Double(JsonValues.Property(h, "val_loss", s, where), s, where + ".val_loss");
            double vAccuracy = JsonValues.Double(JsonValues.Property(h, "val_accuracy", s, where), s, where + ".val_accuracy");
            double lr = JsonValues.Double(JsonValues.Property(h, "lr", s, where), s, where + ".lr");
            // NaN marks "no validation data" in val_loss and val_accuracy; every other value is a measurement.
            string? bad = !(loss >= 0) || !double.IsFinite(loss) ? "loss"
                : !(seconds >= 0) || !double.IsFinite(seconds) ? "seconds"
                : !(lr >= 0) || !double.IsFinite(lr) ? "lr"
                : !double.IsNaN(vLoss) && (!(vLoss >= 0) || !double.IsFinite(vLoss)) ? "val_loss"
                : !double.IsNaN(vAccuracy) && !(vAccuracy >= 0 && vAccuracy <= 1) ? "val_accuracy"
                : null;
            if (bad is not null)
            {
                throw new InvalidDataException($"{s}: {where}.{bad} is out of range");
            }
            reports.Add(new EpochReport(number, loss, seconds)
            {
                ValidationLoss = double.IsNaN(vLoss) ? null : vLoss,
                ValidationAccuracy = double.IsNaN(vAccuracy) ? null : vAccuracy,
                LearningRate = lr,
            });
            index++;
        }
        return reports;
    }

    private static string Text(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

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
