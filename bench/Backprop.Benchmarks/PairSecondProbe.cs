namespace Backprop.Benchmarks;

/// <summary>
/// Training steps with the second hidden layer's step paired with its next forward pass
/// (<see cref="PackedGemm.PairLaterLayers"/>) and without, switched every two batches in one training run
/// (<see cref="SwitchedSteps"/>), counting the second batch of each pair. Arguments: hidden sizes (two or more),
/// batch, epochs, optimizer, activation.
/// </summary>
internal static class PairSecondProbe
{
    public static void Run(TextWriter output, string[] args)
    {
        (double off, double on, Network<float> network, string title) = SwitchedSteps.Measure(
            args, [512, 256], () => PackedGemm.PairLaterLayers, value => PackedGemm.PairLaterLayers = value, period: 2);
        output.WriteLine(title + ":");
        output.WriteLine(FormattableString.Invariant($"second layer alone {off:F1}   paired {on:F1}   ({on / off:F3}×; {network.SecondLayersComputedAhead} passes began at the third layer)"));
    }
}
