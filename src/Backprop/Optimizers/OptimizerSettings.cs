namespace Backprop.Optimizers;

/// <summary>The settings an optimizer is created with by name (<see cref="OptimizerNames"/>); each uses those it has.</summary>
/// <param name="LearningRate">The initial learning rate η.</param>
/// <param name="Momentum">The momentum μ (or decay of the running averages) for optimizers that keep one.</param>
/// <param name="WeightDecay">The weight decay λ.</param>
public sealed record OptimizerSettings(double LearningRate, double Momentum, double WeightDecay);
