namespace Backprop.Training;

/// <summary>One step of a learning-rate range test (<see cref="LearningRateFinder"/>).</summary>
/// <param name="Step">The step, from 1.</param>
/// <param name="LearningRate">The rate η this step's update used.</param>
/// <param name="Loss">The batch's mean loss, measured before the update.</param>
/// <param name="SmoothedLoss">The exponential moving average of the losses so far, bias-corrected:
/// m_i = β m_{i−1} + (1 − β) loss_i, smoothed = m_i / (1 − β^i).</param>
public sealed record LearningRateStep(int Step, double LearningRate, double Loss, double SmoothedLoss);
