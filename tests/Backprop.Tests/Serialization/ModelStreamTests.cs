using System.Text;

namespace Backprop.Tests.Serialization;

public sealed class ModelStreamTests
{
    private static Model Trained() => Classifier.Fit(TestData.Blobs(20), new ClassifierOptions { HiddenLayers = [5], Epochs = 3, Seed = 1 });

    [Fact]
    public void A_model_saved_to_a_stream_loads_back_bit_identically()
    {
        Model model = Trained();
        using var stream = new MemoryStream();
        model.Save(stream);
        stream.Position = 0;
        Model loaded = Model.Load(stream, "memory");
        Assert.Equal(model.Network.Parameters.ToArray(), loaded.Network.Parameters.ToArray());
        Assert.Equal(model.ClassNames, loaded.ClassNames);
        Assert.Equal(model.Scaler.Offset, loaded.Scaler.Offset);
    }

    [Theory]
    [InlineData("", "upload.json: the model file is empty")]
    [InlineData("{\"format\": ", "upload.json: the model file is corrupt or truncated")]
    [InlineData("{\"format\": \"other\"}", "upload.json: not a Backprop model file")]
    public void A_bad_stream_is_named_by_its_source_not_by_a_temporary_file(string text, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => Model.Load(new MemoryStream(Encoding.UTF8.GetBytes(text)), "upload.json"));
        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.GetTempPath(), e.Message, StringComparison.Ordinal);
    }
}
