using System.Text.Json.Nodes;

namespace Backprop.Tests.Serialization;

public sealed class ModelFileTests : IDisposable
{
    private readonly string _dir = TestData.TempDirectory();

    public void Dispose() => Directory.Delete(_dir, true);

    private static Model Trained() => Classifier.Fit(TestData.Blobs(30), new ClassifierOptions { HiddenLayers = [7, 5], Epochs = 5, LearningRate = 0.01, Dropout = 0.1 });

    [Fact]
    public void A_loaded_model_predicts_bit_identically_to_the_one_in_memory()
    {
        Model model = Trained();
        string path = Path.Combine(_dir, "m.json");
        model.Save(path);
        Model loaded = Model.Load(path);
        Dataset<float> data = TestData.Blobs(40, seed: 99);
        Assert.Equal(model.Network.Parameters.ToArray(), loaded.Network.Parameters.ToArray());
        Assert.Equal(model.PredictProbabilities(data), loaded.PredictProbabilities(data));
        Assert.Equal(model.FeatureNames, loaded.FeatureNames);
        Assert.Equal(model.ClassNames, loaded.ClassNames);
        Assert.Equal(model.Scaler.Offset, loaded.Scaler.Offset);
        Assert.Equal(model.Scaler.Scale, loaded.Scaler.Scale);
        Assert.Equal(model.TrainingOptions, loaded.TrainingOptions);
        Assert.Equal(model.Metrics, loaded.Metrics);
    }

    [Fact]
    public void The_file_names_its_format_and_version_and_is_readable_json()
    {
        string path = Path.Combine(_dir, "m.json");
        Trained().Save(path);
        JsonNode root = JsonNode.Parse(File.ReadAllText(path))!;
        Assert.Equal("backprop-model", (string?)root["format"]);
        Assert.Equal(1, (int?)root["version"]);
        Assert.Equal(7, root["parameters"]!["W1"]!.AsArray().Count);
        Assert.Equal(2, root["parameters"]!["W1"]![0]!.AsArray().Count);
        Assert.Equal("relu", (string?)root["architecture"]!["layers"]![0]!["activation"]);
        Assert.Equal("adam", (string?)root["training"]!["optimizer"]);
    }

    [Theory]
    [InlineData("truncated", "corrupt or truncated")]
    [InlineData("empty", "is empty")]
    [InlineData("garbage", "corrupt")]
    [InlineData("version", "version 2 is not supported")]
    [InlineData("format", "not a Backprop model file")]
    [InlineData("shape", "parameters.W1 row 3 has 3 values but the architecture needs 2")]
    [InlineData("rows", "parameters.W2 has shape 4×7 but the architecture needs 5×7")]
    [InlineData("classes", "\"classes\" has 2 values; expected 3")]
    [InlineData("number", "parameters.b1[0] is not a finite number")]
    public void A_bad_model_file_gives_one_line_naming_the_file_and_the_field(string damage, string expected)
    {
        string good = Path.Combine(_dir, "good.json");
        Trained().Save(good);
        string text = File.ReadAllText(good);
        JsonNode root = JsonNode.Parse(text)!;
        switch (damage)
        {
            case "truncated": text = text[..(text.Length / 2)]; break;
            case "empty": text = ""; break;
            case "garbage": text = "{ this is not json"; break;
            case "version": root["version"] = 2; text = root.ToJsonString(); break;
            case "format": root["format"] = "something-else"; text = root.ToJsonString(); break;
            case "shape": root["parameters"]!["W1"]![2]!.AsArray().Add(1.0); text = root.ToJsonString(); break;
            case "rows": root["parameters"]!["W2"]!.AsArray().RemoveAt(0); text = root.ToJsonString(); break;
            case "classes": root["classes"]!.AsArray().RemoveAt(0); text = root.ToJsonString(); break;
            case "number": root["parameters"]!["b1"]![0] = "x"; text = root.ToJsonString(); break;
        }
        string path = Path.Combine(_dir, "bad.json");
        File.WriteAllText(path, text);
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => Model.Load(path));
        Assert.StartsWith(path + ":", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_missing_model_file_is_named()
    {
        string path = Path.Combine(_dir, "none.json");
        FileNotFoundException e = Assert.Throws<FileNotFoundException>(() => Model.Load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_save_leaves_neither_a_half_written_file_nor_a_temporary_one()
    {
        Model model = Trained();
        model.Network.Parameters[3] = float.NaN;
        string path = Path.Combine(_dir, "m.json");
        Assert.Throws<InvalidOperationException>(() => model.Save(path));
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public void Saving_over_an_existing_model_replaces_it_whole()
    {
        string path = Path.Combine(_dir, "m.json");
        File.WriteAllText(path, "old");
        Trained().Save(path);
        Assert.Equal("backprop-model", (string?)JsonNode.Parse(File.ReadAllText(path))!["format"]);
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void An_unknown_extension_is_refused()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => Trained().Save(Path.Combine(_dir, "m.onnx")));
        Assert.Contains(".json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Float_parameters_round_trip_exactly_including_awkward_values()
    {
        Model model = Trained();
        float[] awkward = [float.Epsilon, -float.Epsilon, float.MaxValue, 1f / 3, 0.1f, -0f, 1.00000012f, 16777217f];
        awkward.CopyTo(model.Network.Parameters);
        string path = Path.Combine(_dir, "m.json");
        model.Save(path);
        float[] loaded = Model.Load(path).Network.Parameters[..awkward.Length].ToArray();
        for (int i = 0; i < awkward.Length; i++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(awkward[i]), BitConverter.SingleToInt32Bits(loaded[i]));
        }
    }

    [Fact]
    public void A_corrupt_checkpoint_is_named()
    {
        string path = Path.Combine(_dir, "ck.json");
        File.WriteAllText(path, "{\"format\": \"backprop-checkpoint\", \"version\": 1, \"epoch\": 3");
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => TrainingCheckpoint.Load(path));
        Assert.Contains("corrupt or truncated", e.Message, StringComparison.Ordinal);
    }
}
