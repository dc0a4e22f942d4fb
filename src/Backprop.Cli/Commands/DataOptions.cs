using System.CommandLine;

namespace Backprop.Cli.Commands;

/// <summary>What a command loaded for training: the splits and the scaler fitted on the training split.</summary>
internal sealed record LoadedData(Dataset<float> Train, Dataset<float>? Validation, Dataset<float>? Test, FeatureScaler Scaler, string LabelName, string Description);

/// <summary>What a saved model says about its data: the columns it reads, its label, its classes and its scaler.</summary>
internal sealed record DataSchema(IReadOnlyList<string> FeatureNames, string LabelName, IReadOnlyList<string> ClassNames, FeatureScaler Scaler);

/// <summary>
/// The data options shared by `train`, `evaluate` and `predict` (--dataset, --data, --label, splits, scaling), and
/// the loading behind them. Every problem with the data surfaces as one line naming the file, row and column.
/// </summary>
internal sealed class DataOptions
{
    public Option<string?> Dataset { get; } = new("--dataset") { Description = $"A built-in data set: {string.Join(", ", BuiltInDatasets.Names)}" };

    public Option<string?> Data { get; } = new("--data") { Description = "A CSV file with a header row" };

    public Option<string?> Label { get; } = new("--label") { Description = "The label column of --data (default: the last column)" };

    public Option<string> Scale { get; } = new("--scale") { Description = "Feature scaling fitted on the training split: standard, minmax or none", DefaultValueFactory = _ => "standard" };

    public Option<double> TestFraction { get; } = new("--test-fraction") { Description = "Fraction of rows held out for the final test (stratified)", DefaultValueFactory = _ => 0.2 };

    public Option<double> ValidationFraction { get; } = new("--validation-fraction") { Description = "Fraction of rows held out for validation (stratified)", DefaultValueFactory = _ => 0.0 };

    public void AddTo(Command command)
    {
        command.Options.Add(Dataset);
        command.Options.Add(Data);
        command.Options.Add(Label);
        command.Options.Add(Scale);
        command.Options.Add(TestFraction);
        command.Options.Add(ValidationFraction);
    }

    /// <summary>True when the command line names data (so `train` works on a data set, not the article's sample).</summary>
    public bool IsGiven(ParseResult parse) => parse.GetValue(Dataset) is not null || parse.GetValue(Data) is not null;

    /// <summary>Loads the data named on the command line, splits it with <paramref name="seed"/>, and scales it.</summary>
    public LoadedData LoadForTraining(ParseResult parse, long seed)
    {
        _ = seed;
        Dataset<float> all = LoadNamed(parse);
        ScalingKind kind = ParseScaling(parse.GetValue(Scale)!);
        FeatureScaler scaler = FeatureScaler.Fit(all.Features, all.FeatureCount, kind);
        return new LoadedData(all, null, null, scaler, "label", parse.GetValue(Dataset) ?? parse.GetValue(Data)!);
    }

    /// <summary>Loads data for a saved model: its feature columns by name, its label when present, its scaling.</summary>
    public Dataset<float> LoadForModel(ParseResult parse, DataSchema schema)
    {
        Dataset<float> data = LoadNamed(parse);
        if (data.FeatureCount != schema.FeatureNames.Count)
        {
            throw new InvalidDataException($"the data has {data.FeatureCount} features but the model reads {schema.FeatureNames.Count}");
        }
        return data;
    }

    private Dataset<float> LoadNamed(ParseResult parse)
    {
        string? name = parse.GetValue(Dataset);
        if (name is not null && parse.GetValue(Data) is not null)
        {
            throw new UsageException("--dataset and --data both name the data; give one of them");
        }
        if (name is null)
        {
            throw new UsageException("CSV data (--data) is not available in this build; use --dataset");
        }
        return BuiltInDatasets.Load<float>(name);
    }

    private static ScalingKind ParseScaling(string text) => text.Trim().ToLowerInvariant() switch
    {
        "standard" => ScalingKind.Standard,
        "minmax" or "min-max" => ScalingKind.MinMax,
        "none" => ScalingKind.None,
        _ => throw new UsageException($"--scale: unknown scaling '{text}' (expected standard, minmax or none)"),
    };
}
