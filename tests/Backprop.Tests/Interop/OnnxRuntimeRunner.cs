using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Backprop.Tests.Interop;

/// <summary>Scores raw feature rows with ONNX Runtime, as a user of an exported model would.</summary>
internal static class OnnxRuntimeRunner
{
    public sealed record Scores(float[] Probabilities, long[] ClassIndex, string[] ClassNames);

    public static Scores Run(string path, Dataset<float> data) => Run(path, data.Features.ToArray(), data.Count, data.FeatureCount);

    public static Scores Run(string path, float[] features, int rows, int featureCount)
        => Run(path, [NamedOnnxValue.CreateFromTensor("features", new DenseTensor<float>(features, [rows, featureCount]))]);

    /// <summary>Runs the model at <paramref name="path"/> on named inputs (a table model's columns).</summary>
    public static Scores Run(string path, IReadOnlyCollection<NamedOnnxValue> inputs)
    {
        using var session = new InferenceSession(path);
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run(inputs);
        float[] probabilities = [.. results.Single(r => r.Name == "probabilities").AsTensor<float>()];
        long[] index = [.. results.Single(r => r.Name == "class_index").AsTensor<long>()];
        string[] names = [.. results.Single(r => r.Name == "class").AsTensor<string>()];
        return new Scores(probabilities, index, names);
    }

    /// <summary>Asserts that ONNX Runtime's scores match the model's own: probabilities within 1e-5, identical labels.</summary>
    public static void AssertMatches(Model model, Dataset<float> data, Scores onnx)
    {
        float[] expected = model.PredictProbabilities(data);
        int[] labels = model.Predict(data);
        Assert.Equal(expected.Length, onnx.Probabilities.Length);
        int k = model.ClassNames.Count;
        for (int i = 0; i < expected.Length; i++)
        {
            if (Math.Abs(expected[i] - onnx.Probabilities[i]) > 1e-5)
            {
                Assert.Fail($"row {i / k}, class {i % k}: Backprop {expected[i]:R}, ONNX Runtime {onnx.Probabilities[i]:R}");
            }
        }
        Assert.Equal(labels.Select(l => (long)l), onnx.ClassIndex);
        Assert.Equal(labels.Select(l => model.ClassNames[l]), onnx.ClassNames);
    }
}
