using System.Globalization;

namespace Backprop.Explain;

/// <summary>
/// Formats the numbers of an explanation: <c>digits</c> decimals, trailing zeros dropped down to two decimals
/// (0.7 prints as 0.70, as the article writes it), scientific notation (with <c>digits</c> significant figures) for
/// magnitudes fixed notation would hide.
/// Computation is never affected: this is printing only.
/// </summary>
internal sealed class NumberText(int digits)
{
    public int Digits { get; } = digits;

    /// <summary>One number on its own, trimmed.</summary>
    public string Format(double value) => Format(value, Decimals(value));

    /// <summary>A set of numbers shown together (one matrix): the same decimals for all, so columns line up.</summary>
    public string[] FormatAligned(IReadOnlyList<double> values)
    {
        int decimals = 0;
        foreach (double v in values)
        {
            decimals = Math.Max(decimals, Decimals(v));
        }
        var text = new string[values.Count];
        for (int i = 0; i < text.Length; i++)
        {
            text[i] = Format(values[i], decimals);
        }
        return text;
    }

    private string Format(double value, int decimals)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            return value.ToString(CultureInfo.InvariantCulture);
        }
        if (NeedsScientific(value))
        {
            // Digits significant figures: 2.3968265E-13.
            return value.ToString("0." + new string('0', Digits - 1) + "E+0", CultureInfo.InvariantCulture);
        }
        string text = value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        // -0.00000000 is zero.
        if (text.StartsWith('-') && text.AsSpan(1).IndexOfAnyExcept("0.") < 0)
        {
            text = text[1..];
        }
        return text;
    }

    private int Decimals(double value)
    {
        if (!double.IsFinite(value) || NeedsScientific(value))
        {
            return Math.Min(2, Digits);
        }
        string text = value.ToString("F" + Digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        int point = text.IndexOf('.', StringComparison.Ordinal);
        if (point < 0)
        {
            return 0;
        }
        int end = text.Length;
        int keep = point + 1 + Math.Min(2, Digits);
        while (end > keep && text[end - 1] == '0')
        {
            end--;
        }
        return end - point - 1;
    }

    private bool NeedsScientific(double value)
    {
        // With very few decimals asked for, rounding small values to 0 is what was asked for.
        double magnitude = Math.Abs(value);
        return Digits >= 3 && (magnitude >= 1e15 || (magnitude > 0 && magnitude < 0.5 * Math.Pow(10, -Digits)));
    }
}
