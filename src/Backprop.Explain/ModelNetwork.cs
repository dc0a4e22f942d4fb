namespace Backprop.Explain;

/// <summary>
/// A saved model's float32 network as a <see cref="Network{T}"/> of doubles, so explain can compute in double:
/// same sizes, activations and loss, and every parameter widened (float → double is exact, so the values are
/// the model's own). Dropout and class weights are training-time settings and are not carried over.
/// </summary>
public static class ModelNetwork
{
    /// <summary>The double-precision twin of <paramref name="network"/>, its parameters widened exactly.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> is null.</exception>
    /// <exception cref="NotSupportedException">The network has a batch-norm layer, which explain does not show yet.</exception>
    public static Network<double> ToDouble(Network<float> network)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (network.Layers.FirstOrDefault(l => l is BatchNorm<float>) is { } norm)
        {
            throw new NotSupportedException($"explain cannot show a batch-norm layer yet (layer {norm.Index + 1} of the network)");
        }
        var widened = new Network<double>(network.Sizes, [.. network.DenseLayers.Select(l => l.Activation)], network.Loss);
        // Same sizes, same constructor: the flat parameter blocks have the same layout.
        ReadOnlySpan<float> source = network.Parameters;
        Span<double> target = widened.Parameters;
        for (int i = 0; i < source.Length; i++)
        {
            target[i] = source[i];
        }
        return widened;
    }
}
