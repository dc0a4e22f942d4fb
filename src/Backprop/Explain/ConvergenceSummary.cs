namespace Backprop.Explain;

/// <summary>
/// A full training run from the explained step's starting point, as `train` runs it: the epoch count as the trainer
/// reports it, whether the loss fell below the threshold, the final loss and the final parameters.
/// </summary>
internal sealed record ConvergenceSummary(int Epochs, bool Converged, double Threshold, double FinalLoss,
    IReadOnlyList<Matrix> Weights, IReadOnlyList<Matrix> Biases)
{
    /// <summary>Runs the real <see cref="Trainer{T}"/> with plain gradient descent on a full batch.</summary>
    public static ConvergenceSummary Run(Network<double> network, Dataset<double> data, double learningRate, double threshold, int maxEpochs)
    {
        ArgumentNullException.ThrowIfNull(network);
        var trainer = new Trainer<double>(network, new Sgd<double>(learningRate), new TrainingOptions
        {
            MaxEpochs = maxEpochs,
            LossThreshold = threshold > 0 ? threshold : null,
            BatchSize = 0,
            Shuffle = false,
        });
        TrainingResult result = trainer.Fit(data);
        return new ConvergenceSummary(result.Epochs, result.Reason == StopReason.LossBelowThreshold, threshold, result.FinalLoss,
            [.. network.DenseLayers.Select(l => Matrix.Copy(l.Weights, l.Outputs, l.Inputs))],
            [.. network.DenseLayers.Select(l => Matrix.Copy(l.Bias, l.Outputs, 1))]);
    }
}
