using System.CommandLine;
using System.Globalization;

namespace Backprop.Cli.Commands;

/// <summary>
/// Runs `train` on a data set: loads and splits it (<see cref="DataOptions"/>), builds the network from the data and the
/// options, prints its summary, trains with progress (Ctrl+C stops after the current batch), reports the test split,
/// and writes the model, the metrics log and checkpoints.
/// </summary>
internal static class DataTraining
{
    /// <summary>Exit code when Ctrl+C stopped training (the model and metrics are still written).</summary>
    public const int Interrupted = 130;

    public static int Run(ParseResult parse, DataOptions dataOptions, DataTrainingSettings s, CliIO io)
    {
        ClassifierOptions options = BuildOptions(s);
        if (s.Out is not null)
        {
            CheckModelPath(s.Out);
        }
        string? checkpointPath = s.CheckpointEvery > 0
            ? s.Checkpoint ?? (s.Out is null ? "checkpoint.json" : Path.ChangeExtension(s.Out, null) + ".checkpoint.json")
            : null;
        if (s.Checkpoint is not null && s.CheckpointEvery == 0)
        {
            throw new UsageException("--checkpoint needs --checkpoint-every N (how often to write it)");
        }
        TrainingCheckpoint? resume = s.Resume is null ? null : TrainingCheckpoint.Load(s.Resume);

        LoadedData data = dataOptions.LoadForTraining(parse, s.Seed);
        Dataset<float> train = data.Train;
        if (!train.IsClassification)
        {
            throw new InvalidDataException($"{data.Description}: training from data needs class labels");
        }
        int[]? sizes = null;
        if (s.Layers is not null)
        {
            sizes = OptionValues.Sizes("--layers", s.Layers);
            if (sizes.Length < 2 || sizes[0] != train.FeatureCount || sizes[^1] != train.OutputCount)
            {
                throw new UsageException($"--layers {s.Layers} does not fit the data: {data.Description} has {train.FeatureCount} features and {train.OutputCount} classes, so the layers must start with {train.FeatureCount} and end with {train.OutputCount} (or give only the hidden sizes with --hidden)");
            }
        }
        if (options.Patience is not null && data.Validation is null)
        {
            throw new UsageException("--patience needs a validation split: add --validation-fraction (e.g. 0.1)");
        }

        options = options with { Scaling = data.Scaler.Kind };
        ClassifierRun run;
        try
        {
            run = new ClassifierRun(options, train, sizes);
        }
        catch (ArgumentException e) when (e is not ArgumentOutOfRangeException)
        {
            throw new UsageException(e.Message.Split(" (Parameter")[0]);
        }
        Dictionary<string, string> settings = run.Describe();
        // The split, so that the rows held out for testing can be found again (evaluate --dataset NAME).
        if (data.Split is { } split && data.Test is not null)
        {
            settings["test_fraction"] = split.TestFraction.ToString("R", CultureInfo.InvariantCulture);
            settings["validation_fraction"] = split.ValidationFraction.ToString("R", CultureInfo.InvariantCulture);
            settings["split_seed"] = split.Seed.ToString(CultureInfo.InvariantCulture);
        }
        if (resume is not null)
        {
            CheckSettings(s.Resume!, resume.Settings, settings);
            run.Trainer.Restore(resume);
        }

        if (!s.Quiet)
        {
            io.Out.WriteLine($"Data: {data.Description}");
            io.Out.WriteLine(ModelSummary.Format(run.Network));
            string resumed = resume is null ? "" : $", resuming after epoch {resume.Epoch}";
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Training: {run.Describe()["optimizer"]} η={options.EffectiveLearningRate:G4}, batch {options.BatchSize}, {options.Epochs} epochs, seed {options.Seed}{resumed}"));
        }

        var progress = new TrainingProgress(io, s.Quiet, options.Epochs);
        // The display reads only the reports, so the trainer may run ahead into the next batch.
        run.Trainer.BatchCompleted = progress.OnBatch;
        run.Trainer.BatchCompletedUsesNetwork = false;
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        TrainingResult result;
        try
        {
            result = progress.Run(() => run.Trainer.Fit(train, data.Validation, report =>
            {
                progress.OnEpoch(report, train.Count);
                if (checkpointPath is not null && report.Epoch % s.CheckpointEvery == 0 && !cancel.IsCancellationRequested)
                {
                    run.Trainer.CreateCheckpoint(settings).Save(checkpointPath);
                }
            }, cancel.Token));
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        Model model = run.ToModel(result, data.LabelName, data.Scaler, train.FeatureNames, train.ClassNames, settings);
        if (result.Reason == StopReason.Cancelled)
        {
            io.Out.WriteLine($"Interrupted during epoch {result.Epochs}; keeping the parameters after the last finished batch.");
        }
        else if (!s.Quiet)
        {
            string why = result.Reason switch
            {
                StopReason.EarlyStopped => $"early stopping after epoch {result.Epochs}; restored the best epoch, {result.BestEpoch}",
                StopReason.LossBelowThreshold => $"the training loss fell below {s.Threshold?.ToString(CultureInfo.InvariantCulture)} in epoch {result.Epochs}",
                _ => $"{result.Epochs} epochs" + (result.BestEpoch is int b ? $"; restored the best epoch, {b}" : ""),
            };
            io.Out.WriteLine($"Finished: {why}.");
        }
        if (data.Test is { Count: > 0 } test)
        {
            Evaluation evaluation = model.EvaluateScaled(test);
            model.SetMetric("test_accuracy", evaluation.Accuracy);
            model.SetMetric("test_loss", evaluation.LogLoss);
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Test accuracy {evaluation.Accuracy:F4}, loss {evaluation.LogLoss:F4} ({evaluation.Count} rows)"));
        }
        else
        {
            io.Out.WriteLine("No test split: no test metrics.");
        }

        if (s.Out is not null)
        {
            model.Save(s.Out);
            if (!s.Quiet)
            {
                io.Out.WriteLine($"Saved the model to {s.Out}");
            }
        }
        string? metricsPath = s.Metrics ?? (s.Out is null ? null : MetricsLog.DefaultPath(s.Out));
        if (metricsPath is not null)
        {
            MetricsLog.Write(metricsPath, result.History);
            if (!s.Quiet)
            {
                io.Out.WriteLine($"Saved the metrics log to {metricsPath}");
            }
        }
        return result.Reason == StopReason.Cancelled ? Interrupted : Cli.Ok;
    }

    // The epoch count may grow on resume; everything else that shapes the run must match.
    private static void CheckSettings(string path, IReadOnlyDictionary<string, string> saved, IReadOnlyDictionary<string, string> current)
    {
        foreach ((string key, string value) in saved)
        {
            if (key != "epochs" && current.TryGetValue(key, out string? now) && now != value)
            {
                throw new InvalidDataException($"{path}: the checkpoint was written with {key} {value}, but this run has {key} {now}; resume with the same options");
            }
        }
    }

    private static ClassifierOptions BuildOptions(DataTrainingSettings s)
    {
        var defaults = new ClassifierOptions();
        if (s.Layers is not null && s.Hidden is not null)
        {
            throw new UsageException("--layers and --hidden both give the layer sizes; use --hidden with data (input and output sizes come from the data)");
        }
        int[] hidden = s.Hidden is null ? [.. defaults.HiddenLayers] : HiddenSizes(s.Hidden);
        Activation[] activations = s.Activation is null ? [.. defaults.Activations] : OptionValues.Activations("--activation", s.Activation);
        string optimizer = s.Optimizer is null ? defaults.Optimizer : ParseOptimizer(s.Optimizer);
        if (s.LearningRate is double lr)
        {
            OptionValues.Positive("--lr", lr);
        }
        if (!(s.Momentum >= 0 && s.Momentum < 1))
        {
            throw new UsageException($"--momentum must be in [0, 1) (got {s.Momentum.ToString(CultureInfo.InvariantCulture)})");
        }
        if (s.WeightDecay is double wd && (!(wd >= 0) || !double.IsFinite(wd)))
        {
            throw new UsageException($"--weight-decay must be zero or positive (got {wd.ToString(CultureInfo.InvariantCulture)})");
        }
        LearningRateSchedule? schedule = null;
        if (s.Schedule is not null)
        {
            try
            {
                schedule = LearningRateSchedule.Parse(s.Schedule);
            }
            catch (FormatException e)
            {
                throw new UsageException($"--schedule: {e.Message}");
            }
        }
        if (s.BatchSize is int batch)
        {
            OptionValues.AtLeast("--batch-size", batch, 1);
        }
        if (s.Epochs is int epochs)
        {
            OptionValues.AtLeast("--epochs", epochs, 1);
        }
        if (!(s.Dropout >= 0 && s.Dropout < 1))
        {
            throw new UsageException($"--dropout must be in [0, 1) (got {s.Dropout.ToString(CultureInfo.InvariantCulture)})");
        }
        if (s.Patience is int patience)
        {
            OptionValues.AtLeast("--patience", patience, 1);
        }
        OptionValues.AtLeast("--checkpoint-every", s.CheckpointEvery, 0);
        ClassWeighting weighting = s.ClassWeights.Trim().ToLowerInvariant() switch
        {
            "none" => ClassWeighting.None,
            "balanced" => ClassWeighting.Balanced,
            _ => throw new UsageException($"--class-weights: unknown weighting '{s.ClassWeights}' (expected none or balanced)"),
        };
        return defaults with
        {
            HiddenLayers = hidden,
            Activations = activations,
            Optimizer = optimizer,
            LearningRate = s.LearningRate,
            Momentum = s.Momentum,
            WeightDecay = s.WeightDecay ?? defaults.WeightDecay,
            Schedule = schedule,
            BatchSize = s.BatchSize ?? defaults.BatchSize,
            Epochs = s.Epochs ?? defaults.Epochs,
            Dropout = s.Dropout,
            ClassWeighting = weighting,
            Patience = s.Patience,
            Seed = s.Seed,
        };
    }

    private static int[] HiddenSizes(string text)
    {
        if (text.Trim() is "" or "none")
        {
            return [];
        }
        return OptionValues.Sizes("--hidden", text);
    }

    private static string ParseOptimizer(string text) => OptimizerNames.IsKnown(text)
        ? text.Trim().ToLowerInvariant()
        : throw new UsageException($"--optimizer: unknown optimizer '{text}' (expected {OptimizerNames.Expected()})");

    private static void CheckModelPath(string path)
    {
        string extension = Path.GetExtension(path);
        if (!ModelFile.Extensions.Contains(extension, StringComparer.OrdinalIgnoreCase))
        {
            throw new UsageException($"--out {path}: unknown model format '{extension}' (known: {string.Join(", ", ModelFile.Extensions)})");
        }
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null && !Directory.Exists(directory))
        {
            throw new UsageException($"--out {path}: the directory {directory} does not exist");
        }
    }
}
