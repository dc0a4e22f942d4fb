namespace Backprop.Training;

/// <summary>How a learning-rate range test (<see cref="LearningRateFinder"/>) sweeps.</summary>
public sealed record LearningRateSweepOptions
{
    /// <summary>The rate of the first step. Default 1e-7.</summary>
    public double StartRate { get; init; } = 1e-7;

    /// <summary>The rate of the last step. Default 10.</summary>
    public double EndRate { get; init; } = 10;

    /// <summary>
    /// Steps (mini-batches) of the sweep; the rate grows by the same factor at every step. A small set is passed over
    /// more than once (reshuffled each time), a large one less than once. Default 100.
    /// </summary>
    public int Steps { get; init; } = 100;

    /// <summary>Rows per mini-batch (at most the number of rows). Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Seed of the row shuffles and dropout masks. Default 0.</summary>
    public long Seed { get; init; }

    /// <summary>
    /// β of the loss's moving average (see <see cref="LearningRateStep.SmoothedLoss"/>), which averages about
    /// 1 / (1 − β) batches. Default 0.9: ten batches, less than a decade of rates in a 100-step sweep from 1e-7 to 10.
    /// </summary>
    public double Smoothing { get; init; } = 0.9;

    /// <summary>The sweep stops once the smoothed loss is above this many times its minimum. Default 4.</summary>
    public double DivergenceFactor { get; init; } = 4;
}
