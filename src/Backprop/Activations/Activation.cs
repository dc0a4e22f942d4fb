namespace Backprop.Activations;

/// <summary>
/// The element-wise function a = f(z) a dense layer applies to its pre-activation z.
/// </summary>
public enum Activation
{
    /// <summary>f(z) = z; f'(z) = 1.</summary>
    Identity,

    /// <summary>f(z) = 1 / (1 + e^(-z)); f'(z) = a (1 - a).</summary>
    Sigmoid,

    /// <summary>f(z) = tanh z; f'(z) = 1 - a².</summary>
    Tanh,

    /// <summary>f(z) = max(0, z); f'(z) = 1 if z &gt; 0, else 0.</summary>
    Relu,

    /// <summary>f(z) = z if z &gt; 0, else 0.01 z; f'(z) = 1 if z &gt; 0, else 0.01.</summary>
    LeakyRelu,

    /// <summary>
    /// a_i = e^(z_i) / Σ_j e^(z_j) over one sample's outputs. Only valid on the output layer together with
    /// <see cref="SoftmaxCrossEntropy"/>, where the two are fused so that δ = a − t.
    /// </summary>
    Softmax,
}
