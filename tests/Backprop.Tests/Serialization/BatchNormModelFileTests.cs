using System.Text.Json.Nodes;
using Backprop.Serialization.Onnx;
using Backprop.Serialization.Safetensors;

namespace Backprop.Tests.Serialization;

/// <summary>Model files with batch-norm layers: the round trip, the checks on damaged entries, and files without them.</summary>
public sealed class BatchNormModelFileTests : IDisposable
{
    private readonly string _dir = TestData.TempDirectory();

    public void Dispose() => Directory.Delete(_dir, true);

    private static Model Trained() => Classifier.Fit(TestData.Blobs(30),
        new ClassifierOptions { HiddenLayers = [7, 5], Epochs = 5, LearningRate = 0.01, Dropout = 0.1, BatchNorm = true });

    // A file as this format wrote it before batch norm existed: dense layers without a "kind".
    private const string DenseOnlyFile = """
{
  "format": "backprop-model",
  "version": 1,
  "architecture": {
    "loss": "cross-entropy",
    "dtype": "float32",
    "layers": [
      {
        "inputs": 2,
        "outputs": 2,
        "activation": "tanh"
      },
      {
        "inputs": 2,
        "outputs": 2,
        "activation": "softmax"
      }
    ]
  },
  "features": [
    "a",
    "b"
  ],
  "label": "y",
  "classes": [
    "no",
    "yes"
  ],
  "scaler": {
    "kind": "standard",
    "offset": [1.5, -2],
    "scale": [0.5, 3]
  },
  "parameters": {
    "W1": [
      [0.5, -0.25],
      [1.125, 0.1]
    ],
    "b1": [0.2, -0.3],
    "W2": [
      [0.75, -1.5],
      [2, 0.0625]
    ],
    "b2": [-0.01, 0.02]
  },
  "training": {
    "seed": "3"
  },
  "metrics": {
    "test_accuracy": 0.75
  }
}
""";

    [Fact]
    public void A_model_with_batch_norm_saved_and_loaded_predicts_the_same_bits_and_saves_the_same_bytes()
    {
        Model model = Trained();
        Assert.Contains(model.Network.Layers, l => l is BatchNorm<float>);
        string path = Path.Combine(_dir, "m.json");
        model.Save(path);
        Model loaded = Model.Load(path);
        Dataset<float> data = TestData.Blobs(40, seed: 99);
        Assert.Equal(model.Network.Parameters.ToArray(), loaded.Network.Parameters.ToArray());
        BatchNorm<float>[] before = [.. model.Network.Layers.OfType<BatchNorm<float>>()];
        BatchNorm<float>[] after = [.. loaded.Network.Layers.OfType<BatchNorm<float>>()];
        Assert.Equal(2, after.Length);
        for (int i = 0; i < before.Length; i++)
        {
            Assert.Equal(before[i].Epsilon, after[i].Epsilon);
            Assert.Equal(before[i].Momentum, after[i].Momentum);
            Assert.Equal(before[i].StateBuffers[0].Value, after[i].StateBuffers[0].Value);
            Assert.Equal(before[i].StateBuffers[1].Value, after[i].StateBuffers[1].Value);
            Assert.NotEqual(1f, after[i].StateBuffers[1].Value[0]);
        }
        Assert.Equal(model.PredictProbabilities(data), loaded.PredictProbabilities(data));
        string again = Path.Combine(_dir, "again.json");
        loaded.Save(again);
        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(again));
    }

    [Fact]
    public void A_batch_norm_layer_is_a_kind_in_the_layer_list_and_its_values_are_named_by_its_position()
    {
        string path = Path.Combine(_dir, "m.json");
        Trained().Save(path);
        JsonNode root = JsonNode.Parse(File.ReadAllText(path))!;
        JsonArray layers = root["architecture"]!["layers"]!.AsArray();
        Assert.Equal(5, layers.Count);
        Assert.Equal("batch_norm", (string?)layers[1]!["kind"]);
        Assert.Equal(7, (int?)layers[1]!["features"]);
        Assert.Null(layers[0]!["kind"]);
        JsonObject parameters = root["parameters"]!.AsObject();
        Assert.Equal(["W1", "b1", "gamma2", "beta2", "running_mean2", "running_variance2", "W3", "b3",
            "gamma4", "beta4", "running_mean4", "running_variance4", "W5", "b5"], parameters.Select(p => p.Key));
    }

    [Fact]
    public void A_file_of_dense_layers_only_loads_and_saves_byte_for_byte_as_before()
    {
        string path = Path.Combine(_dir, "old.json");
        File.WriteAllText(path, DenseOnlyFile);
        Model model = Model.Load(path);
        Assert.Equal([0.5f, -0.25f, 1.125f, 0.1f, 0.2f, -0.3f, 0.75f, -1.5f, 2f, 0.0625f, -0.01f, 0.02f], model.Network.Parameters.ToArray());
        string again = Path.Combine(_dir, "again.json");
        model.Save(again);
        Assert.Equal(DenseOnlyFile, File.ReadAllText(again));
    }

    [Theory]
    [InlineData("variance", "parameters.running_variance2[0] is 0; a variance must be positive")]
    [InlineData("mean", "parameters.running_mean4[1] is not a finite number")]
    [InlineData("gamma", "parameters.gamma2 has shape 6 but the architecture needs 7")]
    [InlineData("beta", "\"beta2\"")]
    [InlineData("epsilon", "architecture.layers[1].epsilon is -1; it must be positive and finite")]
    [InlineData("momentum", "architecture.layers[3].momentum is 2; it must be in (0, 1]")]
    [InlineData("features", "architecture.layers[1] has 6 features but the layer before it has 7 outputs")]
    [InlineData("kind", "architecture.layers[1].kind 'layer_norm' is unknown")]
    [InlineData("last", "architecture.layers[5] is a batch norm; the last layer must be dense")]
    public void A_damaged_batch_norm_entry_is_refused_naming_the_file_and_the_field(string damage, string expected)
    {
        string good = Path.Combine(_dir, "good.json");
        Trained().Save(good);
        JsonNode root = JsonNode.Parse(File.ReadAllText(good))!;
        JsonNode parameters = root["parameters"]!;
        JsonArray layers = root["architecture"]!["layers"]!.AsArray();
        switch (damage)
        {
            case "variance": parameters["running_variance2"]![0] = 0; break;
            case "mean": parameters["running_mean4"]![1] = "NaN"; break;
            case "gamma": parameters["gamma2"]!.AsArray().RemoveAt(0); break;
            case "beta": parameters.AsObject().Remove("beta2"); break;
            case "epsilon": layers[1]!["epsilon"] = -1; break;
            case "momentum": layers[3]!["momentum"] = 2; break;
            case "features": layers[1]!["features"] = 6; break;
            case "kind": layers[1]!["kind"] = "layer_norm"; break;
            case "last": layers.Add(JsonNode.Parse("""{"kind": "batch_norm", "features": 3, "epsilon": 1e-5, "momentum": 0.1}""")); break;
        }
        string path = Path.Combine(_dir, "bad.json");
        File.WriteAllText(path, root.ToJsonString());
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => Model.Load(path));
        Assert.StartsWith(path + ":", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Onnx_and_safetensors_export_refuse_a_model_with_batch_norm_in_one_line()
    {
        Model model = Trained();
        NotSupportedException onnx = Assert.Throws<NotSupportedException>(() => OnnxFile.Export(model, new MemoryStream()));
        Assert.StartsWith("the onnx format cannot express layer 2 (batch_norm)", onnx.Message, StringComparison.Ordinal);
        string path = Path.Combine(_dir, "m.safetensors");
        NotSupportedException safetensors = Assert.Throws<NotSupportedException>(() => SafetensorsFile.Export(model, path));
        Assert.StartsWith("the safetensors format cannot express layer 2 (batch_norm)", safetensors.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }
}
