namespace Backprop.Explain;

/// <summary>
/// Real training steps after the explained one: the loss of each (measured before its update) and, for each
/// tracked quantity name, its value in that step.
/// </summary>
internal sealed record FurtherSteps(IReadOnlyList<string> Names, IReadOnlyList<double> Losses, IReadOnlyList<IReadOnlyList<Matrix>> Tracked)
{
    /// <summary>
    /// Runs <paramref name="count"/> more iterations by recording each one (Forward, Backward and the optimizer's Step,
    /// as in training) and keeps the loss and the tracked quantities.
    /// </summary>
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
            tracked[i] = [.. names.Select(n => step.Find(n)!.Value)];
        }
        return new FurtherSteps(names, losses, tracked);
    }
}
