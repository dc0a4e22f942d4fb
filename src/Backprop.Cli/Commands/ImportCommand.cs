using System.CommandLine;
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
        var command = new Command("import", "Import a model from safetensors (written by 'backprop export') or ONNX (a multilayer perceptron) into a model file.")
        {
            input, output,
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
                _ => throw new UsageException($"{path}: unknown file type '{Path.GetExtension(path)}' (known: .safetensors, .onnx)"),
            };
            m.Save(target);
            io.Error.WriteLine($"wrote {target} ({m.Network.Sizes.Length - 1} layers, {m.FeatureNames.Count} features, {m.ClassNames.Count} classes)");
            return Cli.Ok;
        });
        return command;
    }
}
