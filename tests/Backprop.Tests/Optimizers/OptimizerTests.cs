namespace Backprop.Tests.Optimizers;

/// <summary>Each optimizer against a plain scalar transcription of its formulas, in double, over several steps.</summary>
public class OptimizerTests
{
    private static readonly double[] Start = [0.5, -1.25, 2.0, 0.0, -0.75];

    private static double[] Gradient(int step) => [.. Start.Select((v, i) => Math.Sin(step + i) + 0.1 * v)];

    [Fact]
    public void Plain_sgd_is_theta_minus_eta_gradient()
    {
        var sgd = new Sgd<double>(0.1);
        double[] theta = [.. Start];
        double[] g = Gradient(0);
        sgd.Step(theta, g);
        for (int i = 0; i < theta.Length; i++)
        {
            Assert.Equal(Start[i] - 0.1 * g[i], theta[i]);
        }
    }

    [Theory]
    [InlineData(false, 0.0)]
    [InlineData(true, 0.0)]
    [InlineData(false, 0.01)]
    [InlineData(true, 0.01)]
    public void Momentum_and_nesterov_follow_their_reference(bool nesterov, double decay)
    {
        var sgd = new Sgd<double>(0.05, 0.9, nesterov, decay);
        double[] theta = [.. Start];
        double[] reference = [.. Start];
        var v = new double[Start.Length];
        for (int step = 0; step < 6; step++)
        {
            double[] g = Gradient(step);
            sgd.Step(theta, g);
            for (int i = 0; i < reference.Length; i++)
            {
                double gi = g[i] + decay * reference[i];
                v[i] = 0.9 * v[i] + gi;
                reference[i] -= 0.05 * (nesterov ? gi + 0.9 * v[i] : v[i]);
            }
        }
        for (int i = 0; i < theta.Length; i++)
        {
            Assert.Equal(reference[i], theta[i], 1e-15);
        }
    }

    [Theory]
    [InlineData(0.0, false)]
    [InlineData(0.01, false)]
    [InlineData(0.01, true)]
    public void Adam_and_adamw_follow_their_reference(double decay, bool decoupled)
    {
        var adam = new Adam<double>(0.01, 0.9, 0.999, 1e-8, decay, decoupled);
        double[] theta = [.. Start];
        double[] reference = [.. Start];
        var m = new double[Start.Length];
        var v = new double[Start.Length];
        for (int step = 1; step <= 7; step++)
        {
            double[] g = Gradient(step);
            adam.Step(theta, g);
            for (int i = 0; i < reference.Length; i++)
            {
                double gi = decoupled ? g[i] : g[i] + decay * reference[i];
                m[i] = 0.9 * m[i] + 0.1 * gi;
                v[i] = 0.999 * v[i] + 0.001 * gi * gi;
                double mHat = m[i] / (1 - Math.Pow(0.9, step));
                double vHat = v[i] / (1 - Math.Pow(0.999, step));
                if (decoupled)
                {
                    reference[i] -= 0.01 * decay * reference[i];
                }
                reference[i] -= 0.01 * mHat / (Math.Sqrt(vHat) + 1e-8);
            }
        }
        for (int i = 0; i < theta.Length; i++)
        {
            Assert.Equal(reference[i], theta[i], 1e-12);
        }
    }

    [Fact]
    public void Optimizer_steps_allocate_nothing_after_the_first()
    {
        var theta = new float[1000];
        var g = new float[1000];
        Array.Fill(g, 0.5f);
        IOptimizer<float>[] optimizers = [new Sgd<float>(0.1), new Sgd<float>(0.1, 0.9, true, 1e-4), new Adam<float>(0.001, weightDecay: 1e-4, decoupledWeightDecay: true)];
        foreach (IOptimizer<float> optimizer in optimizers)
        {
            optimizer.Step(theta, g);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++)
            {
                optimizer.Step(theta, g);
            }
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    [Fact]
    public void Invalid_hyper_parameters_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd<float>(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd<float>(0.1, 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd<float>(0.1, 0, nesterov: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd<float>(0.1, 0.9, false, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam<float>(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam<float>(0.1, beta1: 1));
    }

    [Fact]
    public void Every_registered_optimizer_is_created_by_its_name_and_checkpoints_under_it()
    {
        foreach (string name in OptimizerNames.All)
        {
            IOptimizer<float> optimizer = OptimizerNames.Create(name.ToUpperInvariant(), new OptimizerSettings(0.01, 0.9, 0));
            Assert.Equal(name, Assert.IsAssignableFrom<IStatefulOptimizer<float>>(optimizer).Kind);
            Assert.Equal(0.01, optimizer.LearningRate);
        }
        Assert.Throws<ArgumentException>(() => OptimizerNames.Create("lbfgs", new OptimizerSettings(0.01, 0.9, 0)));
        Assert.Equal(0.001, OptimizerNames.DefaultLearningRate("adam"));
        Assert.True(OptimizerNames.UsesMomentum("nesterov"));
    }
}
