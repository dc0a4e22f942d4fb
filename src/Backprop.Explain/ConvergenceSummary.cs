namespace Backprop.Explain;

/// <summary>
/// A full training run from the explained step's starting point, as `train` runs it: the epoch count as the trainer
/// reports it, whether the loss fell below the threshold, the final loss and the final parameters. Made by
/// <see cref="Run"/>; shown through <see cref="ComposeOptions.Convergence"/>.
/// </summary>
public sealed class ConvergenceSummary
{
    internal ConvergenceSummary(int epochs, bool converged, double threshold, double finalLoss, IReadOnlyList<Matrix> weights, IReadOnlyList<Matrix> biases)
    {
        Epochs = epochs;
        Converged = converged;
        Threshold = threshold;
        FinalLoss = finalLoss;
        Weights = weights;
        Biases = biases;
    }

    /// <summary>Epochs as the trainer reports them.</summary>
    public int Epochs { get; }

    /// <summary>Whether the loss fell below <see cref="Threshold"/> (else the epoch limit was reached).</summary>
    public bool Converged { get; }

    /// <summary>The loss threshold; 0 for none.</summary>
    public double Threshold { get; }

    /// <summary>The loss of the last epoch.</summary>
    public double FinalLoss { get; }

    /// <summary>Each layer's final W, (out, in).</summary>
    internal IReadOnlyList<Matrix> Weights { get; }

    /// <summary>Each layer's final b, (out, 1).</summary>
    internal IReadOnlyList<Matrix> Biases { get; }

    /// <summary>Runs the real <see cref="Trainer{T}"/> with plain gradient descent on a full batch.</summary>
    /// <param name="network">A fresh network with the explained step's initial parameters; it is trained.</param>
    /// <param name="data">The samples of the step.</param>
    /// <param name="learningRate">η.</param>
    /// <param name="threshold">Stop when the loss falls below it; 0 for no threshold.</param>
    /// <param name="maxEpochs">The epoch limit.</param>
    /// <param name="freezeBiases">Train with <see cref="FrozenBiases"/>: the biases keep their initial values.</param>
    public static ConvergenceSummary Run(Network<double> network, Dataset<double> data, double learningRate, double threshold, int maxEpochs, bool freezeBiases = false)
    {
        ArgumentNullException.ThrowIfNull(network);
        var sgd = new Sgd<double>(learningRate);
        var trainer = new Trainer<double>(network, freezeBiases ? new FrozenBiases(network, sgd) : sgd, new TrainingOptions
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
