namespace Backprop.Training;

/// <summary>What one finished epoch measured.</summary>
/// <param name="Epoch">The epoch number, from 1.</param>
/// <param name="Loss">The epoch's training loss: the row-weighted mean of its batch losses, each before its update.</param>
/// <param name="Seconds">
/// Wall-clock seconds the epoch took. Epochs of under 20 µs that no epoch callback watched are timed in groups of up
/// to 64 (one clock reading per group, which would otherwise cost an eighth of such an epoch): each gets its group's mean.
/// </param>
public sealed record EpochReport(int Epoch, double Loss, double Seconds)
{
    /// <summary>Wall-clock seconds the epoch took (see the constructor).</summary>
    public double Seconds { get; internal set; } = Seconds;

    /// <summary>Mean cross-entropy (or mean squared error) on the validation data, without dropout or class weights; null without validation data.</summary>
    public double? ValidationLoss { get; init; }

    /// <summary>Fraction of validation rows whose most probable class is their label; null without validation data or for regression.</summary>
    public double? ValidationAccuracy { get; init; }

    /// <summary>The learning rate used during the epoch.</summary>
    public double LearningRate { get; init; }
}
