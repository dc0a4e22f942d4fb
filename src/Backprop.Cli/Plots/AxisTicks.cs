using System.Globalization;

namespace Backprop.Cli.Plots;

/// <summary>
/// "Nice" tick values for an axis (Heckbert, Graphics Gems 1990): a step of 1, 2 or 5 times a power of ten, chosen so
/// that about <c>target</c> ticks cover the range, and labels with just the decimals that step needs (0, 0.5, 1 …).
/// </summary>
/// <param name="Low">The first tick (at or below the range's minimum when the range was widened to ticks).</param>
/// <param name="High">The last tick.</param>
/// <param name="Step">The distance between ticks.</param>
/// <param name="Decimals">Decimals in the labels.</param>
internal sealed record AxisTicks(double Low, double High, double Step, int Decimals)
{
    /// <summary>Every tick value from <see cref="Low"/> to <see cref="High"/>.</summary>
    public IReadOnlyList<double> Values
    {
        get
        {
            int count = (int)Math.Round((High - Low) / Step);
            var values = new double[count + 1];
            for (int i = 0; i <= count; i++)
            {
                values[i] = Math.Round(Low + i * Step, Decimals + 1);
            }
            return values;
        }
    }

    /// <summary>A tick's label: invariant, with <see cref="Decimals"/> decimals, never "-0".</summary>
    public string Label(double value)
    {
        string text = value.ToString("F" + Decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return text.TrimStart('-').All(c => c is '0' or '.') ? text.TrimStart('-') : text;
    }

    /// <summary>
    /// Ticks that enclose [<paramref name="min"/>, <paramref name="max"/>]: the first at or below min, the last at or
    /// above max. An empty range is widened around its value. With <paramref name="integers"/> the step is at least 1.
    /// </summary>
    public static AxisTicks Enclosing(double min, double max, int target = 5, bool integers = false)
    {
        (min, max) = Widen(min, max);
        double step = NiceStep((max - min) / (target - 1), integers);
        double low = Math.Floor(min / step + 1e-9) * step;
        double high = Math.Ceiling(max / step - 1e-9) * step;
        return new AxisTicks(low, high, step, DecimalsFor(step));
    }

    /// <summary>Ticks inside [<paramref name="min"/>, <paramref name="max"/>] (the axis keeps exactly that range).</summary>
    public static AxisTicks Within(double min, double max, int target = 5, bool integers = false)
    {
        (min, max) = Widen(min, max);
        double step = NiceStep((max - min) / (target - 1), integers);
        double low = Math.Ceiling(min / step - 1e-9) * step;
        double high = Math.Floor(max / step + 1e-9) * step;
        return new AxisTicks(low, high, step, DecimalsFor(step));
    }

    private static (double Min, double Max) Widen(double min, double max)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max))
        {
            return (0, 1);
        }
        if (max - min <= Math.Abs(max) * 1e-9 + 1e-12)
        {
            double pad = min == 0 ? 1 : Math.Abs(min) * 0.1;
            return (min - pad, max + pad);
        }
        return (min, max);
    }

    private static double NiceStep(double rough, bool integers)
    {
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        double fraction = rough / magnitude;
        double nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
        double step = nice * magnitude;
        // Counts (epochs) step by whole numbers.
        return integers ? Math.Max(1, Math.Round(step)) : step;
    }

    private static int DecimalsFor(double step)
    {
        for (int decimals = 0; decimals < 12; decimals++)
        {
            double scaled = step * Math.Pow(10, decimals);
            if (Math.Abs(scaled - Math.Round(scaled)) < 1e-6 * Math.Max(1, scaled))
            {
                return decimals;
            }
        }
        return 12;
    }
}
