namespace Backprop.Tests.Layers;

/// <summary>
/// The widely reproduced 2-2-2 example: logistic units everywhere, E = Σ ½ (t − o)² (which with two outputs is the
/// mean squared error over outputs), η = 0.5; published figures to 8–9 digits.
/// </summary>
public class ClassicExampleTests
{
    private const string Weights = """
        { "W1": [[0.15, 0.20], [0.25, 0.30]], "b1": [0.35, 0.35],
          "W2": [[0.40, 0.45], [0.50, 0.55]], "b2": [0.60, 0.60] }
        """;

    private static Network<double> Create()
    {
        var net = new Network<double>([2, 2, 2], [Activation.Sigmoid, Activation.Sigmoid], Loss.MeanSquaredError);
        WeightsFile.Parse(Weights, net);
        return net;
    }

    [Fact]
    public void Forward_pass_gives_the_published_outputs_and_error()
    {
        Network<double> net = Create();
        double e = net.Forward([0.05, 0.10], [0.01, 0.99], 1);
        TensorAssert.Close("out_h", [0.593269992, 0.596884378], net.A(0), 5e-10);
        TensorAssert.Close("out_o", [0.75136507, 0.772928465], net.A(1), 5e-9);
        TensorAssert.Close("E_total", 0.298371109, e, 5e-10);
    }

    [Fact]
    public void One_update_gives_the_published_weights()
    {
        Network<double> net = Create();
        net.Forward([0.05, 0.10], [0.01, 0.99], 1);
        net.Backward();
        new Sgd<double>(0.5).Step(net.Parameters, net.Gradients);
        TensorAssert.Close("w5..w8", [0.35891648, 0.408666186, 0.511301270, 0.561370121], net.DenseLayers[1].Weights, 5e-9);
        TensorAssert.Close("w1..w4", [0.149780716, 0.19956143, 0.24975114, 0.29950229], net.DenseLayers[0].Weights, 5e-9);
    }
}
