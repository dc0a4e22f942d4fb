namespace Backprop.Losses;

/// <summary>The loss a network is trained to minimise; a batch's loss is the mean of its samples' losses.</summary>
public enum Loss
{
    /// <summary>
    /// Softmax output with cross-entropy, fused: L = −Σ_i t_i ln a_i with a = softmax(z), computed as
    /// −Σ_i t_i (z_i − log Σ_j e^(z_j)); the output delta is δ = ∂L/∂z = a − t (divided by the batch size).
    /// </summary>
    CrossEntropy,

    /// <summary>
    /// Mean squared error over outputs and over the batch: L = (1 / (B n)) Σ (a − t)², with any output activation;
    /// δ = 2 (a − t) / (B n) ⊙ f'(z).
    /// </summary>
    MeanSquaredError,
}
