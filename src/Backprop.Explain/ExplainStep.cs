namespace Backprop.Explain;

/// <summary>
/// One recorded step of a training iteration, in the article's numbering: layer l of the engine (from 0) computes
/// z^(l+2) from a^(l+1) with W^(l+1) and b^(l+1); the input is a^(1). Every matrix holds the engine's own values.
/// </summary>
internal abstract record ExplainStep(int Layer)
{
    /// <summary>The article's number of the units this layer computes (z, a, δ): input is 1.</summary>
    public int Units => Layer + 2;

    /// <summary>The article's number of this layer's parameters (W, b).</summary>
    public int Parameters => Layer + 1;
}

/// <summary>z = W a_prev + b: W (out, in), a_prev (in, batch), b (out, 1), z (out, batch).</summary>
internal sealed record LinearStep(int Layer, Matrix Weights, Matrix Input, Matrix Bias, Matrix Z) : ExplainStep(Layer);

/// <summary>a = f(z), element by element (softmax: column by column).</summary>
internal sealed record ActivationStep(int Layer, Activation Activation, Matrix Z, Matrix A) : ExplainStep(Layer);

/// <summary>The batch's mean loss as the engine computed it.</summary>
internal sealed record LossStep(int Layer, Loss Loss, Matrix Z, Matrix A, Matrix Target, double Value) : ExplainStep(Layer);

/// <summary>
/// δ of the output layer: (a − t)/B for softmax with cross-entropy; 2 (a − t)/(B n) ⊙ f′(z) for mean squared error.
/// <paramref name="Derivative"/> is f′(z) (MSE only).
/// </summary>
internal sealed record OutputDeltaStep(int Layer, Loss Loss, Activation Activation, Matrix A, Matrix Target, Matrix? Derivative, Matrix Delta)
    : ExplainStep(Layer);

/// <summary>∇W = δ a_prevᵀ (out, in) and ∇b = δ summed over the batch (out, 1).</summary>
internal sealed record GradientStep(int Layer, Matrix Delta, Matrix Input, Matrix WeightGradient, Matrix BiasGradient) : ExplainStep(Layer);

/// <summary>
/// δ of a hidden layer: (W_nextᵀ δ_next) ⊙ f′(z). <paramref name="NextWeights"/> is the next layer's W (before the
/// update), <paramref name="Derivative"/> is f′(z) computed by the engine's activation code from a.
/// </summary>
internal sealed record HiddenDeltaStep(int Layer, Matrix NextWeights, Matrix NextDelta, Activation Activation, Matrix A, Matrix Derivative, Matrix Delta)
    : ExplainStep(Layer);

/// <summary>θ ← θ − η ∇θ for one tensor (W or b) of a layer, with the values before and after the optimizer's step.</summary>
internal sealed record UpdateStep(int Layer, bool IsBias, Matrix Before, Matrix Gradient, double LearningRate, Matrix After) : ExplainStep(Layer);
