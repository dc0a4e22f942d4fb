namespace Backprop.Tests.Layers;

/// <summary>Finite-difference checks of the backward pass with dropout (fixed mask) and with class-weighted cross-entropy.</summary>
public class DropoutAndClassWeightGradientTests
{
    private static void AssertGradientsMatch(Network<double> network, double[] x, double[] t, int batch)
    {
        network.Forward(x, t, batch);
        network.Backward();
        double[] analytic = network.Gradients.ToArray();
        const double h = 1e-6;
        for (int i = 0; i < network.ParameterCount; i++)
        {
            double saved = network.Parameters[i];
            network.Parameters[i] = saved + h;
            double plus = network.Forward(x, t, batch);
            network.Parameters[i] = saved - h;
            double minus = network.Forward(x, t, batch);
            network.Parameters[i] = saved;
            double numeric = (plus - minus) / (2 * h);
            double scale = Math.Max(1e-8, Math.Abs(numeric) + Math.Abs(analytic[i]));
            Assert.True(Math.Abs(numeric - analytic[i]) / scale < 1e-6 || Math.Abs(numeric - analytic[i]) < 1e-9,
                $"parameter {i}: numeric {numeric:R}, analytic {analytic[i]:R}");
        }
    }

    [Theory]
    [InlineData(Activation.Sigmoid, "cross-entropy", 1)]
    [InlineData(Activation.Tanh, "cross-entropy", 7)]
    [InlineData(Activation.Relu, "mse", 7)]
    [InlineData(Activation.LeakyRelu, "cross-entropy", 5)]
    public void Dropout_backward_matches_finite_differences_with_a_fixed_mask(Activation hidden, string lossName, int batch)
    {
        Loss loss = TestData.Loss(lossName);
        int[] sizes = [4, 6, 5, 3];
        Network<double> network = TestData.RandomNetwork(sizes, hidden, loss, seed: 11, dropout: 0.4);
        network.Reseed(3);
        double[] x = TestData.RandomValues(batch * 4, 5);
        double[] t = loss is SoftmaxCrossEntropy ? TestData.OneHotRows(batch, 3, 9) : [.. TestData.RandomValues(batch * 3, 9).Select(v => (v + 1) / 2)];
        network.Forward(x, t, batch);
        foreach (Dropout<double> dropout in network.Layers.OfType<Dropout<double>>())
        {
            dropout.FreezeMask = true;
        }
        AssertGradientsMatch(network, x, t, batch);
    }

    [Fact]
    public void Dropout_zeroes_some_hidden_units_and_scales_the_rest_by_one_over_keep()
    {
        Network<double> network = TestData.RandomNetwork([3, 50, 2], Activation.Sigmoid, Loss.CrossEntropy, seed: 2, dropout: 0.5);
        network.Reseed(1);
        double[] x = TestData.RandomValues(3 * 4, 1);
        network.Forward(x, TestData.OneHotRows(4, 2, 1), 4);
        network.Backward();
        // The second layer saw a ⊙ m: its weight gradient columns of dropped units are zero.
        int zeroColumns = 0;
        ReadOnlySpan<double> dW2 = network.DenseLayers[1].WeightGradients;
        for (int i = 0; i < 50; i++)
        {
            bool allZero = true;
            for (int o = 0; o < 2; o++)
            {
                allZero &= dW2[o * 50 + i] == 0;
            }
            zeroColumns += allZero ? 1 : 0;
        }
        Assert.InRange(zeroColumns, 1, 49);
    }

    [Fact]
    public void Predict_never_applies_dropout()
    {
        Network<double> network = TestData.RandomNetwork([3, 8, 2], Activation.Tanh, Loss.CrossEntropy, seed: 2);
        double[] x = TestData.RandomValues(3 * 2, 4);
        var before = new double[4];
        network.Predict(x, 2, before);
        Network<double> withDropout = TestData.RandomNetwork([3, 8, 2], Activation.Tanh, Loss.CrossEntropy, seed: 2, dropout: 0.5);
        withDropout.Reseed(1);
        Assert.Equal(network.Parameters.ToArray(), withDropout.Parameters.ToArray());
        var after = new double[4];
        withDropout.Predict(x, 2, after);
        Assert.Equal(before, after);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    public void Class_weighted_cross_entropy_backward_matches_finite_differences(int batch)
    {
        Network<double> network = TestData.RandomNetwork([3, 5, 4], Activation.Tanh, new SoftmaxCrossEntropy([0.5, 2.0, 1.0, 3.5]), seed: 21);
        AssertGradientsMatch(network, TestData.RandomValues(batch * 3, 8), TestData.OneHotRows(batch, 4, 6), batch);
    }

    [Fact]
    public void Class_weighted_loss_is_the_weighted_mean_of_row_losses()
    {
        Network<double> network = TestData.RandomNetwork([2, 3, 2], Activation.Sigmoid, Loss.CrossEntropy, seed: 5);
        double[] x = [0.1, 0.2, -0.3, 0.4];
        double[] t = [1, 0, 0, 1];
        double row0 = network.Forward(x.AsSpan(0, 2), t.AsSpan(0, 2), 1);
        double row1 = network.Forward(x.AsSpan(2, 2), t.AsSpan(2, 2), 1);
        Network<double> weightedNetwork = TestData.RandomNetwork([2, 3, 2], Activation.Sigmoid, new SoftmaxCrossEntropy([1.0, 3.0]), seed: 5);
        double weighted = weightedNetwork.Forward(x, t, 2);
        Assert.Equal((row0 + 3 * row1) / 4, weighted, 1e-14);
    }

    [Fact]
    public void Equal_class_weights_give_the_unweighted_loss_and_gradients()
    {
        Network<double> network = TestData.RandomNetwork([3, 4, 3], Activation.Relu, Loss.CrossEntropy, seed: 8);
        double[] x = TestData.RandomValues(15, 3);
        double[] t = TestData.OneHotRows(5, 3, 4);
        double plain = network.Forward(x, t, 5);
        network.Backward();
        double[] plainGradients = network.Gradients.ToArray();
        Network<double> weightedNetwork = TestData.RandomNetwork([3, 4, 3], Activation.Relu, new SoftmaxCrossEntropy([2.0, 2.0, 2.0]), seed: 8);
        double weighted = weightedNetwork.Forward(x, t, 5);
        weightedNetwork.Backward();
        Assert.Equal(plain, weighted, 1e-14);
        for (int i = 0; i < plainGradients.Length; i++)
        {
            Assert.Equal(plainGradients[i], weightedNetwork.Gradients[i], 1e-14);
        }
    }

    [Fact]
    public void Class_weights_must_be_one_per_class_and_positive()
    {
        ArgumentException count = Assert.Throws<ArgumentException>(() => TestData.RandomNetwork([2, 3], Activation.Sigmoid, new SoftmaxCrossEntropy([1.0, 2.0]), seed: 1));
        Assert.Contains("2 class weights for 3 classes", count.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new SoftmaxCrossEntropy([1.0, 0.0]));
        Assert.Throws<ArgumentException>(() => new SoftmaxCrossEntropy([1.0, double.NaN]));
    }
}
