using System.Numerics;

namespace Backprop.Layers;

/// <summary>Seeded random initial parameters.</summary>
public static class Initializer
{
    /// <summary>
    /// Fills every layer's weights from a seeded uniform distribution and sets biases to zero:
    /// He, W ~ U(−√(6/in), √(6/in)), for ReLU and leaky ReLU layers; Xavier/Glorot, W ~ U(−√(6/(in+out)), √(6/(in+out))),
    /// for all others. The same seed gives the same parameters on every machine.
    /// </summary>
    public static void Randomize<T>(Network<T> network, long seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        var rng = new Rng(seed);
        foreach (Dense<T> layer in network.Layers)
        {
            double limit = layer.Activation is Activation.Relu or Activation.LeakyRelu
                ? Math.Sqrt(6.0 / layer.Inputs)
                : Math.Sqrt(6.0 / (layer.Inputs + layer.Outputs));
            Span<T> w = layer.Weights;
            for (int i = 0; i < w.Length; i++)
            {
                w[i] = T.CreateChecked((2.0 * rng.NextDouble() - 1.0) * limit);
            }
            layer.Bias.Clear();
        }
    }
}
