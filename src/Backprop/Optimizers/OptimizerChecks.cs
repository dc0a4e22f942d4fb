namespace Backprop.Optimizers;

/// <summary>The argument checks every optimizer shares.</summary>
internal static class OptimizerChecks
{
    public static void LearningRate(double value)
    {
        if (!(value > 0) || !double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "The learning rate must be a positive finite number.");
        }
    }

    public static void WeightDecay(double value)
    {
        if (!(value >= 0) || !double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "The weight decay must be zero or a positive finite number.");
        }
    }
}
