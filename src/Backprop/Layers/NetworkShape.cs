namespace Backprop.Layers;

/// <summary>Checks that layer sizes, activations and the loss make a network we can train.</summary>
internal static class NetworkShape
{
    public static void Validate(IReadOnlyList<int> sizes, IReadOnlyList<Activation> activations, Loss loss)
    {
        if (sizes.Count < 2)
        {
            throw new ArgumentException($"A network needs at least two layer sizes (inputs and outputs); got {sizes.Count}.", nameof(sizes));
        }
        for (int i = 0; i < sizes.Count; i++)
        {
            if (sizes[i] < 1)
            {
                throw new ArgumentException($"Layer size {i + 1} is {sizes[i]}; every layer needs at least one unit.", nameof(sizes));
            }
        }
        if (activations.Count != sizes.Count - 1)
        {
            throw new ArgumentException($"{sizes.Count} layer sizes need {sizes.Count - 1} activations (one per non-input layer); got {activations.Count}.", nameof(activations));
        }
        for (int l = 0; l < activations.Count - 1; l++)
        {
            if (activations[l] == Activation.Softmax)
            {
                throw new ArgumentException($"Softmax is only supported on the output layer (found on hidden layer {l + 1}).", nameof(activations));
            }
        }
        ArgumentNullException.ThrowIfNull(loss);
        loss.Validate(sizes[^1], activations[^1]);
    }
}
