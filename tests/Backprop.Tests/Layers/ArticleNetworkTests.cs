namespace Backprop.Tests.Layers;

/// <summary>The article's 3-2-3 network against the numbers its numpy program computes.</summary>
public class ArticleNetworkTests
{
    private const double Tolerance = 1e-12;

    private static Network<double> ForwardBackwardOnce()
    {
        Network<double> net = ArticleExample.CreateNetwork<double>();
        net.Forward([1.0, 1.0, 1.0], [1.0, 0.0, 0.0], 1);
        net.Backward();
        return net;
    }

    [Fact]
    public void First_forward_pass_matches_the_program()
    {
        Network<double> net = ForwardBackwardOnce();
        TensorAssert.Close("z2", Golden.Z2, net.Z(0), Tolerance);
        TensorAssert.Close("a2", Golden.A2, net.A(0), Tolerance);
        TensorAssert.Close("z3", Golden.Z3, net.Z(1), Tolerance);
        TensorAssert.Close("a3", Golden.A3, net.A(1), Tolerance);
    }

    [Fact]
    public void First_loss_is_exact_cross_entropy_and_differs_from_the_program_only_by_its_epsilon()
    {
        Network<double> net = ArticleExample.CreateNetwork<double>();
        double loss = net.Forward([1.0, 1.0, 1.0], [1.0, 0.0, 0.0], 1);
        TensorAssert.Close("loss = -ln a3[1]", -Math.Log(Golden.A3[0]), loss, 1e-15);
        // The program computes −ln(a + 1e-12); the difference is 1e-12 / a to first order.
        TensorAssert.Close("program loss", Golden.ProgramLoss, loss - Math.Log(1 + 1e-12 / Golden.A3[0]), Tolerance);
    }

    [Fact]
    public void First_backward_pass_matches_the_program()
    {
        Network<double> net = ForwardBackwardOnce();
        TensorAssert.Close("delta3", Golden.Delta3, net.Delta(1), Tolerance);
        TensorAssert.Close("dW2", Golden.DW2, net.DenseLayers[1].WeightGradients, Tolerance);
        TensorAssert.Close("db2", Golden.Delta3, net.DenseLayers[1].BiasGradients, Tolerance);
        TensorAssert.Close("delta2", Golden.Delta2, net.Delta(0), Tolerance);
        TensorAssert.Close("dW1", Golden.DW1, net.DenseLayers[0].WeightGradients, Tolerance);
        TensorAssert.Close("db1", Golden.Delta2, net.DenseLayers[0].BiasGradients, Tolerance);
    }

    [Fact]
    public void First_update_matches_the_program()
    {
        Network<double> net = ForwardBackwardOnce();
        new Sgd<double>(0.1).Step(net.Parameters, net.Gradients);
        TensorAssert.Close("W1", Golden.W1AfterOne, net.DenseLayers[0].Weights, Tolerance);
        TensorAssert.Close("b1", Golden.B1AfterOne, net.DenseLayers[0].Bias, Tolerance);
        TensorAssert.Close("W2", Golden.W2AfterOne, net.DenseLayers[1].Weights, Tolerance);
        TensorAssert.Close("b2", Golden.B2AfterOne, net.DenseLayers[1].Bias, Tolerance);
    }

    [Fact]
    public void Training_stops_at_epoch_278_with_the_programs_final_parameters()
    {
        Network<double> net = ArticleExample.CreateNetwork<double>();
        var trainer = new Trainer<double>(net, new Sgd<double>(ArticleExample.LearningRate), new TrainingOptions
        {
            MaxEpochs = ArticleExample.MaxEpochs,
            LossThreshold = ArticleExample.LossThreshold,
        });
        TrainingResult result = trainer.Fit(ArticleExample.CreateDataset<double>());

        Assert.Equal(StopReason.LossBelowThreshold, result.Reason);
        Assert.Equal(Golden.StopEpoch, result.Epochs);
        TensorAssert.Close("final loss", Golden.ProgramFinalLoss, result.FinalLoss, 2e-12);
        TensorAssert.Close("W1", Golden.W1Final, net.DenseLayers[0].Weights, Tolerance);
        TensorAssert.Close("b1", Golden.B1Final, net.DenseLayers[0].Bias, Tolerance);
        TensorAssert.Close("W2", Golden.W2Final, net.DenseLayers[1].Weights, Tolerance);
        TensorAssert.Close("b2", Golden.B2Final, net.DenseLayers[1].Bias, Tolerance);
    }

    [Fact]
    public void Float_network_follows_the_double_one_closely()
    {
        Network<float> net = ArticleExample.CreateNetwork<float>();
        var trainer = new Trainer<float>(net, new Sgd<float>(0.1), new TrainingOptions { LossThreshold = 0.01 });
        TrainingResult result = trainer.Fit(ArticleExample.CreateDataset<float>());
        Assert.InRange(result.Epochs, Golden.StopEpoch - 1, Golden.StopEpoch + 1);
        double[] w2 = [.. net.DenseLayers[1].Weights.ToArray().Select(v => (double)v)];
        TensorAssert.Close("W2 (float)", Golden.W2Final, w2, 1e-4);
    }
}
