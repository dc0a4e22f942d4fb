using System.Numerics;

namespace Backprop.Data;

/// <summary>
/// The worked example the project grew from: a 3-2-3 network, sigmoid hidden layer, softmax output with
/// cross-entropy, fixed initial parameters, one sample x = [1, 1, 1] with target class 1 of 3, η = 0.1,
/// trained until the loss is below 0.01.
/// </summary>
public static class ArticleExample
{
    /// <summary>Layer sizes 3, 2, 3.</summary>
    public static IReadOnlyList<int> Sizes { get; } = [3, 2, 3];

    /// <summary>The learning rate η = 0.1.</summary>
    public const double LearningRate = 0.1;

    /// <summary>Training stops when the loss is below 0.01.</summary>
    public const double LossThreshold = 0.01;

    /// <summary>The most epochs the article's program runs.</summary>
    public const int MaxEpochs = 10000;

    /// <summary>The article's program reports every 500 epochs.</summary>
    public const int ReportEvery = 500;

    /// <summary>The sample's input, x = [1, 1, 1].</summary>
    public static IReadOnlyList<double> Input { get; } = [1.0, 1.0, 1.0];

    /// <summary>The sample's target, t = [1, 0, 0] (class index 0).</summary>
    public static IReadOnlyList<double> Target { get; } = [1.0, 0.0, 0.0];

    /// <summary>The initial parameters in the weights-file format (W1 is 2×3, b1 2, W2 3×2, b2 3).</summary>
    public const string WeightsJson = """
        {
          "W1": [[0.10, 0.20, 0.30], [0.40, 0.50, 0.60]],
          "b1": [0.10, 0.10],
          "W2": [[0.70, 0.80], [0.90, 1.00], [1.10, 1.20]],
          "b2": [0.20, 0.20, 0.20]
        }
        """;

    /// <summary>A new network with the article's architecture and initial parameters.</summary>
    public static Network<T> CreateNetwork<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        var network = new Network<T>(Sizes, [Activation.Sigmoid, Activation.Softmax], Loss.CrossEntropy);
        WeightsFile.Parse(WeightsJson, network, "article weights");
        return network;
    }

    /// <summary>The article's one-sample data set.</summary>
    public static Dataset<T> CreateDataset<T>() where T : unmanaged, IFloatingPointIeee754<T>
        => new([.. Input.Select(T.CreateChecked)], Sizes[0], [0], Sizes[^1], classNames: ["1", "2", "3"]);
}
