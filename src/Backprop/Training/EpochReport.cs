namespace Backprop;

/// <summary>What one finished epoch measured.</summary>
/// <param name="Epoch">The epoch number, from 1.</param>
/// <param name="Loss">The epoch's training loss: the row-weighted mean of its batch losses, each before its update.</param>
/// <param name="Seconds">Wall-clock seconds the epoch took.</param>
public sealed record EpochReport(int Epoch, double Loss, double Seconds)
{
    /// <summary>Mean cross-entropy (or mean squared error) on the validation data, without dropout or class weights; null without validation data.</summary>
    public double? ValidationLoss { get; init; }

    /// <summary>Fraction of validation rows whose most probable class is their label; null without validation data or for regression.</summary>
    public double? ValidationAccuracy { get; init; }

    /// <summary>The learning rate used during the epoch.</summary>
    public double LearningRate { get; init; }
}
