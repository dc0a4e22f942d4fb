using System.Text.Json.Nodes;
using Backprop.Serialization.Onnx;
using Backprop.Tests.Data;

namespace Backprop.Tests.Interop;

/// <summary>
/// ONNX import: PyTorch's nn.Sequential exports (Files/, made by make_onnx_files.py) score like PyTorch did; Backprop's own
/// exports come back equal; anything else, and anything broken, is one line.
/// </summary>
public sealed class OnnxImportTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string File(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Interop", "Files", name);

    private string P(string name) => System.IO.Path.Combine(_dir.Path, name);

    [Theory]
    [InlineData("relu_mlp")]
    [InlineData("mixed_mlp")]
    [InlineData("flatten_mlp")]
    [InlineData("matmul_mlp")]
    public void A_pytorch_sequential_export_scores_like_pytorch(string name)
    {
        Model model = OnnxFile.Import(File(name + ".onnx"));
        JsonNode expected = JsonNode.Parse(System.IO.File.ReadAllText(File(name + ".json")))!;
        float[] x = [.. expected["input"]!.AsArray().SelectMany(r => r!.AsArray().Select(v => (float)v!))];
        float[] p = [.. expected["probabilities"]!.AsArray().SelectMany(r => r!.AsArray().Select(v => (float)v!))];
        float[] actual = model.PredictProbabilities(x);
        Assert.Equal(p.Length, actual.Length);
        for (int i = 0; i < p.Length; i++)
        {
            Assert.True(Math.Abs(p[i] - actual[i]) <= 1e-5, $"{name} value {i}: PyTorch {p[i]}, imported {actual[i]}");
        }
    }

    [Fact]
    public void A_flattened_image_input_gets_pixel_names_and_digit_classes()
    {
        Model model = OnnxFile.Import(File("flatten_mlp.onnx"));
        Assert.Equal(784, model.FeatureNames.Count);
        Assert.Equal("pixel0", model.FeatureNames[0]);
        Assert.Equal(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], model.ClassNames);
        Assert.Equal(Activation.Relu, model.Network.DenseLayers[0].Activation);
    }

    [Fact]
    public void An_unsupported_node_is_named_with_its_op_type()
    {
        var e = Assert.Throws<InvalidDataException>(() => OnnxFile.Import(File("elu_mlp.onnx")));
        Assert.Contains("node '/1/Elu' (Elu) is not supported", e.Message, StringComparison.Ordinal);

        CliRunner.Result r = CliRunner.InProcess("import", File("elu_mlp.onnx"), "--out", P("m.json"));
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"error: {e.Message}", r.Error.Trim());
        Assert.False(System.IO.File.Exists(P("m.json")));
    }

    [Theory]
    [InlineData(ScalingKind.Standard, Activation.Relu)]
    [InlineData(ScalingKind.None, Activation.Identity)]
    [InlineData(ScalingKind.MinMax, Activation.LeakyRelu)]
    public void Backprop_exports_come_back_as_equal_model_files(ScalingKind scaling, Activation activation)
    {
        Model model = Classifier.Fit(BuiltInDatasets.Iris<float>(), new ClassifierOptions { HiddenLayers = [6, 5], Activations = [activation], Scaling = scaling, Epochs = 5, Seed = 1 });
        model.Save(P("a.json"));
        OnnxFile.Export(model, P("a.onnx"));
        OnnxFile.Import(P("a.onnx")).Save(P("b.json"));
        Assert.Equal(System.IO.File.ReadAllText(P("a.json")), System.IO.File.ReadAllText(P("b.json")));
    }

    [Fact]
    public void An_imported_model_is_an_ordinary_model_file_for_evaluate_predict_and_explain()
    {
        CliRunner.Result r = CliRunner.InProcess("import", File("relu_mlp.onnx"), "--out", P("m.json"),
            "--features", "sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm", "--classes", "setosa,versicolor,virginica", "--label", "species");
        Assert.True(r.ExitCode == 0, r.Error);
        r = CliRunner.InProcess("evaluate", "--model", P("m.json"), "--dataset", "iris");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("Accuracy", r.Out, StringComparison.Ordinal);
        r = CliRunner.InProcess("explain", "--model", P("m.json"), "--input", "5.1,3.5,1.4,0.2", "--target", "setosa");
        Assert.True(r.ExitCode == 0, r.Error);
        r = CliRunner.InProcess("import", File("relu_mlp.onnx"), "--out", P("n.json"), "--classes", "a,b");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--classes names 2 classes but the model has 3 outputs", r.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[0], "the ONNX file is empty")]
    [InlineData(new byte[] { (byte)'P', (byte)'K', 3, 4, 20, 0 }, "not a valid ONNX file")]
    [InlineData(new byte[] { 0x3A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 1, 2 }, "a field claims 4294967295 bytes but only 2 are left")]
    [InlineData(new byte[] { 0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 }, "a number is longer than ten bytes")]
    [InlineData(new byte[] { 0x08, 0x07 }, "no graph")]
    public void Bytes_that_are_not_an_onnx_model_get_one_line(byte[] bytes, string expected)
    {
        string path = _dir.Write("bad.onnx", bytes);
        var e = Assert.Throws<InvalidDataException>(() => OnnxFile.Import(path));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
        CliRunner.Result r = CliRunner.InProcess("import", path, "--out", P("m.json"));
        Assert.Equal(1, r.ExitCode);
        Assert.Single(r.Error.Trim().Split('\n'));
        Assert.False(System.IO.File.Exists(P("m.json")));
    }

    [Fact]
    public void Every_truncation_and_many_corruptions_end_in_one_line_or_a_model()
    {
        Model model = Classifier.Fit(TestData.Blobs(10, classes: 3, features: 3), new ClassifierOptions { HiddenLayers = [4], Epochs = 2, Seed = 1 });
        using var stream = new MemoryStream();
        OnnxFile.Export(model, stream);
        byte[] good = stream.ToArray();
        for (int length = 0; length < good.Length; length++)
        {
            Assert.Throws<InvalidDataException>(() => OnnxFile.Import(good.AsMemory(0, length)));
        }
        var rng = new Rng(7);
        for (int trial = 0; trial < 500; trial++)
        {
            byte[] bad = (byte[])good.Clone();
            for (int flips = 1 + rng.Next(4); flips > 0; flips--)
            {
                bad[rng.Next(bad.Length)] = (byte)rng.Next(256);
            }
            try
            {
                OnnxFile.Import(bad);
            }
            catch (InvalidDataException e)
            {
                Assert.DoesNotContain('\n', e.Message);
            }
        }
    }
}
