namespace Backprop.Interop;

/// <summary>
/// One dense layer as exchange formats see it: z = x Wᵀ + b with W (outputs, inputs) row-major and b (outputs),
/// followed by a = f(z). The output layer's activation belongs to the model's <see cref="ModelHead"/>.
/// </summary>
internal sealed record LayerParts(int Inputs, int Outputs, float[] Weights, float[] Bias, Activation Activation);
