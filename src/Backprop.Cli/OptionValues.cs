using System.Globalization;

namespace Backprop.Cli;

/// <summary>Turns option text into values, with errors that name the option and the offending item.</summary>
internal static class OptionValues
{
    public static double[] Numbers(string option, string text)
    {
        string[] items = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new double[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            if (!double.TryParse(items[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
            {
                throw new UsageException($"{option}: item {i + 1} of '{text}' ('{items[i]}') is not a finite number");
            }
        }
        return values;
    }

    public static int[] Sizes(string option, string text)
    {
        string[] items = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new int[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            if (!int.TryParse(items[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out values[i]))
            {
                bool tooLarge = long.TryParse(items[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long large) && large > 0;
                throw new UsageException(tooLarge
                    ? $"{option}: item {i + 1} of '{text}' ('{items[i]}') is too large for a layer (at most {int.MaxValue} units, and far fewer fit in memory)"
                    : $"{option}: item {i + 1} of '{text}' ('{items[i]}') is not a whole number");
            }
            if (values[i] < 1)
            {
                throw new UsageException($"{option}: layer size {i + 1} is {values[i]}; every layer needs at least one unit");
            }
        }
        return values;
    }

    public static Activation[] Activations(string option, string text)
    {
        string[] items = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new Activation[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            if (!ActivationFunctions.TryParse(items[i], out values[i]) || values[i] == Activation.Softmax)
            {
                throw new UsageException($"{option}: unknown activation '{items[i]}' (expected sigmoid, tanh, relu, leaky-relu or identity)");
            }
        }
        return values;
    }

    public static Loss Loss(string option, string text)
    {
        try
        {
            return LossNames.TryCreate(text, out Loss? loss)
                ? loss
                : throw new UsageException($"{option}: unknown loss '{text}' (expected {LossNames.Expected()})");
        }
        catch (FormatException e)
        {
            throw new UsageException($"{option}: {e.Message}");
        }
    }

    /// <summary>
    /// A learning-rate schedule: constant, step[:EVERY:GAMMA], cosine[:MIN], plateau[:PATIENCE:FACTOR]. A known schedule
    /// with a bad value gets a message about that value, not "unknown schedule".
    /// </summary>
    public static LearningRateSchedule Schedule(string option, string text)
    {
        const string Forms = "constant, step:EVERY:GAMMA, cosine, cosine:MIN, plateau or plateau:PATIENCE:FACTOR";
        string[] parts = text.Trim().ToLowerInvariant().Split(':');
        string name = parts[0];
        (string Form, int Values) = name switch
        {
            "constant" => ("constant", 0),
            "step" => ("step:EVERY:GAMMA, e.g. step:10:0.5", 2),
            "cosine" => ("cosine:MIN, e.g. cosine:1e-5", 1),
            "plateau" => ("plateau:PATIENCE:FACTOR, e.g. plateau:5:0.5", 2),
            _ => throw new UsageException($"{option}: unknown learning-rate schedule '{text}' (expected {Forms})"),
        };
        if (parts.Length != 1 && parts.Length != Values + 1)
        {
            throw new UsageException($"{option} {text}: {name} takes {(Values == 0 ? "no values" : $"{Values} value{(Values == 1 ? "" : "s")} or none")}; write {Form}");
        }
        if (parts.Length == 1)
        {
            return name switch
            {
                "constant" => LearningRateSchedule.Constant(),
                "step" => LearningRateSchedule.Step(10, 0.5),
                "cosine" => LearningRateSchedule.Cosine(),
                _ => LearningRateSchedule.ReduceOnPlateau(),
            };
        }
        int WholeAtLeastOne(string what, string value)
            => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= 1
                ? v
                : throw new UsageException($"{option} {text}: {what} is '{value}'; it must be a whole number of epochs, at least 1");
        double Fraction(string what, string value, bool oneAllowed)
        {
            string range = oneAllowed ? "(0, 1]" : "(0, 1)";
            return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 && (v < 1 || (oneAllowed && v == 1))
                ? v
                : throw new UsageException($"{option} {text}: {what} is '{value}'; it must be a number in {range}, the factor the learning rate is multiplied by");
        }
        return name switch
        {
            "step" => LearningRateSchedule.Step(WholeAtLeastOne("EVERY", parts[1]), Fraction("GAMMA", parts[2], oneAllowed: true)),
            "cosine" => double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double minimum) && minimum >= 0 && double.IsFinite(minimum)
                ? LearningRateSchedule.Cosine(minimum)
                : throw new UsageException($"{option} {text}: MIN is '{parts[1]}'; it must be a learning rate, zero or positive"),
            _ => LearningRateSchedule.ReduceOnPlateau(Fraction("FACTOR", parts[2], oneAllowed: false), WholeAtLeastOne("PATIENCE", parts[1])),
        };
    }

    public static void Positive(string option, double value)
    {
        if (!(value > 0) || !double.IsFinite(value))
        {
            throw new UsageException($"{option} must be a positive number (got {value.ToString(CultureInfo.InvariantCulture)})");
        }
    }

    public static void AtLeast(string option, int value, int minimum)
    {
        if (value < minimum)
        {
            throw new UsageException($"{option} must be at least {minimum} (got {value})");
        }
    }
}
