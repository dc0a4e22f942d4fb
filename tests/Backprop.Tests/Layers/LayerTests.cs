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

    [Fact]
    public void A_layers_state_goes_through_a_checkpoint_file_and_back()
    {
        Dataset<float> data = TestData.Blobs(20);
        string dir = TestData.TempDirectory();
        string path = Path.Combine(dir, "ck.json");
        Network<float> Make() => new(2, [new Dense<float>(4, Activation.Tanh), new PassCounter(), new Dense<float>(3, Activation.Softmax)], Loss.CrossEntropy);
        Network<float> first = Make();
        Initializer.Randomize(first, 1);
        var trainer = new Trainer<float>(first, new Sgd<float>(0.1), new TrainingOptions { MaxEpochs = 2, BatchSize = 5 });
        trainer.Fit(data);
        trainer.CreateCheckpoint().Save(path);
        Assert.Contains("\"layer2.passes\"", File.ReadAllText(path), StringComparison.Ordinal);

        Network<float> second = Make();
        new Trainer<float>(second, new Sgd<float>(0.1), new TrainingOptions { MaxEpochs = 2, BatchSize = 5 }).Restore(TrainingCheckpoint.Load(path));
        float passes = first.Layers[1].StateBuffers[0].Value[0];
        Assert.True(passes >= 2, $"{passes} passes");
        Assert.Equal(passes, second.Layers[1].StateBuffers[0].Value[0]);

        Network<float> plain = new([2, 4, 3], [Activation.Tanh, Activation.Softmax], Loss.CrossEntropy);
        var other = new Trainer<float>(plain, new Sgd<float>(0.1), new TrainingOptions { MaxEpochs = 2, BatchSize = 5 });
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => other.Restore(TrainingCheckpoint.Load(path)));
        Assert.Contains("layer state", e.Message, StringComparison.Ordinal);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void A_model_refuses_layers_its_file_cannot_store()
    {
        var network = new Network<float>(2, [new Dense<float>(4, Activation.Tanh), new PassCounter(), new Dense<float>(3, Activation.Softmax)], Loss.CrossEntropy);
        Assert.Throws<ArgumentException>(() => new Model(network, ["a", "b"], "y", ["p", "q", "r"], new FeatureScaler(ScalingKind.None, [0, 0], [1, 1])));
    }

    // y = x; counts the training passes in its state.
    private sealed class PassCounter : Layer<float>
    {
        private readonly float[] _passes = [0];

        public override int Outputs => Inputs;

        public override IReadOnlyList<KeyValuePair<string, float[]>> StateBuffers => [new("passes", _passes)];

        public override void Forward(ReadOnlySpan<float> x, Span<float> y, int batch, bool training)
        {
            x[..(batch * Inputs)].CopyTo(y);
            if (training)
            {
                _passes[0]++;
            }
        }

        public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> dy, Span<float> dx, int batch)
        {
            if (!dx.IsEmpty)
            {
                dy[..(batch * Inputs)].CopyTo(dx);
            }
        }
    }
}
