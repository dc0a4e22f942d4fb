using System.Globalization;

namespace Backprop.Cli.Plots;

/// <summary>
/// Colours that colour-blind readers can tell apart: Okabe and Ito's eight (2008) for classes and series, and a
/// single-hue light-to-dark blue ramp (ColorBrewer "Blues") for amounts, which reads by lightness alone.
/// </summary>
internal static class PlotColors
{
    /// <summary>Okabe–Ito, ordered so the first few are the most distinct: blue, orange, bluish green, vermillion, …</summary>
    public static IReadOnlyList<string> Categorical { get; } =
        ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"];

    private static readonly (byte R, byte G, byte B)[] Blues =
    [
        (0xf7, 0xfb, 0xff), (0xde, 0xeb, 0xf7), (0xc6, 0xdb, 0xef), (0x9e, 0xca, 0xe1), (0x6b, 0xae, 0xd6),
        (0x42, 0x92, 0xc6), (0x21, 0x71, 0xb5), (0x08, 0x51, 0x9c), (0x08, 0x30, 0x6b),
    ];

    /// <summary>The colour of class (or series) <paramref name="index"/>; the colours repeat after eight.</summary>
    public static string Class(int index) => Categorical[index % Categorical.Count];

    /// <summary>The blue ramp at <paramref name="t"/> in [0, 1] (0 near white, 1 dark navy), interpolated linearly.</summary>
    public static string Sequential(double t)
    {
        t = double.IsFinite(t) ? Math.Clamp(t, 0, 1) : 0;
        double position = t * (Blues.Length - 1);
        int i = Math.Min((int)position, Blues.Length - 2);
        double f = position - i;
        (byte R, byte G, byte B) a = Blues[i];
        (byte R, byte G, byte B) b = Blues[i + 1];
        int Mix(byte x, byte y) => (int)Math.Round(x + (y - x) * f);
        return string.Create(CultureInfo.InvariantCulture, $"#{Mix(a.R, b.R):x2}{Mix(a.G, b.G):x2}{Mix(a.B, b.B):x2}");
    }

    /// <summary>Text on the blue ramp at <paramref name="t"/>: white on the dark half, dark grey on the light half.</summary>
    public static string TextOnSequential(double t) => t > 0.5 ? "#ffffff" : SvgDocument.Ink;
}
