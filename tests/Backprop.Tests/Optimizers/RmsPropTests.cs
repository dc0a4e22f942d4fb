namespace Backprop.Tests.Optimizers;

public class RmsPropTests
{
    [Fact]
    public void A_step_matches_the_formula_written_out()
    {
        var rms = new RmsProp<double>(0.01, rho: 0.8, epsilon: 1e-6, weightDecay: 0.1);
        double[] theta = [0.5, -1.0];
        double[] s = [0, 0];
        double[][] grads = [[0.2, -0.4], [0.1, 0.3]];
        double[] expected = [.. theta];
        foreach (double[] g in grads)
        {
            for (int i = 0; i < 2; i++)
            {
                double gi = g[i] + 0.1 * expected[i];
                s[i] = 0.8 * s[i] + (1 - 0.8) * gi * gi;
                expected[i] -= 0.01 * gi / (Math.Sqrt(s[i]) + 1e-6);
            }
            rms.Step(theta, g);
        }
        Assert.Equal(expected, theta);
        Assert.Equal(2, rms.Steps);
        Assert.Equal(s, rms.StateBuffers(2)[0].Value);
    }

    [Fact]
    public void It_is_checkpointed_and_resumed_bit_identically()
    {
        Assert.Equal("rmsprop", OptimizerStateTests.AssertResumesBitIdentically(() => new RmsProp<float>(0.01, weightDecay: 1e-4)));
    }

    [Fact]
    public void It_trains_a_network_whose_gradients_check()
    {
        // Gradients come from the network, which the optimizer never sees: a short run must lower the loss.
        Dataset<float> data = TestData.Blobs(60);
        var network = new Network<float>([2, 8, 3], [Activation.Tanh, Activation.Softmax], Loss.CrossEntropy);
        Initializer.Randomize(network, 1);
        TrainingResult result = new Trainer<float>(network, new RmsProp<float>(0.01), new TrainingOptions { MaxEpochs = 20, BatchSize = 16 }).Fit(data);
        Assert.True(result.LossCurve[^1] < result.LossCurve[0] / 2, $"loss {result.LossCurve[0]} → {result.LossCurve[^1]}");
    }

    [Fact]
    public void The_command_line_trains_with_rmsprop()
    {
        CliRunner.Result run = CliRunner.InProcess("train", "--dataset", "iris", "--optimizer", "rmsprop", "--epochs", "3", "--hidden", "4");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("rmsprop", CliRunner.InProcess("train", "--help").Out, StringComparison.Ordinal);
        CliRunner.Result unknown = CliRunner.InProcess("train", "--dataset", "iris", "--optimizer", "rmspro");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("adamw or rmsprop", unknown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Out_of_range_settings_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp<float>(0.01, rho: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp<float>(0.01, epsilon: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp<float>(-1));
    }
}
