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
                throw new UsageException($"{option}: item {i + 1} of '{text}' ('{items[i]}') is not a whole number");
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
