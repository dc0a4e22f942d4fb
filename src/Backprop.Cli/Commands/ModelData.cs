namespace Backprop.Cli.Commands;

/// <summary>Loads a model named by --model and the data it should read, through the shared data options.</summary>
internal static class ModelData
{
    public static Model LoadModel(string? path)
    {
        if (path is null)
        {
            throw new UsageException("--model is required: the model file written by 'backprop train --out'");
        }
        return ModelFile.Load(path);
    }

    /// <summary>
    /// What the model says about its data, for <see cref="DataOptions.LoadForModel"/>: its columns, classes and scaler,
    /// and the split it was trained with when it recorded one (so `evaluate --dataset NAME` scores the held-out rows).
    /// </summary>
    public static DataSchema Schema(Model model) => new(model.FeatureNames, model.LabelName, model.ClassNames, model.Scaler)
    {
        Split = RecordedSplit(model),
        Task = model.Task,
        LabelNames = model.LabelNames,
        TargetScaler = model.TargetScaler,
        Preprocessing = model.Preprocessing,
    };

    /// <summary>--decision-threshold: a probability in (0, 1), or null when not given.</summary>
    public static double? Threshold(double? value)
        => value is null or (> 0 and < 1) ? value
            : throw new UsageException($"--decision-threshold must be in (0, 1) (got {value.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)})");

    /// <summary>
    /// The data for the model, its features rescaled with the model's scaler; checked against the model's width.
    /// With <paramref name="labelsRequired"/> false (predict) the label column may be absent.
    /// </summary>
    public static Dataset<float> Load(System.CommandLine.ParseResult parse, DataOptions options, Model model, bool labelsRequired = true)
    {
        if (!options.IsGiven(parse))
        {
            throw new UsageException("no data: give --data FILE or --dataset NAME");
        }
        Dataset<float> data = labelsRequired
            ? options.LoadForModel(parse, Schema(model))
            : options.LoadFeaturesForModel(parse, Schema(model)).Data;
        if (data.FeatureCount != model.FeatureNames.Count)
        {
            throw new InvalidDataException($"the data has {data.FeatureCount} features but the model reads {model.FeatureNames.Count} ({string.Join(", ", model.FeatureNames)})");
        }
        return data;
    }

    private static SplitRecipe? RecordedSplit(Model model)
    {
        IReadOnlyDictionary<string, string> o = model.TrainingOptions;
        if (o.TryGetValue("test_fraction", out string? test) && o.TryGetValue("validation_fraction", out string? validation)
            && o.TryGetValue("split_seed", out string? seed)
            && double.TryParse(test, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double t)
            && double.TryParse(validation, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v)
            && long.TryParse(seed, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out long s))
        {
            return new SplitRecipe(t, v, s);
        }
        return null;
    }
}
