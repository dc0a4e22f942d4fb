using System.Numerics;

namespace Backprop.Training;

/// <summary>Small helpers shared by validation, evaluation and prediction.</summary>
internal static class ClassificationMetrics
{
    /// <summary>Probabilities are clipped at this value before the log, so a confident mistake costs a finite 34.5.</summary>
    public const double ProbabilityFloor = 1e-15;

    /// <summary>−ln max(p, 1e-15): one row's cross-entropy given the probability of its true class.</summary>
    public static double LogLossTerm(double probability) => -Math.Log(Math.Max(probability, ProbabilityFloor));

    /// <summary>The index of the largest value; the first one on ties.</summary>
    public static int ArgMax<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }
        return best;
    }
}
