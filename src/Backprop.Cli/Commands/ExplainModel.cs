using System.CommandLine;
using System.Globalization;
using Backprop.Explain;

namespace Backprop.Cli.Commands;

/// <summary>The options of `explain --model`: the model file, and the row as --input or as --data/--dataset with --row.</summary>
/// <param name="Path">The model file.</param>
/// <param name="Row">--row, counting from 1.</param>
/// <param name="LearningRate">--lr when it was given.</param>
/// <param name="Input">--input: raw features.</param>
/// <param name="Target">--target: a class name or index.</param>
/// <param name="Data">The shared data options.</param>
/// <param name="Parse">The command line, for <paramref name="Data"/>.</param>
internal sealed record ExplainModelOptions(string Path, int? Row, double? LearningRate, string? Input, string? Target, DataOptions Data, ParseResult Parse);

/// <summary>What explain needs for one step from a model: the network in double, the batch of one row, η, and the context.</summary>
internal sealed record ModelBatch(Network<double> Network, double[] X, double[] T, double LearningRate, ModelRow Row);

/// <summary>
/// Prepares `explain --model`: loads the model, takes the row (raw features from --input, or row N of --data/--dataset
/// read through the shared data options), rescales it with the model's scaler exactly as training saw its rows
/// (in single precision), picks the target class, and widens the network's parameters to double.
/// </summary>
internal static class ExplainModel
{
    /// <summary>η when neither --lr nor the model file gives one.</summary>
    public const double DefaultLearningRate = 0.1;

    public static ModelBatch Build(ExplainModelOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        bool dataGiven = o.Data.IsGiven(o.Parse);
        if (dataGiven && o.Input is not null)
        {
            throw new UsageException("--input and --data/--dataset both give the row to explain; give one of them");
        }
        if (!dataGiven && o.Input is null)
        {
            throw new UsageException("--model needs a row to explain: --input x1,x2,… (raw features) or --data FILE / --dataset NAME with --row N");
        }
        if (!dataGiven && o.Row is not null)
        {
            throw new UsageException("--row picks a row of --data or --dataset; give one of them, or the raw features with --input");
        }
        if (o.LearningRate is double given)
        {
            OptionValues.Positive("--lr", given);
        }

        Model model = ModelFile.Load(o.Path);
        if (model.Task != LearningTask.Classification)
        {
            throw new UsageException($"explain --model explains classifiers; {o.Path} is a {DataOptions.TaskName(model.Task)} model");
        }
        if (model.Network.Layers.Any(l => l is BatchNorm<float>))
        {
            throw new NotSupportedException($"{o.Path}: explain cannot show a batch-norm layer yet; explain a model trained without --batch-norm");
        }
        int features = model.FeatureNames.Count;
        float[] raw;
        int? label = null;
        RowOrigin origin = RowOrigin.Input;
        string sourceName = "";
        int row = 0;
        int rowCount = 0;
        long? splitSeed = null;
        if (o.Input is not null)
        {
            if (o.Input.Contains(';', StringComparison.Ordinal))
            {
                throw new UsageException("--input with --model takes one row of raw features (no ';')");
            }
            double[] values = OptionValues.Numbers("--input", o.Input);
            if (values.Length != features)
            {
                throw new UsageException($"--input has {values.Length} values but the model {o.Path} reads {features} features ({NameList.Abbreviate(model.FeatureNames)})");
            }
            raw = [.. values.Select(v => (float)v)];
        }
        else
        {
            if (o.Row is null)
            {
                throw new UsageException("--row N is needed with --data or --dataset: the row to explain, counting from 1");
            }
            // The rows in the model's columns, classes and split, but not yet rescaled: the explanation shows that step.
            DataSchema schema = ModelData.Schema(model) with { Scaler = Identity(features) };
            ModelInput input = o.Data.LoadFeaturesForModel(o.Parse, schema);
            Dataset<float> data = input.Data;
            if (data.FeatureCount != features)
            {
                throw new InvalidDataException($"the data has {data.FeatureCount} features but the model reads {features} ({NameList.Abbreviate(model.FeatureNames)})");
            }
            row = o.Row.Value;
            rowCount = data.Count;
            if (row < 1 || row > rowCount)
            {
                throw new UsageException($"--row {row} is out of range: {input.Description}; give a row from 1 to {rowCount}");
            }
            raw = data.Row(row - 1).ToArray();
            if (input.HasLabels && data.IsClassification)
            {
                label = data.Labels[row - 1];
            }
            string? dataset = o.Parse.GetValue(o.Data.Dataset);
            sourceName = dataset ?? o.Parse.GetValue(o.Data.Data)!;
            if (dataset is null)
            {
                origin = RowOrigin.DataFile;
            }
            else if (dataset.Trim().StartsWith("fashion", StringComparison.OrdinalIgnoreCase))
            {
                origin = RowOrigin.DatasetTestSet;
            }
            else if (schema.Split is { } split)
            {
                origin = RowOrigin.DatasetSplit;
                splitSeed = split.Seed;
            }
            else
            {
                origin = RowOrigin.Dataset;
            }
        }

        int target;
        bool fromLabel = false;
        if (o.Target is not null)
        {
            target = ClassOf(o.Target, model.ClassNames);
        }
        else if (label is int l)
        {
            target = l;
            fromLabel = true;
        }
        else
        {
            throw new UsageException(o.Input is not null
                ? $"--target is needed with --input: the class to train towards, by name or index ({ClassList(model.ClassNames)})"
                : $"row {row} of {sourceName} has no label; give the class to train towards with --target ({ClassList(model.ClassNames)})");
        }

        // Exactly what training fed the network: the scaler's arithmetic, stored in single precision.
        float[] scaled = [.. raw];
        model.Scaler.Apply<float>(scaled);
        double[] x = [.. scaled.Select(v => (double)v)];
        var t = new double[model.ClassNames.Count];
        t[target] = 1;

        (double eta, LearningRateOrigin etaOrigin) = LearningRate(o.LearningRate, model);
        var context = new ModelRow(o.Path, origin, sourceName, row, rowCount, splitSeed, model.FeatureNames,
            [.. raw.Select(Shortest)], model.Scaler, x, target, model.ClassNames[target], fromLabel, etaOrigin, TrainingExtras(model));
        return new ModelBatch(ModelNetwork.ToDouble(model.Network), x, t, eta, context);
    }

    /// <summary>A class by its name in the model, else by its index from 0.</summary>
    public static int ClassOf(string text, IReadOnlyList<string> classNames)
    {
        string name = text.Trim();
        for (int c = 0; c < classNames.Count; c++)
        {
            if (string.Equals(classNames[c], name, StringComparison.Ordinal))
            {
                return c;
            }
        }
        int[] folded = [.. Enumerable.Range(0, classNames.Count).Where(c => string.Equals(classNames[c], name, StringComparison.OrdinalIgnoreCase))];
        if (folded.Length == 1)
        {
            return folded[0];
        }
        if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
        {
            if (index < classNames.Count)
            {
                return index;
            }
            throw new UsageException($"--target: class index {name} is out of range; the model has {classNames.Count} classes, 0 to {classNames.Count - 1} ({ClassList(classNames)})");
        }
        throw new UsageException($"--target: '{name}' is not one of the model's classes ({ClassList(classNames)}) nor a class index");
    }

    private static string ClassList(IReadOnlyList<string> classNames) => NameList.Abbreviate(classNames);

    private static (double, LearningRateOrigin) LearningRate(double? given, Model model)
    {
        if (given is double eta)
        {
            return (eta, LearningRateOrigin.Option);
        }
        if (model.TrainingOptions.TryGetValue("learning_rate", out string? text)
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double recorded)
            && recorded > 0 && double.IsFinite(recorded))
        {
            return (recorded, LearningRateOrigin.Model);
        }
        return (DefaultLearningRate, LearningRateOrigin.Default);
    }

    /// <summary>
    /// The model's training settings that one plain gradient-descent step does not reproduce, as name=value items
    /// from the model file (empty for plain SGD without extras).
    /// </summary>
    private static string[] TrainingExtras(Model model)
    {
        IReadOnlyDictionary<string, string> o = model.TrainingOptions;
        var extras = new List<string>();
        void Add(string key, Func<string, bool> differs)
        {
            if (o.TryGetValue(key, out string? value) && differs(value))
            {
                extras.Add($"{key}={value}");
            }
        }
        static bool NonZero(string v) => !double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) || d != 0;
        Add("optimizer", v => v != "sgd");
        Add("weight_decay", NonZero);
        Add("dropout", NonZero);
        Add("class_weights", v => v != "none");
        Add("schedule", v => v != "constant");
        return [.. extras];
    }

    private static FeatureScaler Identity(int features) => new(ScalingKind.None, new double[features], [.. Enumerable.Repeat(1.0, features)]);

    // A raw feature as it was written (5.1, not 5.0999999), for display; the computation uses the float itself.
    private static double Shortest(float value) => double.Parse(value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
