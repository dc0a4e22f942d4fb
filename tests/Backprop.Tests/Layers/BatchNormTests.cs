namespace Backprop.Tests.Layers;

public class BatchNormTests
{
    private static Network<double> Make(Activation hidden = Activation.Tanh) =>
        new(3, [new Dense<double>(5, hidden), new BatchNorm<double>(momentum: 0.2), new Dense<double>(3, Activation.Softmax)], Loss.CrossEntropy);

    [Theory]
    [InlineData(2)]
    [InlineData(7)]
    public void Backward_matches_central_differences_with_batch_statistics(int batch)
    {
        Network<double> net = Make();
        Initializer.Randomize(net, 5);
        var rng = new Rng(1);
        for (int i = 0; i < net.ParameterCount; i++)
        {
            net.Parameters[i] += 0.2 * rng.NextGaussian(); // γ and β off 1 and 0 too
        }
        double[] x = TestData.RandomValues(batch * 3, 7);
        double[] t = TestData.OneHotRows(batch, 3, 2);
        (double[] analytic, double[] numeric) = FiniteDifferences.Gradients(net, x, t, batch);
        for (int i = 0; i < analytic.Length; i++)
        {
            Assert.Equal(numeric[i], analytic[i], 1e-7);
        }
    }

    [Fact]
    public void Training_normalises_with_the_batch_and_prediction_with_the_running_statistics()
    {
        Network<double> net = Make(Activation.Identity);
        Initializer.Randomize(net, 2);
        var norm = (BatchNorm<double>)net.Layers[1];
        double[] x = TestData.RandomValues(4 * 3, 9);
        net.Forward(x, TestData.OneHotRows(4, 3, 1), 4);
        // Each feature of the normalised batch has mean 0 and variance 1 (γ = 1, β = 0).
        ReadOnlySpan<double> y = net.A(1);
        for (int j = 0; j < 5; j++)
        {
            double mean = 0, square = 0;
            for (int r = 0; r < 4; r++)
            {
                mean += y[r * 5 + j] / 4;
                square += y[r * 5 + j] * y[r * 5 + j] / 4;
            }
            Assert.Equal(0, mean, 12);
            Assert.Equal(1, square, 1e-2); // ε = 1e-5 in the denominator
        }
        // One batch moved the running statistics a fifth of the way from (0, 1): prediction uses those.
        ReadOnlySpan<double> z = net.A(0);
        double mean0 = (z[0] + z[5] + z[10] + z[15]) / 4;
        Assert.Equal(0.2 * mean0, norm.StateBuffers[0].Value[0], 14);
        var predicted = new double[3];
        var trained = new double[3];
        net.A(2)[..3].CopyTo(trained);
        net.Predict(x.AsSpan(0, 3), 1, predicted);
        Assert.NotEqual(trained, predicted);
    }

    [Fact]
    public void The_running_statistics_go_through_a_checkpoint_and_training_resumes_bit_identically()
    {
        Dataset<float> data = TestData.Blobs(30);
        string dir = TestData.TempDirectory();
        string path = Path.Combine(dir, "ck.json");
        (float[] Parameters, float[] Mean) Run(bool resume)
        {
            var network = new Network<float>(2, [new Dense<float>(6, Activation.Relu), new BatchNorm<float>(), new Dense<float>(3, Activation.Softmax)], Loss.CrossEntropy);
            Initializer.Randomize(network, 2);
            var trainer = new Trainer<float>(network, new Adam<float>(0.01), new TrainingOptions { MaxEpochs = 4, BatchSize = 8, Seed = 1 });
            if (resume)
            {
                trainer.Restore(TrainingCheckpoint.Load(path));
            }
            trainer.Fit(data, r =>
            {
                if (r.Epoch == 2 && !resume)
                {
                    trainer.CreateCheckpoint().Save(path);
                }
            });
            return (network.Parameters.ToArray(), [.. network.Layers[1].StateBuffers[0].Value]);
        }
        (float[] parameters, float[] mean) = Run(resume: false);
        (float[] resumedParameters, float[] resumedMean) = Run(resume: true);
        Assert.Equal(parameters, resumedParameters);
        Assert.Equal(mean, resumedMean);
        Assert.Contains(mean, m => m != 0);
        Directory.Delete(dir, true);
    }
}
