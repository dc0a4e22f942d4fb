namespace Backprop.Tests.Layers;

/// <summary>The layer abstraction from outside the library: a network of any layers, one parameter block, gradients that check.</summary>
public class LayerTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void A_layer_written_outside_the_library_trains_between_dense_layers(int batch)
    {
        var network = new Network<double>(3, [new Dense<double>(4, Activation.Tanh), new FeatureScale(), new Dense<double>(3, Activation.Softmax)], Loss.CrossEntropy);
        Assert.Equal(3 * 4 + 4 + 4 + 4 * 3 + 3, network.ParameterCount);
        Assert.Equal(4, network.Layers[1].Parameters.Length);
        Initializer.Randomize(network, 7);
        Assert.All(network.Layers[1].Parameters.ToArray(), s => Assert.Equal(1.0, s));
        var rng = new Rng(2);
        for (int i = 0; i < network.ParameterCount; i++)
        {
            network.Parameters[i] += 0.2 * rng.NextGaussian();
        }
        double[] x = TestData.RandomValues(batch * 3, 4);
        double[] t = TestData.OneHotRows(batch, 3, 5);
        network.Forward(x, t, batch);
        network.Backward();
        double[] analytic = network.Gradients.ToArray();
        const double h = 1e-6;
        for (int i = 0; i < analytic.Length; i++)
        {
            double saved = network.Parameters[i];
            network.Parameters[i] = saved + h;
            double plus = network.Forward(x, t, batch);
            network.Parameters[i] = saved - h;
            double minus = network.Forward(x, t, batch);
            network.Parameters[i] = saved;
            Assert.Equal((plus - minus) / (2 * h), analytic[i], 1e-8);
        }
    }

    [Fact]
    public void A_layer_belongs_to_one_network()
    {
        var dense = new Dense<double>(2, Activation.Softmax);
        _ = new Network<double>(3, [dense], Loss.CrossEntropy);
        Assert.Throws<ArgumentException>(() => new Network<double>(3, [dense], Loss.CrossEntropy));
    }

    [Fact]
    public void The_last_layer_must_be_dense_and_softmax_only_last()
    {
        Assert.Throws<ArgumentException>(() => new Network<double>(3, [new Dense<double>(2, Activation.Softmax), new Dropout<double>(0.1)], Loss.CrossEntropy));
        Assert.Throws<ArgumentException>(() => new Network<double>(3, [new Dense<double>(2, Activation.Softmax), new Dense<double>(2, Activation.Softmax)], Loss.CrossEntropy));
    }

    // y = x ⊙ s, one scale per feature, initialised to 1.
    private sealed class FeatureScale : Layer<double>
    {
        public override int Outputs => Inputs;

        public override int ParameterCount => Inputs;

        public override void Initialize(Func<double> uniform) => Parameters.Fill(1);

        public override void Forward(ReadOnlySpan<double> x, Span<double> y, int batch, bool training)
        {
            ReadOnlySpan<double> s = Parameters;
            for (int i = 0; i < batch * Inputs; i++)
            {
                y[i] = x[i] * s[i % Inputs];
            }
        }

        public override void Backward(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> dy, Span<double> dx, int batch)
        {
            Span<double> ds = Gradients;
            ReadOnlySpan<double> s = Parameters;
            ds.Clear();
            for (int i = 0; i < batch * Inputs; i++)
            {
                ds[i % Inputs] += dy[i] * x[i];
                if (!dx.IsEmpty)
                {
                    dx[i] = dy[i] * s[i % Inputs];
                }
            }
        }
    }
}
