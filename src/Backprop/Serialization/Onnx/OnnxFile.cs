using Backprop.Interop;

namespace Backprop.Serialization.Onnx;

/// <summary>
/// ONNX export of a <see cref="Model"/>: one graph from raw features to class probabilities, the predicted class index
/// and its name, readable by ONNX Runtime (IR version 8, opset 17, ai.onnx.ml 2), ML.NET's ApplyOnnxModel and
/// onnxruntime-web. See docs/interop.md.
/// </summary>
public static class OnnxFile
{
    /// <summary>
    /// The input's name: float [N, features], raw values in <see cref="Model.FeatureNames"/> order. A model with one-hot
    /// columns takes one [N, 1] input per table column instead (float or string), listed in metadata_props["inputs"].
    /// </summary>
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
        OnnxExporter.Write(ModelParts.From(model, "onnx"), stream);
    }

    /// <summary>Writes <paramref name="model"/> as ONNX to <paramref name="path"/> through a temporary file, so no half-written file is left.</summary>
    /// <exception cref="NotSupportedException">The model has a part ONNX export cannot express.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    public static void Export(Model model, string path)
    {
        ModelParts parts = ModelParts.From(model, "onnx");
        AtomicFile.Write(path, stream => OnnxExporter.Write(parts, stream));
    }

    /// <summary>The largest ONNX file import reads (protobuf's own limit is 2 GB).</summary>
    public const long MaxImportBytes = int.MaxValue;

    /// <summary>
    /// Reads a multilayer perceptron from ONNX bytes: Gemm or MatMul + Add layers with Relu, Sigmoid, Tanh, LeakyRelu
    /// or Identity, an optional Softmax, Flatten of an image input and Sub/Div scaling, weights as initializers.
    /// A file exported by Backprop comes back with its names, scaler, options and metrics.
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not ONNX, are truncated, or the graph has a node import does
    /// not read (one line naming the first such node and its op type).</exception>
    public static Model Import(ReadOnlyMemory<byte> bytes, string source = "onnx")
    {
        OnnxModelProto proto = OnnxModelProto.Parse(bytes, source);
        return OnnxImporter.Read(proto, source).ToModel(source);
    }

    /// <summary>Reads a multilayer perceptron from an ONNX file; see <see cref="Import(ReadOnlyMemory{byte}, string)"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not ONNX, is truncated, or holds something other than an MLP.</exception>
    public static Model Import(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"{path}: no such file", path);
        }
        if (info.Length > MaxImportBytes)
        {
            throw new InvalidDataException($"{path}: {info.Length} bytes is more than an ONNX file can hold");
        }
        return Import(File.ReadAllBytes(path), path);
    }
}
