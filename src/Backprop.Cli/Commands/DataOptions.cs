using System.CommandLine;
using System.Globalization;

namespace Backprop.Cli.Commands;

/// <summary>What a command loaded for training: the splits and the scaler fitted on the training split.</summary>
internal sealed record LoadedData(Dataset<float> Train, Dataset<float>? Validation, Dataset<float>? Test, FeatureScaler Scaler, string LabelName, string Description)
{
    /// <summary>How a built-in data set was split (null for --data files and for a set with its own test set); worth storing in the model.</summary>
    public SplitRecipe? Split { get; init; }

    /// <summary>
    /// The data as read, before splitting and scaling: what a checkpoint records so a resume reads the same data
    /// (<see cref="DataFingerprint.None"/> unless asked for).
    /// </summary>
    public DataFingerprint Fingerprint { get; init; } = DataFingerprint.None;

    /// <summary>True when the data set brings its own test set (fashion-mnist), so --test-fraction plays no part.</summary>
    public bool HasOwnTestSet { get; init; }

    /// <summary>Regression: the scaling fitted on the training targets and applied to the training and validation
    /// targets (the test split keeps its own units); null for the other tasks.</summary>
    public FeatureScaler? TargetScaler { get; init; }

    /// <summary>
    /// Regression: the training and validation targets as read, before <see cref="TargetScaler"/>, for what fits its own
    /// target scaler (cross-validation's folds, search's trials); null for the other tasks.
    /// </summary>
    public (float[] Train, float[]? Validation)? TargetsInUnits { get; init; }

    /// <summary>Whether --task named the task (false: chosen from the label columns' values).</summary>
    public bool TaskGiven { get; init; }

    /// <summary>How a CSV table's columns became the features (to store in the model); null when its numeric cells are the features.</summary>
    public Preprocessor? Preprocessing { get; init; }

    /// <summary>The column table to print before training (a CSV table's columns and their treatments), or null.</summary>
    public string? ColumnTable { get; init; }
}

/// <summary>What a saved model says about its data: the columns it reads, its label, its classes and its scaler.</summary>
internal sealed record DataSchema(IReadOnlyList<string> FeatureNames, string LabelName, IReadOnlyList<string> ClassNames, FeatureScaler Scaler)
{
    /// <summary>
    /// The split the model was trained with (<see cref="LoadedData.Split"/>), when the model recorded it: then
    /// `--dataset NAME` for this model gives that split's test rows instead of all rows.
    /// </summary>
    public SplitRecipe? Split { get; init; }

    /// <summary>What the model's outputs mean; with it, the label columns it reads (<see cref="LabelNames"/>).</summary>
    public LearningTask Task { get; init; }

    /// <summary>The label columns: one for a classifier, one per target or label otherwise.</summary>
    public IReadOnlyList<string> LabelNames { get; init; } = [LabelName];

    /// <summary>Regression: the model's target scaler (for fine-tuning); null otherwise.</summary>
    public FeatureScaler? TargetScaler { get; init; }

    /// <summary>How the model turns a table's columns into its features (<see cref="Model.Preprocessing"/>), or null.</summary>
    public Preprocessor? Preprocessing { get; init; }
}

/// <summary>A stratified split, repeatable: the same fractions and seed on the same data give the same rows.</summary>
internal sealed record SplitRecipe(double TestFraction, double ValidationFraction, long Seed);

/// <summary>Rows for a saved model (evaluate, predict): features in the model's column order, scaled by its scaler.</summary>
/// <param name="Data">The rows; labelled (in the model's class order) when <paramref name="HasLabels"/>, else <see cref="Dataset{T}.Unlabelled"/>.</param>
/// <param name="HasLabels">Whether the source had the label column.</param>
/// <param name="Description">One line on what was read.</param>
internal sealed record ModelInput(Dataset<float> Data, bool HasLabels, string Description);

/// <summary>
/// The data options shared by `train`, `evaluate` and `predict` (--dataset, --data, --label, splits, scaling), and
/// the loading behind them. Every problem with the data surfaces as one line naming the file, row and column.
/// </summary>
internal sealed class DataOptions
{
    public Option<string?> Dataset { get; } = new("--dataset") { Description = $"A built-in data set: {string.Join(", ", BuiltInDatasets.Names)}" };

    public Option<string?> Data { get; } = new("--data") { Description = "A CSV file with a header row ('-': standard input; features are its numeric columns), or IDX images (the labels file beside them is found by name)" };

    public Option<string?> Label { get; } = new("--label") { Description = "The label column of --data (default: the last column; for a model, the column it was trained on); several, comma-separated, for regression targets or multi-label yes/no columns" };

    public Option<string?> Task { get; } = new("--task") { Description = "classification, regression or multilabel (default: chosen from the label: text or at most 20 distinct integers is classification, other numbers regression, several 0/1 yes/no true/false columns multi-label)" };

    public Option<string?> Delimiter { get; } = new("--delimiter") { Description = "Field delimiter of --data: ',', ';', tab or '|' (default: detected from the header line)" };

    public Option<string?> Encoding { get; } = new("--encoding") { Description = "Character encoding of --data: utf-8 (default; invalid bytes are an error), latin1 or windows-1252" };

    public Option<string?> DecimalSeparator { get; } = new("--decimal-separator") { Description = "Decimal separator of --data's numbers: '.' (default) or ',' (then the delimiter is usually ';')" };

    public Option<string> Scale { get; } = new("--scale") { Description = "Feature scaling fitted on the training split: standard, minmax or none", DefaultValueFactory = _ => "standard" };

    public Option<double> TestFraction { get; } = new("--test-fraction") { Description = "Fraction of rows held out for the final test (stratified; ignored by fashion-mnist, which has its own test set)", DefaultValueFactory = _ => 0.2 };

    public Option<double> ValidationFraction { get; } = new("--validation-fraction") { Description = "Fraction of rows held out for validation (stratified)", DefaultValueFactory = _ => 0.0 };

    public Option<int?> Rows { get; } = new("--rows") { Description = $"Rows of a synthetic data set (moons, circles, spirals; default {BuiltInDatasets.DefaultSyntheticRows})" };

    public Option<double?> Noise { get; } = new("--noise") { Description = "Noise (standard deviation) of a synthetic data set (default: moons 0.1, circles 0.05, spirals 0.05)" };

    public Option<long> DataSeed { get; } = new("--data-seed") { Description = "Seed of a synthetic data set's points (the split uses the training seed)", DefaultValueFactory = _ => 0 };

    public Option<string?> DataDir { get; } = new("--data-dir") { Description = $"Folder of the Fashion-MNIST IDX files (default: {FashionMnist.DefaultDirectory})" };

    /// <summary>Whether the command trains (so takes --task); evaluate and predict read the task from the model.</summary>
    public bool ForTraining { get; init; }

    /// <summary>How a CSV table's columns become features (--categorical, --max-categories, --na-values, --impute).</summary>
    public FeatureOptions Features { get; } = new();

    /// <summary>Where `--data -` reads from (standard input unless a test says otherwise).</summary>
    public TextReader? StandardInput { get; init; }

    /// <summary>
    /// Where warnings about the data (skipped text columns) and the loading progress of large files go: standard
    /// error. Null: nowhere.
    /// </summary>
    public TextWriter? Diagnostics { get; init; }

    public void AddTo(Command command)
    {
        command.Options.Add(Dataset);
        command.Options.Add(Data);
        command.Options.Add(Label);
        if (ForTraining)
        {
            command.Options.Add(Task);
        }
        command.Options.Add(Delimiter);
        command.Options.Add(Encoding);
        command.Options.Add(DecimalSeparator);
        command.Options.Add(Scale);
        command.Options.Add(TestFraction);
        command.Options.Add(ValidationFraction);
        command.Options.Add(Rows);
        command.Options.Add(Noise);
        command.Options.Add(DataSeed);
        command.Options.Add(DataDir);
        foreach (Option option in Features.All)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>True when the command line names data (so `train` works on a data set, not the article's sample).</summary>
    public bool IsGiven(ParseResult parse) => parse.GetValue(Dataset) is not null || parse.GetValue(Data) is not null;

    /// <summary>
    /// Loads the data named on the command line, splits it (stratified, with <paramref name="seed"/>; a built-in test
    /// set is used as it is), fits the scaler on the training split and applies it to every split. Text columns
    /// skipped from a CSV file are warned about on <see cref="Diagnostics"/> even when <paramref name="quiet"/>, which
    /// only hides the loading progress.
    /// </summary>
    /// <exception cref="UsageException">The options contradict each other or are out of range.</exception>
    /// <param name="parse">The command line.</param>
    /// <param name="seed">The split's seed.</param>
    /// <param name="fingerprint">Whether to compute <see cref="LoadedData.Fingerprint"/> (a hash of every value: only for checkpoints).</param>
    /// <param name="quiet">--quiet: no loading progress (warnings are still written).</param>
    /// <param name="model">A model to fine-tune (train --init-model), or null: the data is then read in the model's
    /// terms as for <see cref="LoadForModel"/> (its feature columns by name, its label column, its classes) and scaled
    /// with the model's scaler, which is not refitted.</param>
    /// <param name="rowsRead">Called once the rows are read, before they are split and scaled (train stops its warm-up there).</param>
    /// <param name="testSplit">Fashion-MNIST's test split as read on another thread (<see cref="LoadingWarmUp.TestSplit"/>), or
    /// null: --dataset fashion-mnist then reads only its training split here.</param>
    /// <exception cref="InvalidDataException">The data is unusable, including a single class (the message says where).</exception>
    public LoadedData LoadForTraining(ParseResult parse, long seed, bool fingerprint = false, bool quiet = false, DataSchema? model = null, Action? rowsRead = null,
        Func<Dataset<float>>? testSplit = null)
    {
        ScalingKind kind = model?.Scaler.Kind ?? ParseScaling(parse.GetValue(Scale)!);
        double testFraction = parse.GetValue(TestFraction);
        double validationFraction = parse.GetValue(ValidationFraction);
        CheckFractions(testFraction, validationFraction);

        LearningTask? task = ParseTask(parse.GetValue(Task));
        if (model is not null && task is not null && task != model.Task)
        {
            throw new UsageException($"--task {parse.GetValue(Task)} contradicts --init-model: the model it fine-tunes is {TaskName(model.Task)}");
        }
        // A CSV file is read as a table (every column); a model's table is read in its terms.
        TableReading? table = model is null ? Features.Reading(parse) : model.Preprocessing is { } modelPre ? Features.Reading(parse, modelPre) : NoTable(parse);
        CsvDatasetOptions? csvOptions = model is null
            ? WithLabels(new CsvDatasetOptions { Task = task }, parse.GetValue(Label), null)
            : ForModel(model, parse.GetValue(Label), labelRequired: true);
        (DatasetSplits<float> source, string name, bool isCsv) = LoadSource(parse, labelRequired: true, csvOptions, quiet, table, testSplit);
        rowsRead?.Invoke();
        if (!isCsv && (task ?? model?.Task ?? LearningTask.Classification) != LearningTask.Classification)
        {
            throw new UsageException($"--dataset {name} has class labels; {TaskName(task ?? model!.Task)} needs a --data file with {(task == LearningTask.MultiLabel ? "yes/no label columns" : "numeric targets")}");
        }
        if (model is not null && !isCsv)
        {
            source = new DatasetSplits<float>(AlignToModel(source.Train, model, name, parse.GetValue(Label), labelRequired: true), source.Validation,
                source.Test is null ? null : AlignToModel(source.Test, model, name, parse.GetValue(Label), labelRequired: true));
        }
        Dataset<float> all = source.Train;
        CheckClasses(all, name);
        DataFingerprint read = fingerprint ? DataFingerprint.Of(all, source.Test) : DataFingerprint.None;
        if (all.IgnoredColumns.Count > 0)
        {
            // Said even with --quiet: a column that silently stops being a feature is how data is lost unnoticed.
            Diagnostics?.WriteLine(Cli.OneLine(
                $"warning: {name}: {all.IgnoredColumns.Count} column{(all.IgnoredColumns.Count == 1 ? " is" : "s are")} not numeric and not used as features: {NameList.Abbreviate(all.IgnoredColumns)}"));
        }

        DatasetSplits<float> splits;
        if (source.Test is not null)
        {
            // The data set's own test set; only a validation split is cut from its training rows.
            DatasetSplits<float> trainParts = StratifiedSplit.Split(all, 0, validationFraction, seed);
            splits = new DatasetSplits<float>(trainParts.Train, trainParts.Validation, source.Test);
        }
        else
        {
            splits = StratifiedSplit.Split(all, testFraction, validationFraction, seed);
        }

        Preprocessor? preprocessing = null;
        string? columnTable = null;
        if (all.Columns is not null)
        {
            (splits, preprocessing, columnTable) = Preprocess(parse, splits, all.Count, name, model?.Preprocessing, table!.MissingValues);
        }
        FeatureScaler scaler = model?.Scaler ?? preprocessing?.FitScaler(splits.Train, kind) ?? FeatureScaler.Fit(splits.Train, kind);
        splits.Train.Rescale(scaler);
        splits.Validation?.Rescale(scaler);
        splits.Test?.Rescale(scaler);
        // Regression trains on standardised targets; the test split keeps its units, in which it is scored.
        FeatureScaler? targetScaler = null;
        (float[], float[]?)? targetsInUnits = null;
        if (all.Task == LearningTask.Regression)
        {
            targetsInUnits = (splits.Train.Targets.ToArray(), splits.Validation?.Targets.ToArray());
            targetScaler = model?.TargetScaler ?? FeatureScaler.Fit(splits.Train.Targets, splits.Train.OutputCount, ScalingKind.Standard);
            splits.Train.RescaleTargets(targetScaler);
            splits.Validation?.RescaleTargets(targetScaler);
        }

        string outputs = all.Task switch
        {
            LearningTask.Regression => $"{all.OutputCount} target{(all.OutputCount == 1 ? "" : "s")} ({NameList.Abbreviate(all.TargetNames)})",
            LearningTask.MultiLabel => $"{all.OutputCount} yes/no labels ({NameList.Abbreviate(all.TargetNames)})",
            _ => $"{all.OutputCount} classes ({NameList.Abbreviate(all.ClassNames)}), label '{all.LabelName}'",
        };
        string description =
            $"{name}: {all.Count + (source.Test?.Count ?? 0)} rows, {splits.Train.FeatureCount} features, {outputs}; "
            + (all.DroppedRows > 0 ? $"{all.DroppedRows} row{(all.DroppedRows == 1 ? "" : "s")} without a label left out; " : "")
            + $"train {splits.Train.Count}, validation {splits.Validation?.Count ?? 0}, test {splits.Test?.Count ?? 0}"
            + (source.Test is not null ? " (the data set's own test set)" : $" ({(all.IsClassification ? "stratified" : "random")}, seed {seed})")
            + $"; scaling {kind.ToString().ToLowerInvariant()}" + (model is null ? "" : " (the model's)")
            + (all.IgnoredColumns.Count > 0 ? $"; non-numeric columns ignored: {NameList.Abbreviate(all.IgnoredColumns)}" : "");
        SplitRecipe? recipe = parse.GetValue(Dataset) is not null && source.Test is null ? new SplitRecipe(testFraction, validationFraction, seed) : null;
        return new LoadedData(splits.Train, splits.Validation, splits.Test, scaler, all.LabelName, description)
        {
            Split = recipe,
            Fingerprint = read,
            HasOwnTestSet = source.Test is not null,
            TargetScaler = targetScaler,
            TargetsInUnits = targetsInUnits,
            TaskGiven = task is not null,
            Preprocessing = preprocessing,
            ColumnTable = columnTable,
        };
    }

    /// <summary>The task --task names, or null when it is not given.</summary>
    private static LearningTask? ParseTask(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null => null,
        "classification" or "classify" => LearningTask.Classification,
        "regression" => LearningTask.Regression,
        "multilabel" or "multi-label" => LearningTask.MultiLabel,
        _ => throw new UsageException($"--task: unknown task '{text}' (expected classification, regression or multilabel)"),
    };

    /// <summary>The task as the command line names it.</summary>
    public static string TaskName(LearningTask task) => task switch
    {
        LearningTask.Regression => "regression",
        LearningTask.MultiLabel => "multilabel",
        _ => "classification",
    };

    /// <summary>--label: one column, or several separated by commas (targets or yes/no labels).</summary>
    private static CsvDatasetOptions WithLabels(CsvDatasetOptions options, string? label, IReadOnlyList<string>? fallback)
    {
        if (label is null)
        {
            return fallback is null ? options : fallback.Count == 1 ? options with { Label = fallback[0] } : options with { Labels = fallback };
        }
        string[] names = label.Split(',', StringSplitOptions.TrimEntries);
        if (names.Any(n => n.Length == 0))
        {
            throw new UsageException($"--label '{label}': an empty column name (separate several label columns with commas)");
        }
        return names.Length == 1 ? options with { Label = names[0] } : options with { Labels = names };
    }

    /// <summary>How to read a CSV file for a saved model: its feature columns, its label column(s), its classes or task.</summary>
    private static CsvDatasetOptions ForModel(DataSchema schema, string? label, bool labelRequired)
    {
        var options = new CsvDatasetOptions
        {
            FeatureColumns = schema.Preprocessing?.InputColumns ?? schema.FeatureNames,
            ClassNames = schema.Task == LearningTask.Classification ? schema.ClassNames : null,
            Task = schema.Task,
            LabelOptional = !labelRequired,
        };
        options = WithLabels(options, label, schema.LabelNames);
        int given = options.Labels?.Count ?? 1;
        if (schema.Task != LearningTask.Classification && given != schema.LabelNames.Count)
        {
            throw new UsageException($"--label names {given} column{(given == 1 ? "" : "s")}, but the model predicts {schema.LabelNames.Count} ({NameList.Abbreviate(schema.LabelNames)})");
        }
        return options;
    }

    /// <summary>
    /// Turns the splits of a table into features: with <paramref name="fitted"/> (a model's) as it says, else with a
    /// preprocessor fitted on the training split. A table whose numeric cells already are the features (nothing
    /// missing, nothing dropped, no option given) is left as it is and needs no preprocessor.
    /// </summary>
    private (DatasetSplits<float> Splits, Preprocessor? Preprocessing, string? Table) Preprocess(ParseResult parse, DatasetSplits<float> splits, int rows, string name,
        Preprocessor? fitted, IReadOnlyList<string> missingValues)
    {
        string? table = null;
        Preprocessor preprocessing;
        if (fitted is not null)
        {
            preprocessing = fitted;
        }
        else
        {
            preprocessing = Named(name, () => Preprocessor.Fit(splits.Train, Features.Options(parse), missingValues));
            table = FeatureOptions.Table(preprocessing, rows);
            foreach (string warning in FeatureOptions.Warnings(name, preprocessing))
            {
                // Said even with --quiet: a column that silently stops being a feature is how data is lost unnoticed.
                Diagnostics?.WriteLine(Cli.OneLine(warning));
            }
            if (preprocessing.IsIdentity && Features.FirstGiven(parse) is null)
            {
                return (splits, null, table);
            }
        }
        Dataset<float>? Apply(Dataset<float>? split, string rowsName)
        {
            if (split is null)
            {
                return null;
            }
            PreprocessedData result = Named(name, () => preprocessing.Transform(split));
            foreach (string warning in FeatureOptions.Warnings(name, result, rowsName))
            {
                Diagnostics?.WriteLine(Cli.OneLine(warning));
            }
            return result.Data;
        }
        return (new DatasetSplits<float>(Apply(splits.Train, "training rows")!, Apply(splits.Validation, "validation rows"), Apply(splits.Test, "test rows")), preprocessing, table);
    }

    /// <summary>Runs a preprocessing step, naming the data in its errors.</summary>
    private static TResult Named<TResult>(string name, Func<TResult> step)
    {
        try
        {
            return step();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{name}: {e.Message}");
        }
    }

    /// <summary>No table reading (a model without preprocessing): the table options do not apply.</summary>
    private TableReading? NoTable(ParseResult parse)
        => Features.FirstGiven(parse) is Option given
            ? throw new UsageException($"{given.Name}: the model reads numeric columns as they are (it was trained without a table's preprocessing)")
            : null;

    /// <summary>
    /// Loads labelled data for a saved model (evaluate): its feature columns by name, its label column
    /// (--label overrides), labels mapped to its classes, its scaler applied. With --dataset: fashion-mnist gives its
    /// test set, another built-in set the test rows of <see cref="DataSchema.Split"/> when the model recorded one
    /// (else all rows); a --data file is used whole.
    /// </summary>
    /// <exception cref="InvalidDataException">A column the model reads or the label column is missing, a class is unknown, or a cell is bad.</exception>
    public Dataset<float> LoadForModel(ParseResult parse, DataSchema schema)
        => Load(parse, schema, labelRequired: true).Data;

    /// <summary>
    /// Like <see cref="LoadForModel"/>, but the label column may be absent (predict): then the rows come unlabelled
    /// and <see cref="ModelInput.HasLabels"/> is false.
    /// </summary>
    public ModelInput LoadFeaturesForModel(ParseResult parse, DataSchema schema)
        => Load(parse, schema, labelRequired: false);

    private ModelInput Load(ParseResult parse, DataSchema schema, bool labelRequired)
    {
        ArgumentNullException.ThrowIfNull(schema);
        TableReading? table = schema.Preprocessing is { } pre ? Features.Reading(parse, pre) : NoTable(parse);
        CsvDatasetOptions csvOptions = ForModel(schema, parse.GetValue(Label), labelRequired);
        (DatasetSplits<float> source, string name, bool isCsv) = LoadSource(parse, labelRequired, csvOptions, quiet: false, table, testOnly: true);
        if (!isCsv && schema.Task != LearningTask.Classification)
        {
            throw new InvalidDataException($"{name} has class labels, but the model is a {TaskName(schema.Task)} model; give its data with --data");
        }
        Dataset<float> data = source.Test ?? source.Train;
        string part = "";
        if (parse.GetValue(Dataset) is not null)
        {
            if (source.Test is not null)
            {
                part = " (its test set)";
            }
            else if (schema.Split is { } split)
            {
                data = StratifiedSplit.Split(data, split.TestFraction, split.ValidationFraction, split.Seed).Test
                    ?? throw new InvalidDataException($"{name}: the model's split (test fraction {split.TestFraction.ToString(CultureInfo.InvariantCulture)}) held out no test rows");
                part = $" (the test rows of the model's split, seed {split.Seed})";
            }
        }
        string filled = "";
        if (schema.Preprocessing is { } preprocessing && data.Columns is not null)
        {
            PreprocessedData result = Named(name, () => preprocessing.Transform(data));
            foreach (string warning in FeatureOptions.Warnings(name, result, "rows"))
            {
                Diagnostics?.WriteLine(Cli.OneLine(warning));
            }
            filled = FeatureOptions.Filled(result) is string line ? "; " + line : "";
            data = result.Data;
        }
        else if (!isCsv)
        {
            data = AlignToModel(data, schema, name, parse.GetValue(Label), labelRequired);
        }
        if (data.FeatureCount != schema.FeatureNames.Count)
        {
            throw new InvalidDataException($"{name}: the data has {data.FeatureCount} features but the model reads {schema.FeatureNames.Count}");
        }
        if (schema.Scaler.FeatureCount != data.FeatureCount)
        {
            throw new InvalidDataException($"the model's scaler has {schema.Scaler.FeatureCount} features but the model reads {data.FeatureCount}");
        }
        data.Rescale(schema.Scaler);
        string description = $"{name}{part}: {data.Count} rows, {data.FeatureCount} features" + (data.IsLabelled ? $", label '{data.LabelName}'" : ", no label column")
            + (data.DroppedRows > 0 ? $"; {data.DroppedRows} row{(data.DroppedRows == 1 ? "" : "s")} without a label left out" : "") + filled;
        return new ModelInput(data, data.IsLabelled, description);
    }

    /// <summary>
    /// Reads --dataset or --data (CSV, or IDX images with the labels file beside them); a CSV file with
    /// <paramref name="csvOptions"/> when given (a model's columns), which already puts it in the model's terms.
    /// </summary>
    // testOnly: only the test split of a built-in set with one of its own is used (evaluate, predict), so fashion-mnist
    // reads nothing else; the split then stands in for Train too.
    private (DatasetSplits<float> Source, string Name, bool IsCsv) LoadSource(ParseResult parse, bool labelRequired, CsvDatasetOptions? csvOptions, bool quiet, TableReading? table,
        Func<Dataset<float>>? testSplit = null, bool testOnly = false)
    {
        string? name = parse.GetValue(Dataset);
        string? file = parse.GetValue(Data);
        if (name is not null && file is not null)
        {
            throw new UsageException("--dataset and --data both name the data; give one of them");
        }
        if (name is null && file is null)
        {
            throw new UsageException("no data: give --dataset NAME or --data FILE (CSV, or IDX images)");
        }
        if (name is not null)
        {
            foreach (Option option in (Option[])[Label, Delimiter, Encoding, DecimalSeparator, .. Features.All])
            {
                if (parse.GetResult(option) is not null && !(option == Label && csvOptions?.FeatureColumns is not null))
                {
                    throw new UsageException($"{option.Name} applies to --data files, not to --dataset {name}");
                }
            }
            return (LoadBuiltIn(parse, name, testSplit, testOnly), name, false);
        }

        if (parse.GetResult(Rows) is not null || parse.GetResult(Noise) is not null)
        {
            throw new UsageException("--rows and --noise apply to the synthetic data sets (--dataset moons, circles or spirals), not to --data");
        }
        char? delimiter = ParseDelimiter(parse.GetValue(Delimiter));
        TextEncoding encoding = ParseEncoding(parse.GetValue(Encoding));
        char decimalSeparator = ParseDecimalSeparator(parse.GetValue(DecimalSeparator));
        if (decimalSeparator == ',' && delimiter == ',')
        {
            throw new UsageException("--decimal-separator , and --delimiter , cannot both be ','; files with decimal commas separate fields with ';'");
        }
        string source = file == "-" ? "<stdin>" : file!;
        var progress = Diagnostics is null || quiet ? null : new LoadingProgress(Diagnostics, source, ReferenceEquals(Diagnostics, Console.Error) && !Console.IsErrorRedirected);
        CsvDatasetOptions options = (csvOptions ?? WithLabels(new CsvDatasetOptions(), parse.GetValue(Label), null)) with
        {
            Delimiter = delimiter,
            Encoding = encoding,
            DecimalSeparator = decimalSeparator,
            Progress = progress,
            Table = table,
            // --impute none: a missing label is an error too, not a row left out.
            DropMissingLabels = (csvOptions?.DropMissingLabels ?? true) && table is not { MissingIsError: true },
        };
        // A named pipe or /dev/fd path (`--data <(zcat x.csv.gz)`) is read once, as it comes, like standard input.
        using FileStream? pipe = file == "-" ? null : OpenIfPipe(file!);
        if (pipe is null && file != "-" && File.Exists(file) && IdxReader.IsIdx(file!))
        {
            Option? csvOnly = ((Option[])[Delimiter, Encoding, DecimalSeparator, .. Features.All]).FirstOrDefault(o => parse.GetResult(o) is not null);
            if (csvOnly is not null || (csvOptions?.FeatureColumns is null && parse.GetResult(Label) is not null))
            {
                throw new UsageException($"{csvOnly?.Name ?? "--label"} applies to CSV files; {file} is an IDX file");
            }
            return (new DatasetSplits<float>(LoadIdx(file!, labelRequired), null, null), file!, false);
        }
        Dataset<float> data;
        try
        {
            data = pipe is not null ? CsvDatasetReader.Read<float>(pipe, source, options)
                : file != "-" ? CsvDatasetReader.Read<float>(file!, options)
                : StandardInput is not null ? CsvDatasetReader.Read<float>(StandardInput, source, options)
                : ReadStandardInput(source, options);
        }
        finally
        {
            progress?.Finish();
        }
        if (table is not null && csvOptions?.FeatureColumns is null)
        {
            Features.CheckCategorical(parse, data, source);
        }
        return (new DatasetSplits<float>(data, null, null), source, true);
    }

    private static Dataset<float> ReadStandardInput(string source, CsvDatasetOptions options)
    {
        using Stream stdin = Console.OpenStandardInput();
        return CsvDatasetReader.Read<float>(stdin, source, options);
    }

    /// <summary>The file opened for reading when it cannot seek (a named pipe, /dev/fd/N); null for a regular file or none.</summary>
    private static FileStream? OpenIfPipe(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        if (stream.CanSeek)
        {
            stream.Dispose();
            return null;
        }
        return stream;
    }

    /// <summary>IDX images and the labels file beside them; without one, unlabelled rows where labels are optional.</summary>
    private static Dataset<float> LoadIdx(string images, bool labelRequired)
    {
        string? labels = IdxReader.FindLabelsFile(images);
        if (labels is not null)
        {
            return IdxReader.Load<float>(images, labels);
        }
        if (labelRequired)
        {
            throw new InvalidDataException($"{images}: no IDX labels file beside these images (for *-images-idx3-ubyte[.gz] it is *-labels-idx1-ubyte[.gz])");
        }
        (float[] pixels, _, int rows, int columns) = IdxReader.ReadImages<float>(images);
        string[] names = [.. Enumerable.Range(0, rows * columns).Select(j => "pixel" + j.ToString(CultureInfo.InvariantCulture))];
        return Dataset<float>.Unlabelled(pixels, rows * columns, names);
    }

    private DatasetSplits<float> LoadBuiltIn(ParseResult parse, string name, Func<Dataset<float>>? testSplit = null, bool testOnly = false)
    {
        string key = name.Trim().ToLowerInvariant();
        if (!BuiltInDatasets.Names.Contains(key) && key is not ("fashion" or "fashionmnist" or "fashion_mnist"))
        {
            throw new UsageException($"--dataset: unknown data set '{name}' (known: {string.Join(", ", BuiltInDatasets.Names)})");
        }
        bool synthetic = BuiltInDatasets.SyntheticNames.Contains(key);
        int? rows = parse.GetValue(Rows);
        double? noise = parse.GetValue(Noise);
        if (!synthetic && (rows is not null || noise is not null))
        {
            throw new UsageException($"--rows and --noise apply to the synthetic data sets ({string.Join(", ", BuiltInDatasets.SyntheticNames)}), not to {name}");
        }
        if (rows is < 10)
        {
            throw new UsageException($"--rows must be at least 10 (got {rows})");
        }
        if (noise is not null && (!(noise >= 0) || !double.IsFinite(noise.Value)))
        {
            throw new UsageException($"--noise must be a finite number ≥ 0 (got {noise.Value.ToString(CultureInfo.InvariantCulture)})");
        }
        string? dir = parse.GetValue(DataDir);
        if (dir is not null && !key.StartsWith("fashion", StringComparison.Ordinal))
        {
            throw new UsageException($"--data-dir applies to --dataset fashion-mnist, not to {name}");
        }
        if (dir is not null && !Directory.Exists(dir))
        {
            throw new DirectoryNotFoundException($"--data-dir: no such folder '{dir}'");
        }
        if (testOnly && key.StartsWith("fashion", StringComparison.Ordinal))
        {
            // A saved model is evaluated (or predicts) on the test split: the 60 000 training images are not read.
            Dataset<float> test = FashionMnist.LoadTest<float>(dir);
            return new DatasetSplits<float>(test, null, test);
        }
        if (testSplit is not null && key.StartsWith("fashion", StringComparison.Ordinal))
        {
            // The test split is read on the warm-up's thread meanwhile (LoadingWarmUp.TestSplit).
            Dataset<float> train = FashionMnist.LoadTrain<float>(dir);
            return new DatasetSplits<float>(train, null, testSplit());
        }
        var options = new BuiltInDatasetOptions { Rows = rows, Noise = noise, Seed = parse.GetValue(DataSeed), DataDirectory = dir };
        return BuiltInDatasets.LoadSplits<float>(key, options);
    }

    /// <summary>A built-in set's or IDX file's columns put in the model's order, its classes renamed to the model's.</summary>
    private static Dataset<float> AlignToModel(Dataset<float> data, DataSchema schema, string name, string? labelOverride, bool labelRequired)
    {
        if (labelOverride is not null && labelOverride != data.LabelName)
        {
            throw new UsageException($"--label: data set '{name}' has the label column '{data.LabelName}', not '{labelOverride}'");
        }
        var columns = new int[schema.FeatureNames.Count];
        bool identity = columns.Length == data.FeatureCount;
        for (int j = 0; j < columns.Length; j++)
        {
            columns[j] = IndexOf(data.FeatureNames, schema.FeatureNames[j]);
            if (columns[j] < 0)
            {
                throw new InvalidDataException(
                    $"{name}: no column '{schema.FeatureNames[j]}'; the model reads {schema.FeatureNames.Count} features ({NameList.Abbreviate(schema.FeatureNames)}) and the data set has {data.FeatureCount} ({NameList.Abbreviate(data.FeatureNames)})");
            }
            identity &= columns[j] == j;
        }
        if (!identity)
        {
            var x = new float[data.Count * columns.Length];
            for (int r = 0; r < data.Count; r++)
            {
                ReadOnlySpan<float> row = data.Row(r);
                for (int j = 0; j < columns.Length; j++)
                {
                    x[r * columns.Length + j] = row[columns[j]];
                }
            }
            data = data.IsLabelled
                ? new Dataset<float>(x, columns.Length, data.Labels.ToArray(), data.OutputCount, schema.FeatureNames, data.ClassNames) { LabelName = data.LabelName }
                : Dataset<float>.Unlabelled(x, columns.Length, schema.FeatureNames);
        }
        if (!data.IsLabelled)
        {
            return data.WithLabels(null, schema.ClassNames);
        }
        var classOf = new int[data.OutputCount];
        for (int c = 0; c < classOf.Length; c++)
        {
            classOf[c] = CsvDatasetReader.IndexOfClass(schema.ClassNames, data.ClassNames[c]);
        }
        var labels = new int[data.Count];
        for (int r = 0; r < data.Count; r++)
        {
            int mapped = classOf[data.Labels[r]];
            if (mapped < 0)
            {
                if (labelRequired)
                {
                    throw new InvalidDataException(
                        $"{name}: row {r + 1}, column '{data.LabelName}': class '{data.ClassNames[data.Labels[r]]}' is not one of the model's classes ({NameList.Abbreviate(schema.ClassNames)})");
                }
                return data.WithLabels(null, schema.ClassNames);
            }
            labels[r] = mapped;
        }
        return data.WithLabels(labels, schema.ClassNames);
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }

    private static void CheckFractions(double test, double validation)
    {
        if (!(test >= 0 && test < 1))
        {
            throw new UsageException($"--test-fraction must be in [0, 1) (got {test.ToString(CultureInfo.InvariantCulture)})");
        }
        if (!(validation >= 0 && validation < 1))
        {
            throw new UsageException($"--validation-fraction must be in [0, 1) (got {validation.ToString(CultureInfo.InvariantCulture)})");
        }
        if (test + validation >= 1)
        {
            throw new UsageException($"--test-fraction and --validation-fraction add up to {(test + validation).ToString(CultureInfo.InvariantCulture)}; they must leave rows for training");
        }
    }

    private static void CheckClasses(Dataset<float> data, string name)
    {
        if (!data.IsClassification)
        {
            return;
        }
        Span<bool> seen = data.OutputCount <= 1024 ? stackalloc bool[data.OutputCount] : new bool[data.OutputCount];
        int distinct = 0;
        foreach (int label in data.Labels)
        {
            if (!seen[label])
            {
                seen[label] = true;
                distinct++;
            }
        }
        if (distinct < 2)
        {
            throw new InvalidDataException($"{name}: column '{data.LabelName}' has a single class ('{data.ClassNames[data.Labels[0]]}'); classification needs at least two");
        }
    }

    private static char? ParseDelimiter(string? text) => text switch
    {
        null => null,
        "," or "comma" => ',',
        ";" or "semicolon" => ';',
        "\t" or "\\t" or "tab" => '\t',
        "|" or "pipe" => '|',
        { Length: 1 } when !char.IsLetterOrDigit(text[0]) && text[0] is not ('"' or '.' or '-') => text[0],
        _ => throw new UsageException($"--delimiter: '{text}' is not a delimiter (expected ',', ';', tab or '|')"),
    };

    private static TextEncoding ParseEncoding(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "utf-8" or "utf8" => TextEncoding.Utf8,
        "latin1" or "latin-1" or "iso-8859-1" => TextEncoding.Latin1,
        "windows-1252" or "cp1252" => TextEncoding.Windows1252,
        _ => throw new UsageException($"--encoding: unknown encoding '{text}' (expected utf-8, latin1 or windows-1252)"),
    };

    private static char ParseDecimalSeparator(string? text) => text?.Trim() switch
    {
        null or "." => '.',
        "," => ',',
        _ => throw new UsageException($"--decimal-separator: '{text}' is not a decimal separator (expected '.' or ',')"),
    };

    internal static ScalingKind ParseScaling(string text) => text.Trim().ToLowerInvariant() switch
    {
        "standard" => ScalingKind.Standard,
        "minmax" or "min-max" => ScalingKind.MinMax,
        "none" => ScalingKind.None,
        _ => throw new UsageException($"--scale: unknown scaling '{text}' (expected standard, minmax or none)"),
    };
}
