namespace Backprop.Tests.Losses;

public class HuberTests
{
    [Theory]
    [InlineData(1.0, 1)]
    [InlineData(0.05, 7)]  // most errors beyond δ: the linear branch
    [InlineData(10.0, 3)]  // all within δ: half the squared error
    public void Backward_matches_central_differences(double delta, int batch)
    {
        var net = new Network<double>([3, 5, 2], [Activation.Tanh, Activation.Identity], new Huber(delta));
        Initializer.Randomize(net, 3);
        double[] x = TestData.RandomValues(batch * 3, 2);
        double[] t = TestData.RandomValues(batch * 2, 6);
        (double[] analytic, double[] numeric) = FiniteDifferences.Gradients(net, x, t, batch);
        for (int i = 0; i < analytic.Length; i++)
        {
            Assert.Equal(numeric[i], analytic[i], 1e-8);
        }
    }

    [Fact]
    public void The_value_is_quadratic_within_delta_and_linear_beyond()
    {
        var net = new Network<double>([1, 2], [Activation.Identity], new Huber(1));
        net.DenseLayers[0].Bias[0] = 0.5;
        net.DenseLayers[0].Bias[1] = 3;
        // r = 0.5 → 0.125; r = 3 → 1 · (3 − 0.5) = 2.5; mean over 2 outputs.
        Assert.Equal((0.125 + 2.5) / 2, net.Forward([0.0], [0, 0], 1), 15);
    }

    [Fact]
    public void A_checkpoint_of_a_huber_network_resumes_bit_identically()
    {
        Dataset<float> data = TestData.Blobs(30);
        string dir = TestData.TempDirectory();
        string path = Path.Combine(dir, "ck.json");
        float[] Run(bool resume)
        {
            var network = new Network<float>([2, 6, 3], [Activation.Tanh, Activation.Sigmoid], new Huber(0.3));
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
            return network.Parameters.ToArray();
        }
        float[] full = Run(resume: false);
        Assert.Equal(full, Run(resume: true));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void The_command_line_trains_with_huber_and_its_delta()
    {
        CliRunner.Result run = CliRunner.InProcess("train", "--loss", "huber:0.5", "--output-activation", "sigmoid", "--max-epochs", "5");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.True(LossNames.TryCreate("HUBER:0.25", out Loss? loss));
        Assert.Equal(0.25, Assert.IsType<Huber>(loss).Threshold);
        Assert.Contains("huber:δ", CliRunner.InProcess("train", "--help").Out, StringComparison.Ordinal);
        CliRunner.Result negative = CliRunner.InProcess("train", "--loss", "huber:-1");
        Assert.Equal(2, negative.ExitCode);
        Assert.Contains("--loss: the setting of loss huber (-1) is out of its range", negative.Error, StringComparison.Ordinal);
        CliRunner.Result explain = CliRunner.InProcess("explain", "--loss", "huber");
        Assert.Equal(2, explain.ExitCode);
        Assert.Contains("explain writes out cross-entropy and mse only", explain.Error, StringComparison.Ordinal);
    }
}
