namespace Backprop.Tests.Layers;

/// <summary>
/// Prediction's path through the network: a few rows without packing, more on weights packed once per parameter
/// version. The packed weights must follow every way the parameters change; each test below fails if one of them
/// does not bump the version (the prediction would then use the weights packed before).
/// </summary>
[Collection(Backprop.Tests.Tensors.KernelSettingsCollection.Name)]
public class PredictionTests
{
    private const int Rows = 40; // more than SmallBatchProduct.MaxRows: the packed path

    [Fact]
    public void Prediction_of_many_rows_has_the_bits_of_the_training_forward_pass()
    {
        Network<float> network = Create(seed: 1);
        float[] x = Inputs(Rows, seed: 2);
        float[] predicted = Predict(network, x, Rows);
        network.Forward(x, new float[Rows * 3], Rows);
        Assert.Equal(network.A(network.Layers.Count - 1).ToArray(), predicted);
    }

    [Fact]
    public void Prediction_of_a_few_rows_is_close_to_the_training_forward_pass()
    {
        Network<float> network = Create(seed: 1);
        foreach (int rows in new[] { 1, 3, 8 })
        {
            float[] x = Inputs(rows, seed: rows);
            float[] predicted = Predict(network, x, rows);
            network.Forward(x, new float[rows * 3], rows);
            TensorAssert.Close($"a ({rows} rows)", Array.ConvertAll(network.A(network.Layers.Count - 1).ToArray(), v => (double)v),
                Array.ConvertAll(predicted, v => (double)v), 1e-5);
        }
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("sgd-decay")]
    [InlineData("adam")]
    public void Packed_weights_follow_a_training_step(string optimizer)
    {
        Network<float> network = Create(seed: 3);
        float[] x = Inputs(Rows, seed: 4);
        float[] before = Predict(network, x, Rows);
        IOptimizer<float> step = optimizer switch
        {
            "sgd" => new Sgd<float>(0.5),
            "sgd-decay" => new Sgd<float>(0.5, 0, weightDecay: 0.01),
            _ => new Adam<float>(0.05),
        };
        // The trainer's fused step writes W inside the backward pass (plain SGD) or through Parameters (Adam).
        new Trainer<float>(network, step, new TrainingOptions { MaxEpochs = 1, BatchSize = 16 }).Fit(TestData.Blobs(20, features: 6));
        AssertFresh(network, x, before);
    }

    [Fact]
    public void Packed_weights_follow_writes_through_every_parameter_view()
    {
        Network<float> network = Create(seed: 5);
        float[] x = Inputs(Rows, seed: 6);
        var dense = (Dense<float>)network.Layers[0];
        float[] before = Predict(network, x, Rows);
        network.Parameters[0] += 1;
        before = AssertFresh(network, x, before);
        dense.Weights[1] -= 1;
        before = AssertFresh(network, x, before);
        network.Layers[1].Parameters[0] += 1;
        before = AssertFresh(network, x, before);
        Initializer.Randomize(network, seed: 7);
        AssertFresh(network, x, before);
    }

    // Predicts x again and checks that it equals a new network's prediction with the same parameters (whose weights
    // are packed for the first time) and differs from the prediction before the change.
    private static float[] AssertFresh(Network<float> network, float[] x, float[] before)
    {
        float[] after = Predict(network, x, Rows);
        Network<float> copy = Create(seed: 0);
        network.Parameters.CopyTo(copy.Parameters);
        Assert.Equal(Predict(copy, x, Rows), after);
        Assert.NotEqual(before, after);
        return after;
    }

    private static Network<float> Create(long seed)
    {
        var network = new Network<float>([6, 24, 16, 3], [Activation.Relu, Activation.Tanh, Activation.Softmax], Loss.CrossEntropy);
        Initializer.Randomize(network, seed);
        return network;
    }

    private static float[] Predict(Network<float> network, float[] x, int rows)
    {
        var output = new float[rows * network.OutputSize];
        network.Predict(x, rows, output);
        return output;
    }

    private static float[] Inputs(int rows, long seed) => Array.ConvertAll(TestData.RandomValues(rows * 6, seed), v => (float)v);
}
