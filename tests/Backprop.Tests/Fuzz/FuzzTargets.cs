using System.IO.Compression;
using System.Text;
using Backprop.Tests.Data;
using Backprop.Tests.Serialization;

namespace Backprop.Tests.Fuzz;

/// <summary>
/// Every file reader with its seed corpus (small valid files, written by the library where it writes them) and the
/// invariants an accepted input must satisfy. A new reader (ONNX, safetensors) is one more line in <see cref="All"/>.
/// </summary>
internal static class FuzzTargets
{
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new("csv", CsvCorpus, paths => CsvDatasetReader.Read<float>(paths[0]), result => DatasetGarbage((Dataset<float>)result!)),
        new("csv-labels", LabelsCorpus, paths => CsvDatasetReader.Read<float>(paths[0], new CsvDatasetOptions { Labels = ["a", "b"] }),
            result => DatasetGarbage((Dataset<float>)result!)),
        new("idx", IdxCorpus, paths => IdxReader.Load<float>(paths[0], paths[1]), result => DatasetGarbage((Dataset<float>)result!)),
        new("model", ModelCorpus, paths => ModelFile.Load(paths[0]), result => ModelGarbage((Model)result!)),
        new("checkpoint", CheckpointCorpus, paths => TrainingCheckpoint.Load(paths[0]), result => CheckpointGarbage((TrainingCheckpoint)result!)),
        new("weights", WeightsCorpus, ReadWeights, result => ParameterGarbage("the network", (float[])result!)),
    ];

    public static FuzzTarget Named(string name) => All.Single(t => t.Name == name);

    private static FuzzSeed One(string name, byte[] bytes) => new(name, [new FuzzFile(name, bytes)]);

    private static byte[] Gzip(byte[] data) => IdxFiles.Gzip(data);

    private static IReadOnlyList<FuzzSeed> CsvCorpus()
    {
        var iris = new StringBuilder("sepal_length,sepal_width,petal_length,petal_width,species\n");
        string[] species = ["setosa", "versicolor", "virginica"];
        var rng = new Rng(11);
        for (int r = 0; r < 12; r++)
        {
            iris.Append(string.Join(",", Enumerable.Range(0, 4).Select(_ => (1 + Math.Round(rng.NextDouble() * 6, 1)).ToString(System.Globalization.CultureInfo.InvariantCulture))))
                .Append(',').Append(species[r % 3]).Append('\n');
        }
        byte[] plain = Encoding.UTF8.GetBytes(iris.ToString());
        byte[] quoted = Encoding.UTF8.GetBytes("\"x 1\",\"x, 2\",\"class\"\r\n\"1.5\",\"-2e3\",\"a \"\"b\"\"\"\r\n0.25,7,\"c,d\"\r\n-1,0,\"a \"\"b\"\"\"\r\n3,4,\"c,d\"\r\n");
        byte[] semicolon = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("a;b;c;label\n1;2;3;0\n4;5;6;1\n7;8;9;0\n1e-3;-0;5;1\n")];
        byte[] unicode = Encoding.UTF8.GetBytes("größe,länge,art\n1,2,café\n3,4,cafè\n5,6,café\n7,8,茶\n");
        return [One("iris.csv", plain), One("quoted.csv", quoted), One("semicolon.csv", semicolon), One("unicode.csv", unicode), One("iris.csv.gz", Gzip(plain))];
    }

    // Two label columns: yes/no pairs (multi-label) and numbers (regression), with a missing label to drop.
    private static IReadOnlyList<FuzzSeed> LabelsCorpus()
    {
        byte[] multi = Encoding.UTF8.GetBytes("x,a,y,b\n1.5,yes,2,0\n-3,no,4,1\n0.25,Yes,1e2,true\n7,NO,8,False\n9,,1,0\n");
        byte[] regression = Encoding.UTF8.GetBytes("a,x,b\n1.5,2,-0.5\n2.5,3,1e3\n-7,4,NA\n3,5,0.125\n");
        return [One("multi.csv", multi), One("regression.csv", regression)];
    }

    private static IReadOnlyList<FuzzSeed> IdxCorpus()
    {
        byte[] images = IdxFiles.Images(6, 4, 5, i => (byte)(i * 37));
        byte[] labels = IdxFiles.Labels(0, 1, 2, 1, 0, 2);
        return
        [
            new("plain", [new("images-idx3-ubyte", images), new("labels-idx1-ubyte", labels)]),
            new("gzip", [new("images-idx3-ubyte.gz", Gzip(images)), new("labels-idx1-ubyte.gz", Gzip(labels))]),
            new("mixed", [new("images-idx3-ubyte.gz", Gzip(images)), new("labels-idx1-ubyte", labels)]),
        ];
    }

    private static IReadOnlyList<FuzzSeed> ModelCorpus()
    {
        string dir = TestData.TempDirectory();
        try
        {
            string standard = Path.Combine(dir, "standard.json");
            SampleFiles.Model.Save(standard);
            string minmax = Path.Combine(dir, "minmax.json");
            Classifier.Fit(TestData.Blobs(10, classes: 4, features: 3), new ClassifierOptions { HiddenLayers = [3, 2], Epochs = 2, Scaling = ScalingKind.MinMax, Seed = 3 }).Save(minmax);
            string regression = Path.Combine(dir, "regression.json");
            Regressor.Fit(new Dataset<float>([1, 2, 3, 4, 5, 6], 2, [0.5f, 1.5f, 9], 1), new ClassifierOptions { HiddenLayers = [2], Epochs = 2, Loss = new Huber(0.5), Seed = 3 }).Save(regression);
            string multi = Path.Combine(dir, "multilabel.json");
            MultiLabelClassifier.Fit(new Dataset<float>([1, 2, 3, 4, 5, 6], 2, [0f, 1, 1, 1, 0, 0], 2) { Task = LearningTask.MultiLabel },
                new ClassifierOptions { HiddenLayers = [2], Epochs = 2, DecisionThreshold = 0.3, Seed = 3 }).Save(multi);
            return [One("standard.json", File.ReadAllBytes(standard)), One("minmax.json", File.ReadAllBytes(minmax)),
                One("regression.json", File.ReadAllBytes(regression)), One("multilabel.json", File.ReadAllBytes(multi))];
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static IReadOnlyList<FuzzSeed> CheckpointCorpus()
    {
        string dir = TestData.TempDirectory();
        try
        {
            string adam = Path.Combine(dir, "adam.json");
            SampleFiles.WriteCheckpoint(adam);
            string nesterov = Path.Combine(dir, "nesterov.json");
            (Dataset<float> train, _) = SampleFiles.CheckpointData();
            var run = new ClassifierRun(new ClassifierOptions { HiddenLayers = [3], Optimizer = "nesterov", LearningRate = 0.05, Epochs = 2, Seed = 2 }, train, null);
            run.Trainer.Fit(train);
            run.Trainer.CreateCheckpoint(new Dictionary<string, string> { ["optimizer"] = "nesterov" }).Save(nesterov);
            return [One("adam.json", Untimed(adam)), One("nesterov.json", Untimed(nesterov))];
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>The file with each epoch's measured seconds set to 0.5, so that the corpus, and every mutant, is the same in every run.</summary>
    private static byte[] Untimed(string path)
        => Encoding.UTF8.GetBytes(System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(path), "\"seconds\":[-+.0-9eE]+", "\"seconds\":0.5"));

    private static IReadOnlyList<FuzzSeed> WeightsCorpus()
    {
        string text = SampleFiles.WeightsText();
        string column = "// numpy's column biases, a comment and a trailing comma\n{\"W1\": [[0.5, -0.25], [1, 2], [3e-2, -4]], \"b1\": [[0.1], [0.2], [0.3],],\n \"W2\": [[1, 1, 1], [-1, -1, -1]], \"b2\": [0, 0]}\n";
        return [One("weights.json", Encoding.UTF8.GetBytes(text)), One("column.json", Encoding.UTF8.GetBytes(column))];
    }

    private static float[] ReadWeights(IReadOnlyList<string> paths)
    {
        var network = new Network<float>([2, 3, 2], [Activation.Sigmoid, Activation.Sigmoid], Loss.MeanSquaredError);
        WeightsFile.Load(paths[0], network);
        return network.Parameters.ToArray();
    }

    private static string? DatasetGarbage(Dataset<float> data)
    {
        if (data.FeatureCount < 1 || data.FeatureNames.Count != data.FeatureCount)
        {
            return $"{data.FeatureCount} features named by {data.FeatureNames.Count} names";
        }
        if (data.Features.Length != (long)data.Count * data.FeatureCount)
        {
            return $"{data.Features.Length} feature values for {data.Count} rows of {data.FeatureCount}";
        }
        for (int i = 0; i < data.Features.Length; i++)
        {
            if (!float.IsFinite(data.Features[i]))
            {
                return $"feature value {i} is {data.Features[i]}";
            }
        }
        if (data.IsClassification)
        {
            if (data.ClassNames.Count != data.OutputCount || data.Labels.Length != data.Count)
            {
                return $"{data.OutputCount} classes named by {data.ClassNames.Count} names, {data.Labels.Length} labels for {data.Count} rows";
            }
            foreach (int label in data.Labels)
            {
                if (label < 0 || label >= data.OutputCount)
                {
                    return $"label {label} outside 0..{data.OutputCount - 1}";
                }
            }
        }
        else if (data.IsLabelled)
        {
            if (data.TargetNames.Count != data.OutputCount || data.Targets.Length != (long)data.Count * data.OutputCount)
            {
                return $"{data.OutputCount} targets named by {data.TargetNames.Count} names, {data.Targets.Length} target values for {data.Count} rows";
            }
            foreach (float t in data.Targets)
            {
                if (!float.IsFinite(t) || (data.Task == LearningTask.MultiLabel && t is not (0f or 1f)))
                {
                    return $"target value {t} in a {data.Task} set";
                }
            }
        }
        return NamesGarbage("feature names", data.FeatureNames) ?? NamesGarbage("class names", data.ClassNames) ?? NamesGarbage("target names", data.TargetNames);
    }

    /// <summary>Names must be non-blank, distinct, and free of U+FFFD (the mark of bytes that were not UTF-8, silently replaced).</summary>
    private static string? NamesGarbage(string what, IReadOnlyList<string> names)
    {
        if (names.FirstOrDefault(n => string.IsNullOrWhiteSpace(n) || n.Contains('\uFFFD', StringComparison.Ordinal)) is string bad)
        {
            return $"{what} include '{bad}'";
        }
        return names.Distinct(StringComparer.Ordinal).Count() != names.Count ? $"{what} are not distinct: {string.Join(", ", names)}" : null;
    }

    private static string? ParameterGarbage(string what, ReadOnlySpan<float> parameters)
    {
        for (int i = 0; i < parameters.Length; i++)
        {
            if (!float.IsFinite(parameters[i]))
            {
                return $"{what}'s parameter {i} is {parameters[i]}";
            }
        }
        return null;
    }

    private static string? ModelGarbage(Model model)
    {
        string? problem = ParameterGarbage("the model", model.Network.Parameters)
            ?? NamesGarbage("feature names", model.FeatureNames) ?? NamesGarbage("class names", model.ClassNames) ?? NamesGarbage("label names", model.LabelNames);
        if (problem is not null)
        {
            return problem;
        }
        int outputs = model.Task == LearningTask.Classification ? model.ClassNames.Count : model.LabelNames.Count;
        if (model.FeatureNames.Count != model.Network.InputSize || outputs != model.Network.OutputSize || model.Scaler.FeatureCount != model.Network.InputSize)
        {
            return "the names or the scaler disagree with the network's sizes";
        }
        if (model.Scaler.Scale.Any(s => !(s > 0) || !double.IsFinite(s)) || model.Scaler.Offset.Any(o => !double.IsFinite(o))
            || (model.TargetScaler is { } t && (t.Scale.Any(s => !(s > 0) || !double.IsFinite(s)) || t.Offset.Any(o => !double.IsFinite(o))))
            || !(model.DecisionThreshold > 0 && model.DecisionThreshold < 1))
        {
            return "a scaler value is not finite, or a scale not positive";
        }
        // An accepted model must save and read back the same: nothing in it is beyond what the format can hold.
        string dir = TestData.TempDirectory();
        try
        {
            string path = Path.Combine(dir, "again.json");
            model.Save(path);
            return Model.Load(path).Network.Parameters.SequenceEqual(model.Network.Parameters) ? null : "saved and read back, the parameters differ";
        }
        catch (Exception e) when (e is InvalidOperationException or InvalidDataException)
        {
            return $"accepted, but saving and reading it back fails: {e.Message}";
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static string? CheckpointGarbage(TrainingCheckpoint c)
    {
        if (c.Epoch < 1 || c.Sizes.Count < 2 || c.Sizes.Any(s => s < 1) || c.Activations.Count != c.Sizes.Count - 1)
        {
            return $"epoch {c.Epoch}, sizes {string.Join(",", c.Sizes)}, {c.Activations.Count} activations";
        }
        long count = 0;
        for (int l = 0; l + 1 < c.Sizes.Count; l++)
        {
            count += ((long)c.Sizes[l] + 1) * c.Sizes[l + 1];
        }
        if (c.Parameters.Length != count || c.OptimizerState.Any(b => b.Length != count) || (c.BestParameters is not null && c.BestParameters.Length != count))
        {
            return $"{c.Parameters.Length} parameters (or optimizer state of another length) for sizes needing {count}";
        }
        IEnumerable<double> values = c.Parameters.Concat(c.OptimizerState.SelectMany(b => b)).Concat(c.BestParameters ?? []);
        if (values.Any(v => !double.IsFinite(v) || Math.Abs(v) > float.MaxValue))
        {
            return "a parameter or optimizer value is not finite";
        }
        if (c.OptimizerSteps < 0 || c.Wait < 0 || c.BestEpoch < 0 || c.BestEpoch > c.Epoch || !(c.BestLoss >= 0) || !(c.LearningRate >= 0) || !double.IsFinite(c.LearningRate))
        {
            return $"steps {c.OptimizerSteps}, wait {c.Wait}, best epoch {c.BestEpoch}, best loss {c.BestLoss}, learning rate {c.LearningRate}";
        }
        if (c.History.Count < c.Epoch || c.History.Count > c.Epoch + 1)
        {
            return $"{c.History.Count} history entries at epoch {c.Epoch}";
        }
        string dir = TestData.TempDirectory();
        try
        {
            string path = Path.Combine(dir, "again.json");
            c.Save(path);
            TrainingCheckpoint again = TrainingCheckpoint.Load(path);
            return again.Parameters.SequenceEqual(c.Parameters) && again.Settings.Count == c.Settings.Count ? null : "saved and read back, the checkpoint differs";
        }
        catch (InvalidDataException e)
        {
            return $"accepted, but saving and reading it back fails: {e.Message}";
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
