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
        if (loss == Loss.CrossEntropy && activations[^1] != Activation.Softmax)
        {
            throw new ArgumentException("Cross-entropy needs a softmax output layer.", nameof(activations));
        }
        if (loss == Loss.MeanSquaredError && activations[^1] == Activation.Softmax)
        {
            throw new ArgumentException("A softmax output is only supported with cross-entropy; use another output activation with mean squared error.", nameof(activations));
        }
        if (loss == Loss.CrossEntropy && sizes[^1] < 2)
        {
            throw new ArgumentException("Cross-entropy needs at least two outputs (classes).", nameof(sizes));
        }
    }
}
