namespace Backprop.Optimizers;

/// <summary>η = η₀ throughout.</summary>
internal sealed class ConstantSchedule : LearningRateSchedule
{
    public override double RateAt(int epoch, int totalEpochs, double baseRate) => baseRate;

    public override string Describe() => "constant";
}
