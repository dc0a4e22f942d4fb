using Backprop.Interop;

namespace Backprop.Serialization.Safetensors;

/// <summary>
/// A <see cref="Model"/> as a safetensors file PyTorch can load: the weights as nn.Sequential state-dict tensors
/// ("0.weight" [out, in], "0.bias" [out], "2.weight", …, F32) and the architecture, feature and class names and scaler in
/// the header's __metadata__ (strings). Reading checks the header length (at most 100 MB), UTF-8 JSON, dtypes, shapes
/// against byte lengths and offsets (inside the data, non-overlapping, covering it).
/// </summary>
public static class SafetensorsFile
{
    /// <summary>Writes <paramref name="model"/> to <paramref name="stream"/>.</summary>
    /// <exception cref="NotSupportedException">The model has a layer safetensors export cannot express (batch norm).</exception>
    public static void Export(Model model, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        SafetensorsFormat.Write(ModelParts.From(model, "safetensors"), stream);
    }

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> through a temporary file, so no half-written file is left.</summary>
    /// <exception cref="NotSupportedException">The model has a layer safetensors export cannot express (batch norm).</exception>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    public static void Export(Model model, string path)
    {
        ModelParts parts = ModelParts.From(model, "safetensors");
        AtomicFile.Write(path, stream => SafetensorsFormat.Write(parts, stream));
    }

    /// <summary>Reads a model written by <see cref="Export(Model, Stream)"/>; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">The file is malformed or hostile, or is not a Backprop model (one line naming the tensor and the problem).</exception>
    public static Model Import(Stream stream, string source = "safetensors")
    {
        ArgumentNullException.ThrowIfNull(stream);
        return SafetensorsFormat.Read(stream, source).ToModel(source);
    }

    /// <summary>Reads a model from a safetensors file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is malformed or hostile (one line naming the file, the tensor and the problem).</exception>
    public static Model Import(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such file", path);
        }
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return Import(stream, path);
    }
}
