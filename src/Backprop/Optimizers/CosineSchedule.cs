namespace Backprop;

/// <summary>Cosine annealing over the run: η = η_min + (η₀ − η_min) (1 + cos(π (epoch − 1) / total)) / 2.</summary>
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
        double rate = floor + (baseRate - floor) * (1 + Math.Cos(Math.PI * (epoch - 1) / Math.Max(1, totalEpochs))) / 2;
        // The optimizers need η > 0; the very last epoch of a schedule to zero keeps a sliver.
        return rate > 0 ? rate : baseRate * 1e-6;
    }

    public override string Describe() => _minimum == 0 ? "cosine" : $"cosine:{Format(_minimum)}";
}
