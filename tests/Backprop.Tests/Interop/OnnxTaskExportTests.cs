using Backprop.Serialization.Onnx;
using Backprop.Tests.Data;
using Backprop.Tests.Models;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Backprop.Tests.Interop;

/// <summary>Exported regression and multi-label models, run by ONNX Runtime, give what Backprop gives.</summary>
public sealed class OnnxTaskExportTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private Dictionary<string, Array> Run(Model model, Dataset<float> data)
    {
        string path = System.IO.Path.Combine(_dir.Path, "m.onnx");
        OnnxFile.Export(model, path);
        using var session = new InferenceSession(path);
        var input = new DenseTensor<float>(data.Features.ToArray(), [data.Count, data.FeatureCount]);
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run([NamedOnnxValue.CreateFromTensor("features", input)]);
        var outputs = new Dictionary<string, Array>();
        foreach (DisposableNamedOnnxValue r in results)
        {
            outputs[r.Name] = r.Name == "decisions" ? r.AsTensor<long>().ToArray() : r.AsTensor<float>().ToArray();
        }
        return outputs;
    }

    [Fact]
    public void A_regression_model_gives_the_same_values_in_the_targets_units()
    {
        string csv = File.ReadAllText(TaskData.DiabetesPath);
        Dataset<float> all = CsvDatasetReader.Read<float>(new StringReader(csv), "diabetes.csv", new CsvDatasetOptions { Labels = ["progression", "bmi"] });
        Model model = Regressor.Fit(all, new ClassifierOptions { HiddenLayers = [12], Activations = [Activation.Tanh], Epochs = 20, Seed = 1 });
        Dictionary<string, Array> onnx = Run(model, all);
        Assert.Equal(["values"], onnx.Keys);
        float[] expected = model.PredictValues(all);
        var values = (float[])onnx["values"];
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (Math.Abs(expected[i] - values[i]) > 1e-5 * Math.Max(1, Math.Abs(expected[i])))
            {
                Assert.Fail($"row {i / 2}, target {i % 2}: Backprop {expected[i]:R}, ONNX Runtime {values[i]:R}");
            }
        }
    }

    [Fact]
    public void A_multi_label_model_gives_the_same_probabilities_and_decisions()
    {
        Dataset<float> all = TaskData.IrisLabels();
        Model model = MultiLabelClassifier.Fit(all, new ClassifierOptions { HiddenLayers = [8], Epochs = 20, DecisionThreshold = 0.4, Seed = 1 });
        Dictionary<string, Array> onnx = Run(model, all);
        Assert.Equal(["probabilities", "decisions"], onnx.Keys);
        float[] expected = model.PredictProbabilities(all);
        var probabilities = (float[])onnx["probabilities"];
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - probabilities[i]) <= 1e-5, $"row {i / 3}, label {i % 3}: Backprop {expected[i]:R}, ONNX Runtime {probabilities[i]:R}");
        }
        Assert.Equal(model.PredictLabels(all.Features).Select(b => b ? 1L : 0L), (long[])onnx["decisions"]);
    }

    [Fact]
    public void Import_refuses_a_multi_label_export_naming_its_task()
    {
        Model model = MultiLabelClassifier.Fit(TaskData.IrisLabels(), new ClassifierOptions { HiddenLayers = [4], Epochs = 1, Seed = 1 });
        using var stream = new MemoryStream();
        OnnxFile.Export(model, stream);
        var e = Assert.Throws<InvalidDataException>(() => OnnxFile.Import(stream.ToArray(), "tags.onnx"));
        Assert.Equal("tags.onnx: metadata task is 'multilabel'; import reads classifiers (keep the model's .json file for a multilabel model)", e.Message);
    }
}
