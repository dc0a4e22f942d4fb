namespace Backprop.Optimizers;

/// <summary>
/// Cosine annealing over the run: η = η_min + (η₀ − η_min) (1 + cos(π (epoch − 1) / total)) / 2; the last epoch's rate
/// stays just above η_min, so it is positive even when η_min = 0.
/// </summary>
internal sealed class CosineSchedule : LearningRateSchedule
{
    private readonly double _minimum;

    public CosineSchedule(double minimumRate)
    {
        if (!(minimumRate >= 0) || !double.IsFinite(minimumRate))
        {
            throw new ArgumentOutOfRangeException(nameof(minimumRate), minimumRate, "The minimum rate must be zero or positive.");
        }
        _minimum = minimumRate;
    }

    public override double RateAt(int epoch, int totalEpochs, double baseRate)
    {
        double floor = Math.Min(_minimum, baseRate);
        return floor + (baseRate - floor) * (1 + Math.Cos(Math.PI * (epoch - 1) / Math.Max(1, totalEpochs))) / 2;
    }

    public override string Describe() => _minimum == 0 ? "cosine" : $"cosine:{Format(_minimum)}";
}
