namespace Backprop.Tests.Losses;

public class SigmoidBinaryCrossEntropyTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    public void Backward_matches_central_differences(int batch)
    {
        var net = new Network<double>([3, 5, 4], [Activation.Relu, Activation.Sigmoid], new SigmoidBinaryCrossEntropy());
        Initializer.Randomize(net, 9);
        double[] x = TestData.RandomValues(batch * 3, 3);
        // Multi-label targets: several outputs on at once, and a soft one.
        double[] t = [.. Enumerable.Range(0, batch * 4).Select(i => i % 3 == 0 ? 1.0 : i % 5 == 0 ? 0.3 : 0.0)];
        (double[] analytic, double[] numeric) = FiniteDifferences.Gradients(net, x, t, batch);
        for (int i = 0; i < analytic.Length; i++)
        {
            Assert.Equal(numeric[i], analytic[i], 1e-8);
        }
    }

    [Fact]
    public void The_value_is_the_mean_binary_cross_entropy_and_stable_for_large_logits()
    {
        var net = new Network<double>([1, 2], [Activation.Sigmoid], new SigmoidBinaryCrossEntropy());
        net.DenseLayers[0].Bias[0] = 0.4;
        net.DenseLayers[0].Bias[1] = -1.2;
        double a0 = 1 / (1 + Math.Exp(-0.4)), a1 = 1 / (1 + Math.Exp(1.2));
        double expected = -(Math.Log(a0) + Math.Log(1 - a1)) / 2;
        Assert.Equal(expected, net.Forward([0.0], [1, 0], 1), 14);
        net.DenseLayers[0].Bias[0] = 1e4;
        net.DenseLayers[0].Bias[1] = -1e4;
        Assert.Equal(1e4, net.Forward([0.0], [0, 1], 1), 9); // both outputs wrong by 1e4 in the logit
        Assert.Throws<ArgumentException>(() => new Network<double>([1, 2], [Activation.Softmax], new SigmoidBinaryCrossEntropy()));
    }

    [Fact]
    public void A_checkpoint_of_a_multi_label_network_resumes_bit_identically()
    {
        var rng = new Rng(4);
        float[] x = [.. Enumerable.Range(0, 40 * 3).Select(_ => (float)rng.NextGaussian())];
        float[] t = [.. Enumerable.Range(0, 40 * 2).Select(i => x[i / 2 * 3 + i % 2] > 0 ? 1f : 0f)];
        var data = new Dataset<float>(x, 3, t, 2);
        string dir = TestData.TempDirectory();
        string path = Path.Combine(dir, "ck.json");
        float[] Run(bool resume)
        {
            var network = new Network<float>([3, 6, 2], [Activation.Tanh, Activation.Sigmoid], new SigmoidBinaryCrossEntropy());
            Initializer.Randomize(network, 2);
            var trainer = new Trainer<float>(network, new Sgd<float>(0.5), new TrainingOptions { MaxEpochs = 4, BatchSize = 8, Seed = 1 });
            if (resume)
            {
                trainer.Restore(TrainingCheckpoint.Load(path));
            }
            TrainingResult result = trainer.Fit(data, r =>
            {
                if (r.Epoch == 2 && !resume)
                {
                    trainer.CreateCheckpoint().Save(path);
                }
            });
            Assert.True(result.LossCurve[^1] < Math.Log(2), $"loss {result.LossCurve[^1]}");
            return network.Parameters.ToArray();
        }
        float[] full = Run(resume: false);
        Assert.Equal(full, Run(resume: true));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void The_command_line_trains_with_binary_cross_entropy()
    {
        CliRunner.Result run = CliRunner.InProcess("train", "--loss", "bce", "--max-epochs", "5", "--target", "1,0,1");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.IsType<SigmoidBinaryCrossEntropy>(TestData.Loss("binary-cross-entropy"));
        CliRunner.Result wrong = CliRunner.InProcess("train", "--loss", "bce", "--output-activation", "tanh");
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("binary-cross-entropy always uses a sigmoid output", wrong.Error, StringComparison.Ordinal);
    }
}
