using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Backprop.Cli.Plots;

namespace Backprop.Cli.Commands;

/// <summary>
/// Runs `train` on a data set: loads and splits it (<see cref="DataOptions"/>), builds the network from the data and the
/// options, prints its summary, trains with progress (Ctrl+C stops after the current batch), reports the test split,
/// and writes the model, the metrics log and checkpoints.
/// </summary>
internal static class DataTraining
{
    /// <summary>Exit code when Ctrl+C (SIGINT) stopped training (the model and metrics are still written): 128 + 2.</summary>
    public const int Interrupted = 130;

    /// <summary>Exit code when SIGTERM stopped training (handled like Ctrl+C): 128 + 15.</summary>
    public const int Terminated = 143;

    public static int Run(ParseResult parse, DataOptions dataOptions, DataTrainingSettings s, CliIO io)
    {
        ClassifierOptions options = BuildOptions(s);
        if (s.CrossValidation is int folds)
        {
            CrossValidationRun.CheckOptions(folds, s);
        }
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
        string? metricsPath = s.Metrics ?? (s.Out is null ? null : MetricsLog.DefaultPath(s.Out));
        (string, string?)[] usedFiles = [("--data", parse.GetValue(dataOptions.Data)), ("--resume", s.Resume), ("--checkpoint", checkpointPath), ("--out", s.Out),
            ("--metrics", s.Metrics ?? (s.Out is null ? null : MetricsLog.DefaultPath(s.Out)))];
        string? plotDirectory = s.Plot is null ? null : PictureOutputs.PrepareDirectory("--plot", s.Plot, usedFiles);
        if (s.Report is not null)
        {
            PictureOutputs.CheckReport("--report", s.Report, usedFiles);
        }
        CheckFiles(parse.GetValue(dataOptions.Data), s, metricsPath, checkpointPath, plotDirectory);
        // Before the data is read: hidden sizes alone can already need more memory than there is.
        if (s.Layers is not null)
        {
            NetworkSize.Check<float>("--layers", OptionValues.Sizes("--layers", s.Layers));
        }
        else
        {
            NetworkSize.CheckHidden(options.HiddenLayers);
        }
        TrainingCheckpoint? resume = s.Resume is null ? null : TrainingCheckpoint.Load(s.Resume);
        // Fine-tuning: the model gives the architecture, the starting parameters, the columns, the classes and the scaler.
        Model? initial = s.InitModel is null ? null : ModelFile.Load(s.InitModel);

        LoadedData data;
        // Fashion-MNIST takes a while to read: its test split is read and the training code compiled meanwhile, on the
        // other core, until the training rows are in (scaling them then uses both cores). Fine-tuning keeps the model's
        // scaler and starts none.
        using (LoadingWarmUp warmUp = initial is not null
                   ? LoadingWarmUp.None
                   : LoadingWarmUp.Start(parse.GetValue(dataOptions.Dataset),
                       options with { Scaling = DataOptions.ParseScaling(parse.GetValue(dataOptions.Scale)!) },
                       s.Layers is null ? null : OptionValues.Sizes("--layers", s.Layers), parse.GetValue(dataOptions.DataDir)))
        {
            data = dataOptions.LoadForTraining(parse, s.Seed, fingerprint: checkpointPath is not null || resume is not null, quiet: s.Quiet,
                model: initial is null ? null : ModelData.Schema(initial), rowsRead: warmUp.Stop, testSplit: warmUp.TestSplit);
        }
        Dataset<float> train = data.Train;
        LearningTask task = train.Task;
        options = TaskOptions(options, s, task);
        if ((s.Plot is not null || s.Report is not null) && task != LearningTask.Classification)
        {
            throw new UsageException($"{(s.Plot is not null ? "--plot" : "--report")} draws classification pictures (decision boundary, confusion matrix); this is {DataOptions.TaskName(task)}");
        }
        if (s.CrossValidation is int k)
        {
            CrossValidationRun.CheckData(k, train);
        }
        int[]? sizes = null;
        if (s.Layers is not null)
        {
            sizes = OptionValues.Sizes("--layers", s.Layers);
            if (sizes.Length < 2 || sizes[0] != train.FeatureCount || sizes[^1] != train.OutputCount)
            {
                string outputs = task == LearningTask.Classification ? "classes" : task == LearningTask.Regression ? "targets" : "labels";
                throw new UsageException($"--layers {s.Layers} does not fit the data: {data.Description} has {train.FeatureCount} features and {train.OutputCount} {outputs}, so the layers must start with {train.FeatureCount} and end with {train.OutputCount} (or give only the hidden sizes with --hidden)");
            }
        }
        if (options.Patience is not null && data.Validation is null)
        {
            throw new UsageException("--patience needs a validation split: add --validation-fraction (e.g. 0.1)");
        }

        options = options with { Scaling = data.Scaler.Kind, InitialModel = initial };
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
        if (s.InitModel is not null)
        {
            settings["init_model"] = Path.GetFileName(s.InitModel);
        }
        // The split, so that the rows held out for testing can be found again (evaluate --dataset NAME).
        if (data.Split is { } split && data.Test is not null)
        {
            settings["test_fraction"] = split.TestFraction.ToString("R", CultureInfo.InvariantCulture);
            settings["validation_fraction"] = split.ValidationFraction.ToString("R", CultureInfo.InvariantCulture);
            settings["split_seed"] = split.Seed.ToString(CultureInfo.InvariantCulture);
        }
        // A checkpoint also records what decides which rows are training rows, so a resume cannot move rows it has
        // trained on into the test split: the fractions, the split seed and the data itself.
        Dictionary<string, string> checkpointSettings = new(settings, StringComparer.Ordinal)
        {
            ["validation_fraction"] = parse.GetValue(dataOptions.ValidationFraction).ToString("R", CultureInfo.InvariantCulture),
            ["split_seed"] = s.Seed.ToString(CultureInfo.InvariantCulture),
            ["data_rows"] = data.Fingerprint.Rows.ToString(CultureInfo.InvariantCulture),
            ["data_sha256"] = data.Fingerprint.Sha256,
        };
        if (!data.HasOwnTestSet)
        {
            checkpointSettings["test_fraction"] = parse.GetValue(dataOptions.TestFraction).ToString("R", CultureInfo.InvariantCulture);
        }
        if (resume is not null)
        {
            string dataName = parse.GetValue(dataOptions.Data) is string file ? "--data " + file : "--dataset " + parse.GetValue(dataOptions.Dataset);
            CheckSettings(s.Resume!, resume.Settings, checkpointSettings, dataName);
            run.Trainer.Restore(resume);
        }

        if (!s.Quiet)
        {
            io.Out.WriteLine($"Data: {data.Description}");
            io.Out.WriteLine(TaskLine(train, data.TaskGiven));
            if (data.ColumnTable is not null)
            {
                io.Out.WriteLine(data.ColumnTable);
            }
            io.Out.WriteLine(ModelSummary.Format(run.Network));
            string resumed = resume is null ? "" : $", resuming after epoch {resume.Epoch}";
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Training: {run.Describe()["optimizer"]} η={options.EffectiveLearningRate:G4}, batch {options.BatchSize}, {options.Epochs} epochs, seed {options.Seed}{resumed}"));
        }

        CrossValidationResult? crossValidation = null;
        if (s.CrossValidation is int cvFolds)
        {
            crossValidation = CrossValidationRun.Run(io, data, options with { HiddenLayers = sizes is null ? options.HiddenLayers : sizes[1..^1] }, cvFolds, out int cvExit);
            if (crossValidation is null)
            {
                return cvExit;
            }
        }

        var progress = new TrainingProgress(io, s.Quiet, options.Epochs);
        // The display reads only the reports, so the trainer may run ahead into the next batch.
        run.Trainer.BatchCompleted = progress.OnBatch;
        run.Trainer.BatchCompletedUsesNetwork = false;
        using var cancel = new CancellationTokenSource();
        // Ctrl+C (SIGINT) and SIGTERM (what `kill`, systemd and container runtimes send) both stop after the current
        // batch; the model and the log are then written as after a finished run. The SIGTERM handler stays until they
        // are written, so a SIGTERM during the writes lets them finish.
        int stoppedBy = Cli.Ok;
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            Interlocked.CompareExchange(ref stoppedBy, Interrupted, Cli.Ok);
            cancel.Cancel();
        };
        using PosixSignalRegistration? onTerminate = HandleTerminate(() =>
        {
            Interlocked.CompareExchange(ref stoppedBy, Terminated, Cli.Ok);
            cancel.Cancel();
        });
        Console.CancelKeyPress += onCancel;
        TrainingResult result;
        try
        {
            result = progress.Run(() => run.Trainer.Fit(train, data.Validation, report =>
            {
                progress.OnEpoch(report, train.Count);
                if (checkpointPath is not null && report.Epoch % s.CheckpointEvery == 0 && !cancel.IsCancellationRequested)
                {
                    run.Trainer.CreateCheckpoint(checkpointSettings).Save(checkpointPath);
                }
            }, cancel.Token));
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        Model model = run.ToModel(result, data.LabelName, data.Scaler, train.FeatureNames,
            task == LearningTask.Classification ? train.ClassNames : train.TargetNames, settings, data.TargetScaler);
        if (crossValidation is not null)
        {
            CrossValidationRun.Record(model, crossValidation);
        }
        model.Preprocessing = data.Preprocessing ?? initial?.Preprocessing;
        if (result.Reason == StopReason.Cancelled)
        {
            string signal = stoppedBy == Terminated ? " (SIGTERM)" : "";
            io.Out.WriteLine($"Interrupted{signal} during epoch {result.Epochs}; keeping the parameters after the last finished batch.");
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
        Evaluation? evaluation = null;
        if (task != LearningTask.Classification && data.Test is { Count: > 0 } scored)
        {
            io.Out.Write(TestMetrics(model, scored));
        }
        else if (data.Test is { Count: > 0 } test)
        {
            evaluation = model.EvaluateScaled(test);
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
        if (metricsPath is not null)
        {
            MetricsLog.Write(metricsPath, result.History);
            if (!s.Quiet)
            {
                io.Out.WriteLine($"Saved the metrics log to {metricsPath}");
            }
        }
        PictureCommands.WriteForTraining(io, s.Quiet, plotDirectory, s.Report, model, result, data.Description, train, data.Test, evaluation);
        return stoppedBy != Cli.Ok ? stoppedBy : result.Reason == StopReason.Cancelled ? Interrupted : Cli.Ok;
    }

    /// <summary>The loss and decision threshold that fit the data's task; a --loss that does not fit it is a usage error.</summary>
    internal static ClassifierOptions TaskOptions(ClassifierOptions options, DataTrainingSettings s, LearningTask task)
    {
        Loss? loss = s.Loss is null ? null : OptionValues.Loss("--loss", s.Loss);
        string name = DataOptions.TaskName(task);
        switch (task)
        {
            case LearningTask.Regression:
                if (loss is not (null or MeanSquaredError or Huber))
                {
                    throw new UsageException($"--loss {s.Loss}: regression trains with mse or huber[:δ]");
                }
                options = options with { Loss = loss };
                break;
            case LearningTask.MultiLabel when loss is not (null or SigmoidBinaryCrossEntropy):
                throw new UsageException($"--loss {s.Loss}: multi-label training uses binary-cross-entropy (sigmoid outputs)");
            case LearningTask.Classification when loss is not (null or SoftmaxCrossEntropy):
                throw new UsageException($"--loss {s.Loss}: classification uses cross-entropy (a softmax classifier); for numeric targets add --task regression");
        }
        if (s.DecisionThreshold is double threshold)
        {
            options = task == LearningTask.MultiLabel ? options with { DecisionThreshold = threshold }
                : throw new UsageException($"--decision-threshold applies to multi-label training; this is {name}");
        }
        if (options.ClassWeighting != ClassWeighting.None && task != LearningTask.Classification)
        {
            throw new UsageException($"--class-weights applies to classification; this is {name}");
        }
        return options;
    }

    /// <summary>Which task the run learns, and how it was chosen and can be changed.</summary>
    private static string TaskLine(Dataset<float> train, bool given)
    {
        string task = DataOptions.TaskName(train.Task);
        if (given)
        {
            return $"Task: {task} (--task)";
        }
        string why = train.Task switch
        {
            LearningTask.Regression when train.OutputCount > 1 => "several numeric label columns",
            LearningTask.Regression => $"'{train.LabelName}' holds numbers that are not {CsvDatasetReader.MaxIntegerClasses} or fewer distinct integers",
            LearningTask.MultiLabel => "several label columns of 0/1, yes/no or true/false",
            _ => $"'{train.LabelName}' holds text or {CsvDatasetReader.MaxIntegerClasses} or fewer distinct integers",
        };
        return $"Task: {task}, chosen from the label ({why}); --task classification|regression|multilabel overrides it";
    }

    /// <summary>A regression or multi-label model's test metrics, printed and kept in the model.</summary>
    private static string TestMetrics(Model model, Dataset<float> test)
    {
        if (model.Task == LearningTask.Regression)
        {
            RegressionEvaluation r = model.EvaluateRegressionScaled(test);
            model.SetMetric("test_mae", r.AverageMeanAbsoluteError);
            model.SetMetric("test_rmse", r.AverageRootMeanSquaredError);
            model.SetMetric("test_r2", r.AverageRSquared);
            string line = string.Create(CultureInfo.InvariantCulture,
                $"Test R² {r.AverageRSquared:F4}, MAE {r.AverageMeanAbsoluteError:G5}, RMSE {r.AverageRootMeanSquaredError:G5} ({r.Count} rows{(r.TargetNames.Count > 1 ? ", mean over targets" : "")})");
            return line + Environment.NewLine + (r.TargetNames.Count > 1 ? EvaluateCommand.Format(r) : "");
        }
        MultiLabelEvaluation m = model.EvaluateMultiLabelScaled(test);
        model.SetMetric("test_subset_accuracy", m.SubsetAccuracy);
        model.SetMetric("test_hamming_loss", m.HammingLoss);
        model.SetMetric("test_micro_f1", m.MicroF1);
        model.SetMetric("test_macro_f1", m.MacroF1);
        model.SetMetric("test_loss", m.LogLoss);
        return string.Create(CultureInfo.InvariantCulture,
            $"Test subset accuracy {m.SubsetAccuracy:F4}, Hamming loss {m.HammingLoss:F4}, micro F1 {m.MicroF1:F4}, macro F1 {m.MacroF1:F4} ({m.Count} rows)") + Environment.NewLine;
    }

    /// <summary>Every file `train` reads and writes, checked before any work (<see cref="OutputFiles"/>).</summary>
    private static void CheckFiles(string? data, DataTrainingSettings s, string? metricsPath, string? checkpointPath, string? plotDirectory)
    {
        var files = new OutputFiles().Input("--data", data).Input("--resume", s.Resume).Input("--init-model", s.InitModel);
        // IDX images bring their labels file, found by name (nothing is read here: --data may be a pipe).
        if (data is not null && data != "-" && IdxReader.FindLabelsFile(data) is string labels)
        {
            files.Input("--data labels", labels);
        }
        files.Output("--out", s.Out)
            .Output(s.Metrics is null ? "--metrics (default beside --out)" : "--metrics", metricsPath)
            // Resuming from the checkpoint that the run goes on writing is the usual way to continue a run.
            .Output(s.Checkpoint is null ? "--checkpoint (default)" : "--checkpoint", checkpointPath, mayReplace: "--resume")
            .Output("--report", s.Report);
        // The pictures are outputs too: checked for writing now, not after training.
        foreach (string picture in plotDirectory is null ? [] : TrainingPictures.FileNames)
        {
            files.Output($"--plot ({picture})", Path.Combine(plotDirectory!, picture));
        }
        files.Check();
    }

    /// <summary>Handles SIGTERM like Ctrl+C where the platform lets a program handle it; null elsewhere.</summary>
    internal static PosixSignalRegistration? HandleTerminate(Action stop)
    {
        try
        {
            return PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                stop();
            });
        }
        catch (PlatformNotSupportedException)
        {
            return null;
        }
    }

    // Settings keys that an option sets under another name, for messages that name the option to change.
    private static readonly Dictionary<string, string> OptionOf = new(StringComparer.Ordinal)
    {
        ["test_fraction"] = "--test-fraction",
        ["validation_fraction"] = "--validation-fraction",
        ["split_seed"] = "--seed",
        ["seed"] = "--seed",
        ["learning_rate"] = "--lr",
        ["weight_decay"] = "--weight-decay",
        ["batch_size"] = "--batch-size",
        ["class_weights"] = "--class-weights",
        ["scaling"] = "--scale",
        ["layers"] = "--hidden",
    };

    // The epoch count may grow on resume; everything else that shapes the run, and the data and split it trains on,
    // must match.
    private static void CheckSettings(string path, IReadOnlyDictionary<string, string> saved, IReadOnlyDictionary<string, string> current, string dataName)
    {
        if (saved.TryGetValue("data_sha256", out string? hash) && current.TryGetValue("data_sha256", out string? nowHash)
            && (hash != nowHash || saved.GetValueOrDefault("data_rows") != current.GetValueOrDefault("data_rows")))
        {
            throw new InvalidDataException(
                $"{path}: the checkpoint was written for other data ({saved.GetValueOrDefault("data_rows")} rows, SHA-256 {hash[..Math.Min(12, hash.Length)]}…) than this run's {dataName} "
                + $"({current.GetValueOrDefault("data_rows")} rows, SHA-256 {nowHash[..12]}…); resume with the same --data or --dataset and data options");
        }
        // Checkpoints written before the split was recorded lack only these keys; any other key this run has must be
        // in the checkpoint, or deleting it from the file would skip its check.
        foreach (string key in current.Keys)
        {
            if (key is not ("epochs" or "data_sha256" or "data_rows" or "test_fraction" or "validation_fraction" or "split_seed") && !saved.ContainsKey(key))
            {
                string option = OptionOf.TryGetValue(key, out string? name) ? name : "--" + key.Replace('_', '-');
                throw new InvalidDataException($"{path}: the checkpoint's settings do not record {key}, so this run's {option} cannot be checked against it");
            }
        }
        foreach ((string key, string value) in saved)
        {
            if (key is not ("epochs" or "data_sha256" or "data_rows") && current.TryGetValue(key, out string? now) && now != value)
            {
                string option = OptionOf.TryGetValue(key, out string? name) ? name : "--" + key.Replace('_', '-');
                throw new InvalidDataException($"{path}: the checkpoint was written with {key} {value}, but this run has {key} {now}; resume with the same {option}");
            }
        }
    }

    /// <summary>The classifier options of the settings, each checked with a message naming its option.</summary>
    /// <exception cref="UsageException">A value is out of range or unknown.</exception>
    internal static ClassifierOptions BuildOptions(DataTrainingSettings s)
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
            schedule = OptionValues.Schedule("--schedule", s.Schedule);
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
            BatchNorm = s.BatchNorm,
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
