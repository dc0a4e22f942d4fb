using System.Globalization;

namespace Backprop.Tests.Tensors;

/// <summary>
/// The float32 network (fused bias + activation forward, ReLU mask fused into δ) against the double network on the
/// same parameters, and the float training loop with one and two threads.
/// </summary>
[Collection(KernelSettingsCollection.Name)]
public class FloatPathTests
{
    [Theory]
    [InlineData(Activation.Relu, "cross-entropy")]
    [InlineData(Activation.Sigmoid, "cross-entropy")]
    [InlineData(Activation.Tanh, "mse")]
    [InlineData(Activation.LeakyRelu, "cross-entropy")]
    [InlineData(Activation.Identity, "mse")]
    public void Float_network_matches_the_double_network(Activation hidden, string lossName)
    {
        Loss loss = TestData.Loss(lossName);
        int[] sizes = [37, 45, 33, 10];
        Activation output = loss.FusedActivation ?? Activation.Sigmoid;
        var d = new Network<double>(sizes, [hidden, hidden, output], loss);
        Initializer.Randomize(d, 11);
        var f = new Network<float>(sizes, [hidden, hidden, output], loss);
        for (int i = 0; i < d.ParameterCount; i++)
        {
            f.Parameters[i] = (float)d.Parameters[i];
        }
        int batch = 19;
        var rng = new Rng(3);
        double[] x = new double[batch * sizes[0]];
        double[] t = new double[batch * sizes[^1]];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = rng.NextGaussian();
        }
        for (int r = 0; r < batch; r++)
        {
            t[r * sizes[^1] + rng.Next(sizes[^1])] = 1;
        }

        double lossD = d.Forward(x, t, batch);
        float lossF = f.Forward(Array.ConvertAll(x, v => (float)v), Array.ConvertAll(t, v => (float)v), batch);
        d.Backward();
        f.Backward();

        TensorAssert.Close("loss", lossD, lossF, 1e-5 * Math.Max(1, Math.Abs(lossD)));
        for (int l = 0; l < d.DenseLayers.Count; l++)
        {
            CloseRelative($"a{l + 1}", d.A(l), f.A(l));
        }
        CloseRelative("gradients", d.Gradients, f.Gradients);
    }

    [Fact]
    public void Float_training_is_bit_identical_with_one_and_two_threads()
    {
        float[] one = Train(threads: 1);
        float[] two = Train(threads: 2);
        Assert.True(one.AsSpan().SequenceEqual(two), "parameters after training differ between 1 and 2 threads");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_float_training_step_allocates_nothing_once_warm(int threads)
    {
        int saved = WorkerPool.ThreadCount;
        try
        {
            WorkerPool.ThreadCount = threads;
            Dataset<float> data = SyntheticImages(rows: 64, features: 784, classes: 10, seed: 4);
            var network = new Network<float>([784, 128, 10], [Activation.Relu, Activation.Softmax], Loss.CrossEntropy);
            Initializer.Randomize(network, 5);
            var sgd = new Sgd<float>(0.1);
            float[] x = data.Features.ToArray();
            float[] t = new float[64 * 10];
            for (int r = 0; r < 64; r++)
            {
                t[r * 10 + data.Labels[r]] = 1;
            }
            for (int warm = 0; warm < 3; warm++)
            {
                network.Forward(x, t, 64);
                network.Backward();
                sgd.Step(network.Parameters, network.Gradients);
            }
            // The least of three rounds: a buffer made once by this thread (the GEMM's per-thread scratch, when another
            // test holds the worker pool and this thread runs every block itself) is not a step that allocates.
            long least = long.MaxValue;
            for (int round = 0; round < 3; round++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int step = 0; step < 10; step++)
                {
                    network.Forward(x, t, 64);
                    network.Backward();
                    sgd.Step(network.Parameters, network.Gradients);
                }
                least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
            }
            Assert.Equal(0, least);
        }
        finally
        {
            WorkerPool.ThreadCount = saved;
        }
    }

    private static float[] Train(int threads)
    {
        int saved = WorkerPool.ThreadCount;
        try
        {
            WorkerPool.ThreadCount = threads;
            Dataset<float> data = SyntheticImages(rows: 640, features: 784, classes: 10, seed: 1);
            var network = new Network<float>([784, 128, 10], [Activation.Relu, Activation.Softmax], Loss.CrossEntropy);
            Initializer.Randomize(network, 7);
            var trainer = new Trainer<float>(network, new Sgd<float>(0.1), new TrainingOptions { MaxEpochs = 2, BatchSize = 64, Shuffle = true, Seed = 9 });
            trainer.Fit(data);
            return network.Parameters.ToArray();
        }
        finally
        {
            WorkerPool.ThreadCount = saved;
        }
    }

    internal static Dataset<float> SyntheticImages(int rows, int features, int classes, long seed)
    {
        var rng = new Rng(seed);
        var x = new float[rows * features];
        var labels = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            labels[r] = rng.Next(classes);
            for (int c = 0; c < features; c++)
            {
                // Pixels in [0, 1] with a class-dependent bright band, so the classes are learnable.
                double band = (c * classes / features) == labels[r] ? 0.5 : 0.0;
                x[r * features + c] = (float)Math.Min(1.0, band + 0.5 * rng.NextDouble());
            }
        }
        return new Dataset<float>(x, features, labels, classes);
    }

    private static void CloseRelative(string name, ReadOnlySpan<double> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = 0;
        foreach (double v in expected)
        {
            scale = Math.Max(scale, Math.Abs(v));
        }
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs(expected[i] - actual[i]);
            if (!(diff <= 1e-4 * scale + 1e-6))
            {
                Assert.Fail(string.Create(CultureInfo.InvariantCulture, $"{name}[{i}]: expected {expected[i]:R}, got {actual[i]:R}"));
            }
        }
    }
}
