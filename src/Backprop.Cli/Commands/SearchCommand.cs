using System.CommandLine;
using System.Globalization;

namespace Backprop.Cli.Commands;

/// <summary>
/// `backprop search`: tries settings of a classifier, regressor or multi-label classifier (the data's task, as `train`
/// chooses it) on a data set (a grid over the values given per option, or a seeded random sample of it), scores each by
/// K-fold cross-validation on the training rows or on the validation split with the task's metrics
/// (<see cref="Metric.ForTask"/>), prints them ranked, and prints the best as a `backprop train` command. Trials run one after another, each
/// with all the engine's threads; every trial uses --seed for its folds, weights, shuffles and dropout, so the same
/// command prints the same table. Ctrl+C stops the running trial and prints the finished ones (exit code 130). The
/// test split is never used. Nothing is written but standard output.
/// </summary>
internal static class SearchCommand
{
    public static Command Create(CliIO io)
    {
        var dataOptions = new DataOptions { Diagnostics = io.Error, ForTraining = true };
        // Searched: comma-separated values each.
        var optimizer = new Option<string?>("--optimizer") { Description = $"Optimizers to try, comma-separated: {OptimizerNames.Expected()} (default adam)" };
        var lr = new Option<string?>("--lr") { Description = "Learning rates to try, e.g. 0.001,0.01 (default: the optimizer's)" };
        var hidden = new Option<string?>("--hidden") { Description = "Hidden layer sizes to try: one setting's sizes joined by x, settings separated by commas, e.g. 32,64x32,none (default 100)" };
        var dropout = new Option<string?>("--dropout") { Description = "Dropout rates to try, e.g. 0,0.2 (default 0)" };
        var weightDecay = new Option<string?>("--weight-decay") { Description = "Weight decays λ to try, e.g. 0,1e-4 (default 1e-4)" };
        var batchSize = new Option<string?>("--batch-size") { Description = "Batch sizes to try, e.g. 16,64 (default 32)" };
        // Fixed for every trial.
        var activation = new Option<string?>("--activation") { Description = "Hidden activation of every trial (default relu)" };
        var epochs = new Option<int?>("--epochs") { Description = "Epochs of every trial (default 200)" };
        var momentum = new Option<double?>("--momentum") { Description = "Momentum μ of momentum and nesterov (default 0.9)" };
        var schedule = new Option<string?>("--schedule") { Description = "Learning-rate schedule of every trial (default constant)" };
        var classWeights = new Option<string?>("--class-weights") { Description = "none or balanced (default none)" };
        var patience = new Option<int?>("--patience") { Description = "Early stopping on the validation split (needs --validation-fraction)" };
        var loss = new Option<string?>("--loss") { Description = "Regression: mse or huber[:δ] (default mse)" };
        var decisionThreshold = new Option<double?>("--decision-threshold") { Description = "Multi-label: a label is predicted when its probability is above this (default 0.5)" };
        var seed = new Option<long?>("--seed") { Description = "Seed of the split, the folds, the random sample, and every trial's weights, shuffles and dropout (default 0)" };
        // How the trials are chosen and scored.
        var cv = new Option<int?>("--cv") { Description = "Score each setting by K-fold cross-validation on the training rows (default 5, unless --validation-fraction is given)" };
        var random = new Option<int?>("--random") { Description = "Try N distinct settings drawn at random from the grid instead of all of it" };
        var metric = new Option<string?>("--metric") { Description = $"Rank by {ExpectedMetrics} (default: the first of the task's)" };

        var command = new Command("search", "Search the settings of a classifier, regressor or multi-label classifier: every combination of the values given per option (or --random N of them), each scored by cross-validation or the validation split; prints a ranked table and the best as a train command.");
        Option[] searched = [optimizer, lr, hidden, dropout, weightDecay, batchSize];
        Option[] fixedOptions = [activation, epochs, momentum, schedule, classWeights, patience, loss, decisionThreshold, seed];
        foreach (Option option in (Option[])[.. searched, .. fixedOptions, cv, random, metric])
        {
            command.Options.Add(option);
        }
        dataOptions.AddTo(command);
        command.SetAction(parse =>
        {
            if (!dataOptions.IsGiven(parse))
            {
                throw new UsageException("search needs data: add --dataset NAME or --data FILE");
            }
            long seedValue = parse.GetValue(seed) ?? 0;
            var fixedSettings = new DataTrainingSettings(
                Layers: null, Hidden: null, Activation: parse.GetValue(activation), Optimizer: null, LearningRate: null,
                Momentum: parse.GetValue(momentum) ?? 0.9, WeightDecay: null, Schedule: parse.GetValue(schedule), BatchSize: null,
                Epochs: parse.GetValue(epochs), Dropout: 0, ClassWeights: parse.GetValue(classWeights) ?? "none", Patience: parse.GetValue(patience),
                Seed: seedValue, Threshold: null, Out: null, Metrics: null, Quiet: true, CheckpointEvery: 0, Checkpoint: null, Resume: null,
                Loss: parse.GetValue(loss), DecisionThreshold: ModelData.Threshold(parse.GetValue(decisionThreshold)));
            if (fixedSettings.Loss is string lossText)
            {
                OptionValues.Loss("--loss", lossText); // a known loss; whether it fits the task is checked with the data
            }
            SearchSpace space = SearchSpace.Parse(parse.GetValue(optimizer), parse.GetValue(lr), parse.GetValue(hidden), parse.GetValue(dropout),
                parse.GetValue(weightDecay), parse.GetValue(batchSize), fixedSettings);
            if (parse.GetValue(random) is int n)
            {
                OptionValues.AtLeast("--random", n, 1);
            }
            string? metricName = CheckMetric(parse.GetValue(metric));
            double validationFraction = parse.GetValue(dataOptions.ValidationFraction);
            int? folds = parse.GetValue(cv) ?? (validationFraction > 0 ? null : 5);
            if (folds is int k)
            {
                OptionValues.AtLeast("--cv", k, 2);
            }
            if (fixedSettings.Patience is not null && validationFraction == 0)
            {
                throw new UsageException("--patience needs a validation split: add --validation-fraction (e.g. 0.1)");
            }
            IReadOnlyList<SearchSetting> settings = space.Settings(parse.GetValue(random), seedValue);

            LoadedData data = dataOptions.LoadForTraining(parse, seedValue, quiet: true);
            LearningTask task = data.Train.Task;
            IReadOnlyList<Metric> metrics = Metric.ForTask(task);
            Metric rankBy = TaskMetric(metricName, task);
            // The task's options (loss, threshold, class weights) are fixed: checked once, before any training.
            DataTraining.TaskOptions(DataTraining.BuildOptions(settings[0].Apply(fixedSettings)), fixedSettings, task);
            (Dataset<float> train, Dataset<float>? validation) = CrossValidationRun.InTargetUnits(data);
            if (folds is int f)
            {
                CrossValidationRun.CheckData(f, data.Train);
            }
            string scoring = folds is int kf
                ? $"{kf}-fold cross-validation on the {data.Train.Count} training rows"
                : $"the {data.Validation!.Count} validation rows";
            io.Out.WriteLine($"Data: {data.Description}");
            string how = parse.GetValue(random) is int r && r < space.Size ? $"{settings.Count} drawn at random from a grid of {space.Size} (seed {seedValue})" : "the grid";
            io.Out.WriteLine($"Search: {settings.Count} settings ({how}), each scored by {scoring}; ranked by {rankBy.Name} ({(rankBy.HigherIsBetter ? "higher" : "lower")} is better).");
            io.Out.WriteLine("Trials run one after another, each on all threads.");

            var trials = new List<SearchTrial>();
            using var interruption = new Interruption();
            int interruptedAt = 0;
            for (int i = 0; i < settings.Count; i++)
            {
                SearchSetting setting = settings[i];
                ClassifierOptions options = DataTraining.TaskOptions(DataTraining.BuildOptions(setting.Apply(fixedSettings)), fixedSettings, task) with { Scaling = data.Scaler.Kind };
                SearchTrial trial;
                try
                {
                    trial = Score(i + 1, setting, options, train, validation, folds, interruption.Token);
                }
                catch (OperationCanceledException) when (interruption.ExitCode != Cli.Ok)
                {
                    interruptedAt = i + 1;
                    break;
                }
                catch (TrainingDivergedException e)
                {
                    trial = new SearchTrial(i + 1, setting, null, metrics.ToDictionary(m => m.Name, _ => double.NaN), "diverged: " + e.Message);
                }
                trials.Add(trial);
                io.Out.WriteLine($"trial {i + 1}/{settings.Count}: {Describe(setting, options)}: {Summary(trial, rankBy)}");
            }

            if (interruptedAt > 0)
            {
                string signal = interruption.ExitCode == DataTraining.Terminated ? " (SIGTERM)" : "";
                io.Out.WriteLine($"Interrupted{signal} during trial {interruptedAt}; the table holds the {trials.Count} finished trial{(trials.Count == 1 ? "" : "s")}.");
            }
            io.Out.WriteLine();
            List<SearchTrial> ranked = Rank(trials, rankBy, metrics);
            io.Out.Write(Table(ranked, metrics, folds is not null));
            if (ranked.Count > 0 && !double.IsNaN(ranked[0].Scores[rankBy.Name]))
            {
                SearchTrial best = ranked[0];
                io.Out.WriteLine();
                io.Out.WriteLine($"Best: trial {best.Number}, {Summary(best, rankBy)}. To train it:");
                io.Out.WriteLine(BestCommand(parse, dataOptions, fixedOptions, best.Setting, DataTraining.BuildOptions(best.Setting.Apply(fixedSettings)), folds));
            }
            return interruption.ExitCode;
        });
        return command;
    }

    /// <summary>
    /// Ranks by the chosen metric, then by the other metrics, then by trial number; NaN (diverged) last. Means that
    /// differ only in rounding (the same fold accuracies summed in another order) are a tie.
    /// </summary>
    internal static List<SearchTrial> Rank(IEnumerable<SearchTrial> trials, Metric rankBy, IReadOnlyList<Metric> metrics)
    {
        Metric[] order = [rankBy, .. metrics.Where(m => m != rankBy)];
        var list = trials.ToList();
        list.Sort((a, b) =>
        {
            foreach (Metric m in order)
            {
                double x = a.Scores[m.Name];
                double y = b.Scores[m.Name];
                if (Math.Abs(x - y) <= 1e-9 * Math.Max(1, Math.Max(Math.Abs(x), Math.Abs(y))))
                {
                    continue;
                }
                int better = m.Compare(y, x);
                if (better != 0)
                {
                    return better;
                }
            }
            return a.Number.CompareTo(b.Number);
        });
        return list;
    }

    // train and validation as CrossValidationRun.InTargetUnits gives them: each trial's model fits its own scalers.
    private static SearchTrial Score(int number, SearchSetting setting, ClassifierOptions options, Dataset<float> train, Dataset<float>? validation, int? folds, CancellationToken token)
    {
        if (folds is int k)
        {
            CrossValidationResult cv = CrossValidationRun.CrossValidate(train, validation, options, k, null, token);
            return new SearchTrial(number, setting, cv, cv.Metrics.ToDictionary(m => m.Name, cv.Mean), null);
        }
        IReadOnlyDictionary<string, double> scores = train.Task switch
        {
            LearningTask.Regression => Metric.Scores(Regressor.Fit(train, options, validation, null, token).EvaluateRegression(validation!)),
            LearningTask.MultiLabel => Metric.Scores(MultiLabelClassifier.Fit(train, options, validation, null, token).EvaluateMultiLabel(validation!)),
            _ => Metric.Scores(Classifier.Fit(train, options, validation, null, token).Evaluate(validation!)),
        };
        token.ThrowIfCancellationRequested();
        return new SearchTrial(number, setting, null, scores, null);
    }

    private static string Describe(SearchSetting s, ClassifierOptions options) => string.Create(CultureInfo.InvariantCulture,
        $"{options.Optimizer} lr {SearchSetting.Number(options.EffectiveLearningRate)}, hidden {s.HiddenCell}, dropout {SearchSetting.Number(options.Dropout)}, weight decay {SearchSetting.Number(options.WeightDecay)}, batch {options.BatchSize}");

    private static string Summary(SearchTrial trial, Metric rankBy) => trial.Note ?? $"{rankBy.Name} {Cell(trial, rankBy)}";

    private static string Cell(SearchTrial trial, Metric metric)
    {
        double value = trial.Scores[metric.Name];
        if (double.IsNaN(value))
        {
            return "-";
        }
        return trial.CrossValidation is { } cv
            ? CrossValidationRun.MeanAndDeviation(cv, metric)
            : value.ToString("F4", CultureInfo.InvariantCulture);
    }

    private static string Table(List<SearchTrial> ranked, IReadOnlyList<Metric> metrics, bool crossValidated)
    {
        string[] header = ["rank", "trial", "optimizer", "lr", "hidden", "dropout", "weight_decay", "batch",
            .. metrics.Select(m => crossValidated ? m.Name + " (mean ± sd)" : m.Name)];
        return TextTable.Format(header, ranked.Select((t, i) =>
        {
            ClassifierOptions o = DataTraining.BuildOptions(t.Setting.Apply(EmptySettings));
            return (IReadOnlyList<string>)[
                (i + 1).ToString(CultureInfo.InvariantCulture), t.Number.ToString(CultureInfo.InvariantCulture), o.Optimizer,
                SearchSetting.Number(o.EffectiveLearningRate), t.Setting.HiddenCell, SearchSetting.Number(o.Dropout), SearchSetting.Number(o.WeightDecay),
                o.BatchSize.ToString(CultureInfo.InvariantCulture), .. metrics.Select(m => Cell(t, m))];
        }));
    }

    // Settings with nothing fixed: what the table's columns resolve defaults against.
    private static readonly DataTrainingSettings EmptySettings = new(null, null, null, null, null, 0.9, null, null, null, null, 0, "none", null, 0, null, null, null, true, 0, null, null);

    /// <summary>
    /// `backprop train` with the data options as typed (--task and --label among them), the fixed options as typed, the
    /// best setting written out in full, and --cv K when the search cross-validated (so the run prints the same scores
    /// before training the model).
    /// </summary>
    private static string BestCommand(ParseResult parse, DataOptions dataOptions, Option[] fixedOptions, SearchSetting best, ClassifierOptions options, int? folds)
    {
        var words = new List<string> { "backprop", "train" };
        Option[] data = [dataOptions.Dataset, dataOptions.Data, dataOptions.Label, dataOptions.Task, dataOptions.Delimiter, dataOptions.Encoding, dataOptions.DecimalSeparator,
            dataOptions.Scale, dataOptions.TestFraction, dataOptions.ValidationFraction, dataOptions.Rows, dataOptions.Noise, dataOptions.DataSeed, dataOptions.DataDir,
            .. dataOptions.Features.All];
        foreach (Option option in data.Concat(fixedOptions))
        {
            if (option.Name != "--seed" && NetworkOptions.Given(parse, option))
            {
                words.Add(option.Name);
                words.AddRange(parse.GetResult(option)!.Tokens.Select(t => Quote(t.Value)));
            }
        }
        words.AddRange(["--optimizer", options.Optimizer, "--lr", SearchSetting.Number(options.EffectiveLearningRate), "--hidden", best.HiddenText,
            "--dropout", SearchSetting.Number(options.Dropout), "--weight-decay", SearchSetting.Number(options.WeightDecay),
            "--batch-size", options.BatchSize.ToString(CultureInfo.InvariantCulture), "--seed", options.Seed.ToString(CultureInfo.InvariantCulture)]);
        if (folds is int k)
        {
            words.AddRange(["--cv", k.ToString(CultureInfo.InvariantCulture)]);
        }
        return string.Join(" ", words);
    }

    // Single quotes for a shell when a word has anything but letters, digits and . , - _ / : + =.
    private static string Quote(string word)
        => word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || ".,-_/:+=".Contains(c)) ? word : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static readonly LearningTask[] Tasks = [LearningTask.Classification, LearningTask.Regression, LearningTask.MultiLabel];

    // The metrics of every task, as --metric's description and its error list them.
    private static string ExpectedMetrics => string.Join("; ", Tasks.Select(t => $"{DataOptions.TaskName(t)}: {string.Join(", ", Metric.ForTask(t).Select(m => m.Name))}"));

    /// <summary>--metric as the metric's name, checked against every task's metrics before the data is read; null when not given.</summary>
    private static string? CheckMetric(string? name)
    {
        if (name is null)
        {
            return null;
        }
        string key = name.Trim().Replace('-', '_').ToLowerInvariant();
        return Tasks.Any(t => Metric.ForTask(t).Any(m => m.Name == key))
            ? key
            : throw new UsageException($"--metric: unknown metric '{name}' (expected {ExpectedMetrics})");
    }

    /// <summary>The metric to rank by: --metric when it is one of the task's, else a usage error; the task's first by default.</summary>
    private static Metric TaskMetric(string? name, LearningTask task)
    {
        IReadOnlyList<Metric> metrics = Metric.ForTask(task);
        if (name is null)
        {
            return metrics[0];
        }
        return metrics.FirstOrDefault(m => m.Name == name)
            ?? throw new UsageException($"--metric {name}: {DataOptions.TaskName(task)} is scored by {string.Join(", ", metrics.Select(m => m.Name))}");
    }
}
