using Backprop.Interop;

namespace Backprop.Serialization.Onnx;

/// <summary>
/// ONNX export of a <see cref="Model"/>: one graph from raw features to class probabilities, the predicted class index
/// and its name, readable by ONNX Runtime (IR version 8, opset 17, ai.onnx.ml 2), ML.NET's ApplyOnnxModel and
/// onnxruntime-web. See docs/interop.md.
/// </summary>
public static class OnnxFile
{
    /// <summary>The input's name: float [N, features], raw values in <see cref="Model.FeatureNames"/> order.</summary>
    public const string InputName = OnnxExporter.InputName;

    /// <summary>The output holding class probabilities, float [N, classes] in <see cref="Model.ClassNames"/> order.</summary>
    public const string ProbabilitiesName = OnnxExporter.ProbabilitiesName;

    /// <summary>The output holding the most probable class index, int64 [N].</summary>
    public const string ClassIndexName = OnnxExporter.ClassIndexName;

    /// <summary>The output holding the most probable class name, string [N].</summary>
    public const string ClassName = OnnxExporter.ClassName;

    /// <summary>Writes <paramref name="model"/> as ONNX to <paramref name="stream"/>.</summary>
    /// <exception cref="NotSupportedException">The model has a part ONNX export cannot express.</exception>
    public static void Export(Model model, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        OnnxExporter.Write(ModelParts.From(model), stream);
    }

    /// <summary>Writes <paramref name="model"/> as ONNX to <paramref name="path"/> through a temporary file, so no half-written file is left.</summary>
    /// <exception cref="NotSupportedException">The model has a part ONNX export cannot express.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    public static void Export(Model model, string path)
    {
        ModelParts parts = ModelParts.From(model);
        AtomicFile.Write(path, stream => OnnxExporter.Write(parts, stream));
    }
}
