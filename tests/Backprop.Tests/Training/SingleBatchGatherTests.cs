namespace Backprop.Tests.Training;

/// <summary>
/// The whole set as one batch is gathered into the network once and reused while nothing can have changed it; a row
/// changed by a callback between epochs or batches is still seen in the next epoch.
/// </summary>
public class SingleBatchGatherTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_row_changed_by_a_callback_is_gathered_again(bool batchCallback)
    {
        double[] features = [0.1, 0.2, 0.7, 0.5, -0.3, 0.9];
        var data = new Dataset<double>(features, 3, [0, 1], 3);
        Network<double> network = new([3, 2, 3], [Activation.Sigmoid, Activation.Softmax], Loss.CrossEntropy);
        Initializer.Randomize(network, seed: 4);
        double[] initial = network.Parameters.ToArray();

        var trainer = new Trainer<double>(network, new Sgd<double>(0.5), new TrainingOptions { MaxEpochs = 4, BatchSize = 0, Shuffle = false });
        Action<EpochReport>? onEpoch = null;
        if (batchCallback)
        {
            trainer.BatchCompleted = report => features[0] = report.Epoch == 2 ? 5.0 : features[0];
        }
        else
        {
            onEpoch = report => features[0] = report.Epoch == 2 ? 5.0 : features[0];
        }
        TrainingResult result = trainer.Fit(data, onEpoch);
        double[] trained = network.Parameters.ToArray();

        // The same epochs by hand: forward, backward and step on the rows as they are in each epoch.
        features[0] = 0.1;
        initial.CopyTo(network.Parameters);
        var sgd = new Sgd<double>(0.5);
        double[] targets = [1, 0, 0, 0, 1, 0];
        var losses = new List<double>();
        for (int epoch = 1; epoch <= 4; epoch++)
        {
            losses.Add(network.Forward(features, targets, 2));
            network.Backward();
            sgd.Step(network.Parameters, network.Gradients);
            if (epoch == 2)
            {
                features[0] = 5.0;
            }
        }

        Assert.Equal(losses.Select(BitConverter.DoubleToInt64Bits), result.LossCurve.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(network.Parameters.ToArray().Select(BitConverter.DoubleToInt64Bits), trained.Select(BitConverter.DoubleToInt64Bits));
    }
}
