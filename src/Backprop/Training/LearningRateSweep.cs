namespace Backprop.Training;

/// <summary>What a learning-rate range test (<see cref="LearningRateFinder"/>) measured, and the rate it suggests.</summary>
/// <param name="Steps">The steps run, in order (rates growing).</param>
/// <param name="SuggestedStep">The step whose rate is suggested: where the smoothed loss falls fastest per unit of
/// ln η, before its minimum; null when the smoothed loss never fell.</param>
/// <param name="Diverged">True when the test stopped early because the smoothed loss rose above
/// <see cref="LearningRateSweepOptions.DivergenceFactor"/> times its minimum, or the loss was not finite.</param>
public sealed record LearningRateSweep(IReadOnlyList<LearningRateStep> Steps, int? SuggestedStep, bool Diverged)
{
    /// <summary>The suggested learning rate (the rate of <see cref="SuggestedStep"/>); null when there is none.</summary>
    public double? SuggestedRate => SuggestedStep is int s ? Steps[s - 1].LearningRate : null;
}
