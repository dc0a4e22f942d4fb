using System.Globalization;

namespace Backprop.Cli.Plots;

/// <summary>
/// The confusion matrix as a heat map: one cell per (actual, predicted) pair with its row count written in it, the
/// cell's blue as dark as the share of the actual class's rows that landed there (so classes of different sizes
/// compare), and a colour scale from 0 to 100 % beside it. Rows are actual classes, columns predicted classes.
/// </summary>
internal static class ConfusionMatrixChart
{
    public const double Width = 440;
    private const double TickSize = 13;
    private const double LabelSize = 14;

    public static string Render(Evaluation evaluation, string title)
    {
        int k = evaluation.ClassNames.Count;
        string[] names = [.. evaluation.ClassNames.Select(n => SvgDocument.Shorten(n))];
        double widestName = names.Max(n => SvgDocument.TextWidth(n, TickSize));
        const double ScaleWidth = 70;
        double labelsWidth = 8 + LabelSize + 10 + widestName + 8;
        double cell = Math.Min(80, (Width - labelsWidth - ScaleWidth) / k);
        // Small matrices are centred rather than left-aligned.
        double shift = Math.Max(0, (Width - labelsWidth - cell * k - ScaleWidth) / 2);
        double left = shift + labelsWidth;
        double right = left + cell * k;
        double top = 50;
        double bottom = top + cell * k;
        // Predicted-class labels run along the bottom, slanted when they are wider than a cell.
        bool slant = widestName > cell - 4;
        double labelDepth = slant ? widestName * 0.62 + TickSize : TickSize + 6;
        double height = bottom + 8 + labelDepth + 10 + LabelSize + 10;

        var svg = new SvgDocument(Width, height, title);
        svg.Text(Width / 2, 20, title, 15, "middle", "bold");
        svg.Text(Width / 2, 37, string.Create(CultureInfo.InvariantCulture,
            $"{evaluation.Count} rows, accuracy {evaluation.Accuracy:F4}; colour: share of the row (actual class)"), 12, "middle", fill: "#555555");

        double countSize = Math.Min(13, cell * 0.36);
        svg.Group($"data-confusion=\"cells\" data-classes=\"{k}\"");
        for (int actual = 0; actual < k; actual++)
        {
            int support = evaluation.Support[actual];
            for (int predicted = 0; predicted < k; predicted++)
            {
                int count = evaluation.Confusion(actual, predicted);
                double share = support == 0 ? 0 : (double)count / support;
                double x = left + predicted * cell;
                double y = top + actual * cell;
                svg.Rect(x, y, cell, cell, PlotColors.Sequential(share),
                    $"stroke=\"#ffffff\" stroke-width=\"1\" data-actual=\"{actual}\" data-predicted=\"{predicted}\" data-count=\"{count}\"");
                svg.Text(x + cell / 2, y + cell / 2 + countSize * 0.35, count.ToString(CultureInfo.InvariantCulture), countSize, "middle",
                    actual == predicted ? "bold" : "normal", fill: count == 0 ? "#8a8a8a" : PlotColors.TextOnSequential(share));
            }
        }
        svg.Close();

        for (int c = 0; c < k; c++)
        {
            double middle = top + (c + 0.5) * cell;
            svg.Text(left - 6, middle + TickSize * 0.35, names[c], TickSize, "end");
            double x = left + (c + 0.5) * cell;
            if (slant)
            {
                svg.Text(x + TickSize * 0.35, bottom + 10, names[c], TickSize, "end", rotate: -45);
            }
            else
            {
                svg.Text(x, bottom + 18, names[c], TickSize, "middle");
            }
        }
        svg.Text((left + right) / 2, height - 12, "predicted class", LabelSize, "middle");
        svg.Text(shift + 8 + LabelSize, (top + bottom) / 2, "actual class", LabelSize, "middle", rotate: -90);

        // The colour scale: 50 stacked bands from 0 % (bottom) to 100 % (top), ticks every 25 %.
        double barLeft = right + 14;
        const double BarWidth = 12;
        const int Bands = 50;
        double bandHeight = (bottom - top) / Bands;
        svg.Group("data-scale=\"share\"");
        for (int b = 0; b < Bands; b++)
        {
            double t = (b + 0.5) / Bands;
            svg.Rect(barLeft, bottom - (b + 1) * bandHeight, BarWidth, bandHeight + 0.3, PlotColors.Sequential(t));
        }
        svg.Close();
        svg.Raw($"<rect x=\"{SvgDocument.Num(barLeft)}\" y=\"{SvgDocument.Num(top)}\" width=\"{SvgDocument.Num(BarWidth)}\" height=\"{SvgDocument.Num(bottom - top)}\" fill=\"none\" stroke=\"{SvgDocument.Ink}\" stroke-width=\"0.6\"/>");
        foreach (int percent in new[] { 0, 25, 50, 75, 100 })
        {
            double y = bottom - percent / 100.0 * (bottom - top);
            svg.Line(barLeft + BarWidth, y, barLeft + BarWidth + 4, y, SvgDocument.Ink);
            svg.Text(barLeft + BarWidth + 6, y + 12 * 0.35, percent.ToString(CultureInfo.InvariantCulture) + " %", 12);
        }
        return svg.ToString();
    }
}
