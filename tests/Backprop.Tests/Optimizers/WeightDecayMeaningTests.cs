namespace Backprop.Tests.Optimizers;

/// <summary>
/// What ClassifierOptions.WeightDecay, `--weight-decay` and the README promise: λ means PyTorch's weight_decay, λ θ added
/// to the gradient of every parameter, biases included (decoupled θ ← θ − η λ θ for AdamW), not scikit-learn's alpha.
/// </summary>
public class WeightDecayMeaningTests
{
    // A 2-2 network's parameters: W (4 values) then b (2 values); the last two are biases.
    private static readonly double[] Theta = [0.5, -1.5, 2.0, 0.25, 3.0, -4.0];
    private static readonly double[] Gradient = [0.1, 0.2, -0.3, 0.05, 0.4, -0.6];
    private const double Lambda = 0.01;

    public static TheoryData<string> Optimizers => new() { "sgd", "momentum", "nesterov", "adam" };

    private static IOptimizer<double> Create(string kind, double weightDecay) => kind switch
    {
        "sgd" => new Sgd<double>(0.1, 0, false, weightDecay),
        "momentum" => new Sgd<double>(0.1, 0.9, false, weightDecay),
        "nesterov" => new Sgd<double>(0.1, 0.9, true, weightDecay),
        _ => new Adam<double>(0.1, weightDecay: weightDecay),
    };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Lambda_theta_is_added_to_the_gradient_of_every_weight_and_bias(string kind)
    {
        double[] decayed = [.. Theta];
        Create(kind, Lambda).Step(decayed, Gradient);
        double[] byHand = [.. Theta];
        double[] g = [.. Gradient.Select((v, i) => v + Lambda * Theta[i])];
        Create(kind, 0).Step(byHand, g);
        TensorAssert.Close(kind, byHand, decayed, 1e-15);
    }

    [Fact]
    public void Adamw_decays_every_weight_and_bias_directly()
    {
        double[] decayed = [.. Theta];
        new Adam<double>(0.1, weightDecay: Lambda, decoupledWeightDecay: true).Step(decayed, Gradient);
        double[] byHand = [.. Theta.Select(v => v - 0.1 * Lambda * v)];
        new Adam<double>(0.1).Step(byHand, Gradient);
        TensorAssert.Close("adamw", byHand, decayed, 1e-15);
    }

    [Fact]
    public void The_cli_help_says_which_weight_decay_it_is()
    {
        CliRunner.Result help = CliRunner.InProcess("train", "--help");
        Assert.Contains("PyTorch", help.Out, StringComparison.Ordinal);
        Assert.Contains("alpha", help.Out, StringComparison.Ordinal);
    }
}
