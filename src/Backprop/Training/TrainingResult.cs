namespace Backprop.Training;

/// <summary>Why training stopped.</summary>
public enum StopReason
{
    /// <summary>An epoch's loss fell below <see cref="TrainingOptions.LossThreshold"/>.</summary>
    LossBelowThreshold,

    /// <summary><see cref="TrainingOptions.MaxEpochs"/> epochs ran.</summary>
    MaxEpochs,

    /// <summary>The caller cancelled; the current batch finished first.</summary>
    Cancelled,

    /// <summary>The validation loss stopped improving for <see cref="TrainingOptions.Patience"/> epochs.</summary>
    EarlyStopped,
}

/// <summary>The outcome of <see cref="Trainer{T}.Fit(Dataset{T}, Action{EpochReport}?, CancellationToken)"/>.</summary>
/// <param name="Epochs">Epochs run (the last one counted even when it stopped before its last update).</param>
/// <param name="FinalLoss">The last epoch's training loss.</param>
/// <param name="Reason">Why training stopped.</param>
/// <param name="LossCurve">The training loss of every epoch, in order.</param>
public sealed record TrainingResult(int Epochs, double FinalLoss, StopReason Reason, IReadOnlyList<double> LossCurve)
{
    /// <summary>Every epoch's report (training and validation loss, accuracy, learning rate, seconds), in order.</summary>
    public IReadOnlyList<EpochReport> History { get; init; } = [];

    /// <summary>The epoch whose parameters the network holds after early stopping restored the best ones; null when not restored.</summary>
    public int? BestEpoch { get; init; }
}
