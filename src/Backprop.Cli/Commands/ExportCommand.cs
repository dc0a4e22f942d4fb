using System.CommandLine;
using Backprop.Serialization.Onnx;
using Backprop.Serialization.Safetensors;

namespace Backprop.Cli.Commands;

/// <summary>
/// `backprop export --model m.json --format onnx|safetensors --out FILE`: the model for other runtimes. ONNX carries the
/// whole model (scaler, layers, probabilities and class names); safetensors carries the weights under PyTorch's names and
/// the architecture in its metadata. See docs/interop.md.
/// </summary>
internal static class ExportCommand
{
    public static readonly string[] Formats = ["onnx", "safetensors"];

    public static Command Create(CliIO io)
    {
        var model = new Option<string?>("--model") { Description = "The model file written by 'backprop train --out'" };
        var format = new Option<string?>("--format") { Description = "onnx or safetensors (default: from the --out extension)" };
        var output = new Option<string?>("--out") { Description = "The file to write (.onnx or .safetensors)" };
        var command = new Command("export", "Export a trained model to ONNX (ONNX Runtime, ML.NET, browsers) or safetensors (PyTorch).")
        {
            model, format, output,
        };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(output) ?? throw new UsageException("--out is required: the file to write (.onnx or .safetensors)");
            string kind = Format(parse.GetValue(format), path);
            Model m = ModelData.LoadModel(parse.GetValue(model));
            if (kind == "onnx")
            {
                OnnxFile.Export(m, path);
            }
            else
            {
                SafetensorsFile.Export(m, path);
            }
            io.Error.WriteLine($"wrote {path} ({kind})");
            return Cli.Ok;
        });
        return command;
    }

    private static string Format(string? given, string path)
    {
        if (given is not null)
        {
            string lower = given.Trim().ToLowerInvariant();
            return Formats.Contains(lower) ? lower
                : throw new UsageException($"--format '{given}' is unknown (known: {string.Join(", ", Formats)})");
        }
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".onnx" => "onnx",
            ".safetensors" => "safetensors",
            _ => throw new UsageException($"--format is required when --out does not end in .onnx or .safetensors (known: {string.Join(", ", Formats)})"),
        };
    }
}
