using System.Numerics;

namespace Backprop.Layers;

/// <summary>Seeded random initial parameters.</summary>
public static class Initializer
{
    /// <summary>
    /// Initialises every layer in order (<see cref="Layer{T}.Initialize"/>) from one seeded uniform generator: dense
    /// layers draw their weights, He, W ~ U(−√(6/in), √(6/in)), for ReLU and leaky ReLU layers and Xavier/Glorot,
    /// W ~ U(−√(6/(in+out)), √(6/(in+out))), for all others, and set biases to zero. The same seed gives the same
    /// parameters on every machine.
    /// </summary>
    public static void Randomize<T>(Network<T> network, long seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        var rng = new Rng(seed);
        Func<double> uniform = rng.NextDouble;
        foreach (Layer<T> layer in network.Layers)
        {
            layer.Initialize(uniform);
        }
    }
}
