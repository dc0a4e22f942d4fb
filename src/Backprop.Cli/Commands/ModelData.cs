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

    /// <summary>What the model says about its data, for <see cref="DataOptions.LoadForModel"/>.</summary>
    public static DataSchema Schema(Model model) => new(model.FeatureNames, model.LabelName, model.ClassNames, model.Scaler);

    /// <summary>The data for the model, its features rescaled with the model's scaler; checked against the model's width.</summary>
    public static Dataset<float> Load(System.CommandLine.ParseResult parse, DataOptions options, Model model)
    {
        if (!options.IsGiven(parse))
        {
            throw new UsageException("no data: give --data FILE or --dataset NAME");
        }
        Dataset<float> data = options.LoadForModel(parse, Schema(model));
        if (data.FeatureCount != model.FeatureNames.Count)
        {
            throw new InvalidDataException($"the data has {data.FeatureCount} features but the model reads {model.FeatureNames.Count} ({string.Join(", ", model.FeatureNames)})");
        }
        return data;
    }
}
