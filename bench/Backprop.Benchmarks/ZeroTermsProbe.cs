namespace Backprop.Benchmarks;

/// <summary>
/// Training steps with δ's zero terms left out of ∇W (<see cref="PackedGemm.SkipZeroTerms"/>) and with every term
/// summed, switched batch by batch in one training run (<see cref="SwitchedSteps"/>), each batch counted for the
/// setting it ran with. Arguments: hidden sizes, batch, epochs, optimizer, activation.
/// </summary>
internal static class ZeroTermsProbe
{
    public static void Run(TextWriter output, string[] args)
    {
        long blocks = PackedGemm.BlocksWithoutZeroTerms;
        (double off, double on, _, string title) = SwitchedSteps.Measure(
            args, [128], () => PackedGemm.SkipZeroTerms, value => PackedGemm.SkipZeroTerms = value, period: 1);
        output.WriteLine(title + ":");
        output.WriteLine(FormattableString.Invariant($"every term {off:F1}   zero terms left out {on:F1}   ({on / off:F3}×; {PackedGemm.BlocksWithoutZeroTerms - blocks} blocks left them out)"));
    }
}
