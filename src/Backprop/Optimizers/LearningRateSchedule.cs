using System.Globalization;

namespace Backprop.Optimizers;

/// <summary>
/// Sets the learning rate before every epoch, from the base rate η₀ the optimizer was created with.
/// The trainer calls <see cref="RateAt"/> before an epoch and <see cref="Observe"/> after it with the monitored loss
/// (the validation loss when there is validation data, the training loss otherwise).
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>The learning rate for <paramref name="epoch"/> (from 1) of <paramref name="totalEpochs"/>, given η₀.</summary>
    public abstract double RateAt(int epoch, int totalEpochs, double baseRate);

    /// <summary>Told the monitored loss after each epoch; only schedules that react to the loss use it.</summary>
    public virtual void Observe(int epoch, double loss)
    {
    }

    /// <summary>How the schedule is written on the command line and in model files, e.g. "step:10:0.5".</summary>
    public abstract string Describe();

    /// <summary>Forgets what <see cref="Observe"/> learned; the trainer calls it when a fresh run starts.</summary>
    internal virtual void Reset()
    {
    }

    /// <summary>The schedule's changing state, for checkpoints (empty for schedules that only depend on the epoch).</summary>
    internal virtual double[] SaveState() => [];

    internal virtual void RestoreState(IReadOnlyList<double> state)
    {
        if (state.Count != 0)
        {
            throw new InvalidDataException($"the {Describe()} schedule has no state, but the checkpoint holds {state.Count} values");
        }
    }

    /// <summary>η = η₀ for every epoch.</summary>
    public static LearningRateSchedule Constant() => new ConstantSchedule();

    /// <summary>η = η₀ · γ^⌊(epoch − 1) / every⌋: multiplied by γ every <paramref name="every"/> epochs.</summary>
    public static LearningRateSchedule Step(int every, double gamma) => new StepSchedule(every, gamma);

    /// <summary>η = η_min + (η₀ − η_min) (1 + cos(π (epoch − 1) / total)) / 2: cosine annealing over the run.</summary>
    public static LearningRateSchedule Cosine(double minimumRate = 0) => new CosineSchedule(minimumRate);

    /// <summary>Multiplies η by <paramref name="factor"/> when the monitored loss has not improved for <paramref name="patience"/> epochs.</summary>
    public static LearningRateSchedule ReduceOnPlateau(double factor = 0.5, int patience = 5, double minimumRate = 0) => new ReduceOnPlateauSchedule(factor, patience, minimumRate);

    /// <summary>
    /// Parses "constant", "step:EVERY:GAMMA", "cosine" or "cosine:MIN", "plateau" or "plateau:PATIENCE:FACTOR"
    /// (the form <see cref="Describe"/> writes).
    /// </summary>
    /// <exception cref="FormatException">The text is not one of those forms (the message says what is expected).</exception>
    public static LearningRateSchedule Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Trim().ToLowerInvariant().Split(':');
        try
        {
            return (parts[0], parts.Length) switch
            {
                ("constant", 1) => Constant(),
                ("step", 1) => Step(10, 0.5),
                ("step", 3) => Step(int.Parse(parts[1], CultureInfo.InvariantCulture), Number(parts[2])),
                ("cosine", 1) => Cosine(),
                ("cosine", 2) => Cosine(Number(parts[1])),
                ("plateau", 1) => ReduceOnPlateau(),
                ("plateau", 3) => ReduceOnPlateau(Number(parts[2]), int.Parse(parts[1], CultureInfo.InvariantCulture)),
                _ => throw new FormatException(),
            };
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentOutOfRangeException)
        {
            string detail = e is ArgumentOutOfRangeException range ? $": {range.Message.Split(" (Parameter")[0]}" : "";
            throw new FormatException($"unknown learning-rate schedule '{text}'{detail} (expected constant, step:EVERY:GAMMA, cosine, cosine:MIN, plateau or plateau:PATIENCE:FACTOR)");
        }
    }

    private static double Number(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
