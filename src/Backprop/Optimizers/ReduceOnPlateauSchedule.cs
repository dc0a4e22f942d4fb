namespace Backprop.Optimizers;

/// <summary>
/// Multiplies η by a factor when the monitored loss has not improved for a number of epochs, never going below a
/// minimum. State: the best loss seen, the epochs since it, and the current multiplier.
/// </summary>
internal sealed class ReduceOnPlateauSchedule : LearningRateSchedule
{
    private readonly double _factor;
    private readonly int _patience;
    private readonly double _minimum;
    private double _best = double.PositiveInfinity;
    private int _wait;
    private double _multiplier = 1;

    public ReduceOnPlateauSchedule(double factor, int patience, double minimumRate)
    {
        if (!(factor > 0 && factor < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "The factor must be in (0, 1).");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(patience, 1);
        if (!(minimumRate >= 0) || !double.IsFinite(minimumRate))
        {
            throw new ArgumentOutOfRangeException(nameof(minimumRate), minimumRate, "The minimum rate must be zero or positive.");
        }
        _factor = factor;
        _patience = patience;
        _minimum = minimumRate;
    }

    public override double RateAt(int epoch, int totalEpochs, double baseRate)
    {
        double rate = baseRate * _multiplier;
        return _minimum > 0 ? Math.Max(rate, Math.Min(_minimum, baseRate)) : rate;
    }

    public override void Observe(int epoch, double loss)
    {
        if (loss < _best)
        {
            _best = loss;
            _wait = 0;
            return;
        }
        if (++_wait >= _patience)
        {
            _multiplier *= _factor;
            _wait = 0;
        }
    }

    public override string Describe() => $"plateau:{_patience}:{Format(_factor)}";

    internal override void Reset()
    {
        _best = double.PositiveInfinity;
        _wait = 0;
        _multiplier = 1;
    }

    internal override double[] SaveState() => [_best, _wait, _multiplier];

    internal override void RestoreState(IReadOnlyList<double> state)
    {
        if (state.Count != 3)
        {
            throw new InvalidDataException($"the plateau schedule keeps 3 values, but the checkpoint holds {state.Count}");
        }
        _best = state[0];
        _wait = (int)state[1];
        _multiplier = state[2];
    }
}
