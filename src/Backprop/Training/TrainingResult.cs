namespace Backprop;

/// <summary>Why training stopped.</summary>
public enum StopReason
{
    /// <summary>An epoch's loss fell below <see cref="TrainingOptions.LossThreshold"/>.</summary>
    LossBelowThreshold,

    /// <summary><see cref="TrainingOptions.MaxEpochs"/> epochs ran.</summary>
    MaxEpochs,

    /// <summary>The caller cancelled; the current batch finished first.</summary>
    Cancelled,
}

/// <summary>The outcome of <see cref="Trainer{T}.Fit"/>.</summary>
/// <param name="Epochs">Epochs run (the last one counted even when it stopped before its last update).</param>
/// <param name="FinalLoss">The last epoch's training loss.</param>
/// <param name="Reason">Why training stopped.</param>
/// <param name="LossCurve">The training loss of every epoch, in order.</param>
public sealed record TrainingResult(int Epochs, double FinalLoss, StopReason Reason, IReadOnlyList<double> LossCurve);
