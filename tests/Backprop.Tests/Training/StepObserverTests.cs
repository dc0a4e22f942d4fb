namespace Backprop.Tests.Training;

public class StepObserverTests
{
    private static (Network<double> Network, double[] X, double[] T) Setup()
    {
        var network = new Network<double>([3, 4, 2], [Activation.Tanh, Activation.Softmax], Loss.CrossEntropy);
        Span<double> parameters = network.Parameters;
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] = 0.5 * Math.Sin(i + 1);
        }
        double[] x = [0.5, -1, 2, 1, 0.25, -0.5];
        double[] t = [1, 0, 0, 1];
        return (network, x, t);
    }

    /// <summary>Copies what the view shows at each call.</summary>
    private sealed class Copier : IStepObserver<double>
    {
        public List<string> Calls { get; } = [];
        public double[] Before = [], After = [], Gradients = [], Input = [], Target = [];
        public double[][] Z = [], A = [], Delta = [];
        public double Loss;
        public int Batch;
        public bool UpdatedBefore, UpdatedAfter;

        public void AfterBackward(StepView<double> step)
        {
            Calls.Add("backward");
            Before = step.Parameters.ToArray();
            Gradients = step.Gradients.ToArray();
            Input = step.Input.ToArray();
            Target = step.Target.ToArray();
            Z = [.. Enumerable.Range(0, step.LayerCount).Select(l => step.Z(l).ToArray())];
            A = [.. Enumerable.Range(0, step.LayerCount).Select(l => step.A(l).ToArray())];
            Delta = [.. Enumerable.Range(0, step.LayerCount).Select(l => step.Delta(l).ToArray())];
            Loss = step.Loss;
            Batch = step.BatchSize;
            UpdatedBefore = step.IsUpdated;
        }

        public void AfterUpdate(StepView<double> step)
        {
            Calls.Add("update");
            After = step.Parameters.ToArray();
            UpdatedAfter = step.IsUpdated;
        }
    }

    [Fact]
    public void An_observed_step_is_bit_identical_to_forward_backward_and_step()
    {
        (Network<double> plain, double[] x, double[] t) = Setup();
        double[] initial = plain.Parameters.ToArray();
        double plainLoss = plain.Forward(x, t, 2);
        plain.Backward();
        double[] gradients = plain.Gradients.ToArray();
        double[][] z = [plain.Z(0).ToArray(), plain.Z(1).ToArray()];
        double[][] a = [plain.A(0).ToArray(), plain.A(1).ToArray()];
        double[][] delta = [plain.Delta(0).ToArray(), plain.Delta(1).ToArray()];
        new Sgd<double>(0.1, momentum: 0.9).Step(plain.Parameters, plain.Gradients);

        (Network<double> observed, _, _) = Setup();
        var copier = new Copier();
        double loss = TrainingStep.Run(observed, new Sgd<double>(0.1, momentum: 0.9), x, t, 2, copier);

        Assert.Equal(["backward", "update"], copier.Calls);
        Assert.Equal(plainLoss, loss);
        Assert.Equal(plainLoss, copier.Loss);
        Assert.Equal(2, copier.Batch);
        Assert.Equal(initial, copier.Before);
        Assert.Equal(gradients, copier.Gradients);
        Assert.Equal(plain.Parameters.ToArray(), copier.After);
        Assert.Equal(plain.Parameters.ToArray(), observed.Parameters.ToArray());
        Assert.Equal(x, copier.Input);
        Assert.Equal(t, copier.Target);
        Assert.Equal(z, copier.Z);
        Assert.Equal(a, copier.A);
        Assert.Equal(delta, copier.Delta);
        Assert.False(copier.UpdatedBefore);
        Assert.True(copier.UpdatedAfter);
    }

    [Fact]
    public void Without_an_observer_the_step_still_updates()
    {
        (Network<double> network, double[] x, double[] t) = Setup();
        double[] initial = network.Parameters.ToArray();
        TrainingStep.Run(network, new Sgd<double>(0.1), x, t, 2);
        Assert.NotEqual(initial, network.Parameters.ToArray());
    }

    [Fact]
    public void The_view_rejects_a_layer_that_does_not_exist()
    {
        (Network<double> network, double[] x, double[] t) = Setup();
        var probe = new LayerProbe();
        TrainingStep.Run(network, new Sgd<double>(0.1), x, t, 2, probe);
        Assert.IsType<ArgumentOutOfRangeException>(probe.TooHigh);
        Assert.IsType<ArgumentOutOfRangeException>(probe.Negative);
    }

    private sealed class LayerProbe : IStepObserver<double>
    {
        public Exception? TooHigh, Negative;

        public void AfterBackward(StepView<double> step)
        {
            TooHigh = Record.Exception(() => step.Z(step.LayerCount).ToArray());
            Negative = Record.Exception(() => step.Delta(-1).ToArray());
        }

        public void AfterUpdate(StepView<double> step)
        {
        }
    }
}
