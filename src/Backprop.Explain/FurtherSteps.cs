namespace Backprop.Explain;

/// <summary>
/// Real training steps after the explained one: the loss of each (measured before its update) and, for each
/// tracked quantity name, its value in that step. Made by <see cref="Run"/>; shown through <see cref="ComposeOptions.Further"/>.
/// </summary>
public sealed class FurtherSteps
{
    internal FurtherSteps(IReadOnlyList<string> names, IReadOnlyList<double> losses, IReadOnlyList<IReadOnlyList<Matrix>> tracked)
    {
        Names = names;
        Losses = losses;
        Tracked = tracked;
    }

    /// <summary>The tracked quantities' names (z2, a2, loss, W1', …).</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The loss of each further step, before its update.</summary>
    public IReadOnlyList<double> Losses { get; }

    /// <summary>For each step, the value of each tracked quantity, in the order of <see cref="Names"/>.</summary>
    internal IReadOnlyList<IReadOnlyList<Matrix>> Tracked { get; }

    /// <summary>
    /// Runs <paramref name="count"/> more iterations by recording each one (Forward, Backward and the optimizer's Step,
    /// as in training) and keeps the loss and the tracked quantities.
    /// </summary>
    /// <param name="network">The network, as the explained step left it; its parameters are updated.</param>
    /// <param name="x">The inputs, (batch, in) rows.</param>
    /// <param name="t">The targets, (batch, out) rows.</param>
    /// <param name="batch">Rows in the batch.</param>
    /// <param name="optimizer">The optimizer of the explained step.</param>
    /// <param name="count">How many steps.</param>
    /// <param name="names">Quantities to track, by the names of <see cref="StepExplanation.QuantityNames"/>.</param>
    /// <exception cref="ArgumentException">A name is not a quantity of the step.</exception>
    /// <exception cref="TrainingDivergedException">A loss became NaN or infinite.</exception>
    public static FurtherSteps Run(Network<double> network, ReadOnlySpan<double> x, ReadOnlySpan<double> t, int batch,
        IOptimizer<double> optimizer, int count, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var losses = new double[count];
        var tracked = new IReadOnlyList<Matrix>[count];
        for (int i = 0; i < count; i++)
        {
            Explanation step = StepRecorder.Record(network, x, t, batch, optimizer);
            losses[i] = step.Find("loss")!.Value[0, 0];
            if (!double.IsFinite(losses[i]))
            {
                throw new TrainingDivergedException(i + 2, losses[i]);
            }
            tracked[i] = [.. names.Select(n => (step.Find(n) ?? throw new ArgumentException($"'{n}' is not a quantity of this step.", nameof(names))).Value)];
        }
        return new FurtherSteps(names, losses, tracked);
    }
}
