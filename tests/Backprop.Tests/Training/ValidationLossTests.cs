namespace Backprop.Tests.Training;

/// <summary>
/// The validation loss a trainer reports is the network's own loss on the validation rows (without dropout), so that
/// early stopping and the plateau schedule watch what the network is trained on.
/// </summary>
public class ValidationLossTests
{
    public static TheoryData<string> Losses => ["huber", "binary-cross-entropy", "mse"];

    private static Loss Create(string name) => name switch
    {
        "huber" => new Huber(0.05),
        "binary-cross-entropy" => new SigmoidBinaryCrossEntropy(),
        _ => Loss.MeanSquaredError,
    };

    [Theory]
    [MemberData(nameof(Losses))]
    public void The_validation_loss_is_the_networks_loss(string name)
    {
        Loss loss = Create(name);
        Activation output = loss.FusedActivation ?? Activation.Sigmoid;
        // Targets in [0, 1], (rows, 2), from two features; validation rows differ from training rows.
        static Dataset<double> Data(int rows, int seed)
        {
            var random = new Random(seed);
            var x = new double[rows * 2];
            var t = new double[rows * 2];
            for (int r = 0; r < rows; r++)
            {
                x[2 * r] = random.NextDouble() * 2 - 1;
                x[2 * r + 1] = random.NextDouble() * 2 - 1;
                t[2 * r] = x[2 * r] > x[2 * r + 1] ? 1 : 0;
                t[2 * r + 1] = random.NextDouble();
            }
            return new Dataset<double>(x, 2, t, 2);
        }
        Dataset<double> train = Data(40, 1);
        Dataset<double> validation = Data(13, 2);
        var network = new Network<double>([2, 5, 2], [Activation.Tanh, output], loss);
        Initializer.Randomize(network, 3);
        var trainer = new Trainer<double>(network, new Sgd<double>(0.5), new TrainingOptions { MaxEpochs = 3, BatchSize = 8, Seed = 4 });
        TrainingResult result = trainer.Fit(train, validation);

        var x = new double[validation.Count * 2];
        var t = new double[validation.Count * 2];
        validation.Gather([.. Enumerable.Range(0, validation.Count)], x, t);
        double expected = network.Forward(x, t, validation.Count);
        Assert.Equal(expected, result.History[^1].ValidationLoss!.Value, 1e-12);
    }

    [Fact]
    public void The_validation_loss_is_measured_without_dropout()
    {
        var random = new Random(5);
        double[] x = [.. Enumerable.Range(0, 60).Select(_ => random.NextDouble())];
        double[] t = [.. Enumerable.Range(0, 30).Select(i => x[2 * i] * x[2 * i + 1])];
        var data = new Dataset<double>(x, 2, t, 1);
        var loss = new Huber(0.01);
        var network = new Network<double>(2, [new Dense<double>(16, Activation.Tanh), new Dropout<double>(0.5), new Dense<double>(1, Activation.Identity)], loss);
        Initializer.Randomize(network, 6);
        var trainer = new Trainer<double>(network, new Sgd<double>(0.1), new TrainingOptions { MaxEpochs = 2, BatchSize = 10, Seed = 7 });
        TrainingResult result = trainer.Fit(data, data);

        var a = new double[30];
        network.Predict(x, 30, a);
        double expected = loss.Value(new OutputBatch<double>(a, a, t, 30, 1, Activation.Identity));
        Assert.Equal(expected, result.History[^1].ValidationLoss!.Value, 1e-12);
    }
}
