using System.CommandLine;
using Backprop.Serialization.Onnx;
using Backprop.Serialization.Safetensors;

namespace Backprop.Cli.Commands;

/// <summary>
/// `backprop import FILE --out m.json`: reads a model exported to safetensors by Backprop (or an ONNX multilayer perceptron)
/// into an ordinary model file, which evaluate, predict and explain then use.
/// </summary>
internal static class ImportCommand
{
    public static Command Create(CliIO io)
    {
        var input = new Argument<string>("file") { Description = "The .safetensors or .onnx file to read" };
        var output = new Option<string?>("--out") { Description = "The model file to write (.json)" };
        var features = new Option<string?>("--features") { Description = "Name the input columns, comma-separated (default: the file's names, else x0, x1, … or pixel0, … for images)" };
        var classes = new Option<string?>("--classes") { Description = "Name the classes, comma-separated, in output order (default: the file's names, else 0, 1, …)" };
        var label = new Option<string?>("--label") { Description = "Name the label column (default: the file's name, else 'label')" };
        var command = new Command("import", "Import a model from safetensors (written by 'backprop export') or ONNX (a multilayer perceptron) into a model file.")
        {
            input, output, features, classes, label,
        };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(input)!;
            string target = parse.GetValue(output) ?? throw new UsageException("--out is required: the model file to write (.json)");
            if (!string.Equals(Path.GetExtension(target), ".json", StringComparison.OrdinalIgnoreCase))
            {
                throw new UsageException($"--out {target}: model files end in .json");
            }
            Model m = Path.GetExtension(path).ToLowerInvariant() switch
            {
                ".safetensors" => SafetensorsFile.Import(path),
                ".onnx" => OnnxFile.Import(path),
                _ => throw new UsageException($"{path}: unknown file type '{Path.GetExtension(path)}' (known: .safetensors, .onnx)"),
            };
            m = Rename(m, parse.GetValue(features), parse.GetValue(classes), parse.GetValue(label));
            m.Save(target);
            io.Error.WriteLine($"wrote {target} ({m.Network.Sizes.Length - 1} layers, {m.FeatureNames.Count} features, {m.ClassNames.Count} classes)");
            return Cli.Ok;
        });
        return command;
    }

    private static Model Rename(Model m, string? features, string? classes, string? label)
    {
        if (features is null && classes is null && label is null)
        {
            return m;
        }
        string[] featureNames = features is null ? [.. m.FeatureNames] : Names(features);
        string[] classNames = classes is null ? [.. m.ClassNames] : Names(classes);
        if (featureNames.Length != m.FeatureNames.Count)
        {
            throw new UsageException($"--features names {featureNames.Length} columns but the model reads {m.FeatureNames.Count}");
        }
        if (classNames.Length != m.ClassNames.Count)
        {
            throw new UsageException($"--classes names {classNames.Length} classes but the model has {m.ClassNames.Count} outputs");
        }
        return new Model(m.Network, featureNames, label ?? m.LabelName, classNames, m.Scaler, m.TrainingOptions, m.Metrics);
    }

    private static string[] Names(string text) => [.. text.Split(',').Select(n => n.Trim())];
}
