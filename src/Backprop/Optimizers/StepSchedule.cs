namespace Backprop.Optimizers;

/// <summary>Step decay: η = η₀ · γ^⌊(epoch − 1) / every⌋.</summary>
internal sealed class StepSchedule : LearningRateSchedule
{
    private readonly int _every;
    private readonly double _gamma;

    public StepSchedule(int every, double gamma)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(every, 1);
        if (!(gamma > 0 && gamma <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "γ must be in (0, 1].");
        }
        _every = every;
        _gamma = gamma;
    }

    public override double RateAt(int epoch, int totalEpochs, double baseRate) => baseRate * Math.Pow(_gamma, (epoch - 1) / _every);

    public override string Describe() => $"step:{_every}:{Format(_gamma)}";
}
