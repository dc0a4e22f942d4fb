using Backprop.Serialization.Onnx;
using Backprop.Tests.Data;
using Microsoft.ML.OnnxRuntime;

namespace Backprop.Tests.Interop;

/// <summary>Exported ONNX files, loaded by ONNX Runtime, score every test row as Backprop does.</summary>
public sealed class OnnxExportTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static (Model Model, Dataset<float> Test) Train(Dataset<float> all, ClassifierOptions options)
    {
        DatasetSplits<float> splits = StratifiedSplit.Split(all, 0.2, 0, 1);
        return (Classifier.Fit(splits.Train, options), splits.Test!);
    }

    private string Export(Model model, string name = "m.onnx")
    {
        string path = System.IO.Path.Combine(_dir.Path, name);
        OnnxFile.Export(model, path);
        return path;
    }

    [Fact]
    public void Iris_scores_every_test_row_like_backprop()
    {
        (Model model, Dataset<float> test) = Train(BuiltInDatasets.Iris<float>(), new ClassifierOptions { HiddenLayers = [8], Activations = [Activation.Tanh], Epochs = 60, Seed = 1 });
        OnnxRuntimeRunner.AssertMatches(model, test, OnnxRuntimeRunner.Run(Export(model), test));
    }

    [Fact]
    public void Digits_scores_every_test_row_like_backprop()
    {
        (Model model, Dataset<float> test) = Train(BuiltInDatasets.Digits<float>(), new ClassifierOptions { HiddenLayers = [32, 16], Epochs = 8, Seed = 2 });
        OnnxRuntimeRunner.AssertMatches(model, test, OnnxRuntimeRunner.Run(Export(model), test));
    }

    [Theory]
    [InlineData(Activation.Identity, ScalingKind.None)]
    [InlineData(Activation.Sigmoid, ScalingKind.MinMax)]
    [InlineData(Activation.Tanh, ScalingKind.Standard)]
    [InlineData(Activation.Relu, ScalingKind.MinMax)]
    [InlineData(Activation.LeakyRelu, ScalingKind.Standard)]
    public void Every_activation_and_scaler_scores_like_backprop(Activation activation, ScalingKind scaling)
    {
        (Model model, Dataset<float> test) = Train(TestData.Blobs(40, classes: 4, features: 5, seed: 3),
            new ClassifierOptions { HiddenLayers = [6, 5], Activations = [activation], Scaling = scaling, Epochs = 10, Seed = 4 });
        OnnxRuntimeRunner.AssertMatches(model, test, OnnxRuntimeRunner.Run(Export(model), test));
    }

    [Fact]
    public void A_softmax_regression_without_hidden_layers_exports()
    {
        (Model model, Dataset<float> test) = Train(BuiltInDatasets.Iris<float>(), new ClassifierOptions { HiddenLayers = [], Epochs = 20, Seed = 5 });
        OnnxRuntimeRunner.AssertMatches(model, test, OnnxRuntimeRunner.Run(Export(model), test));
    }

    [FashionMnistFact]
    public void A_fashion_mnist_model_scores_every_test_row_like_backprop()
    {
        DatasetSplits<float> fashion = FashionMnist.Load<float>();
        Dataset<float> train = StratifiedSplit.Split(fashion.Train, 0.9, 0, 1).Train;
        Model model = Classifier.Fit(train, new ClassifierOptions { HiddenLayers = [64], Epochs = 2, Scaling = ScalingKind.MinMax, Seed = 1 });
        Dataset<float> test = fashion.Test!;
        OnnxRuntimeRunner.AssertMatches(model, test, OnnxRuntimeRunner.Run(Export(model), test));
    }

    [Fact]
    public void The_file_names_its_input_outputs_producer_and_classes()
    {
        (Model model, _) = Train(BuiltInDatasets.Iris<float>(), new ClassifierOptions { HiddenLayers = [4], Epochs = 2, Seed = 1 });
        using var session = new InferenceSession(Export(model));
        NodeMetadata input = session.InputMetadata["features"];
        Assert.Equal([-1, 4], input.Dimensions);
        Assert.Equal(["probabilities", "class_index", "class"], session.OutputMetadata.Keys);
        ModelMetadata metadata = session.ModelMetadata;
        Assert.Equal("Backprop", metadata.ProducerName);
        Assert.Contains("sepal_length_cm", metadata.Description, StringComparison.Ordinal);
        Assert.Equal("[\"setosa\",\"versicolor\",\"virginica\"]", metadata.CustomMetadataMap["classes"]);
        Assert.Equal("[\"sepal_length_cm\",\"sepal_width_cm\",\"petal_length_cm\",\"petal_width_cm\"]", metadata.CustomMetadataMap["features"]);
        Assert.Equal("species", metadata.CustomMetadataMap["label"]);
    }
}
