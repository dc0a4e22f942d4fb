namespace Backprop.Cli.Plots;

/// <summary>One line of a <see cref="LineChart"/>: its name in the legend, its points, its colour and dash pattern.</summary>
internal sealed record LineSeries(string Name, IReadOnlyList<(double X, double Y)> Points, string Color, string Dash = "");

/// <summary>
/// A line chart of series over a shared x axis (epochs): title, legend row, axes with nice ticks and labels, light
/// grid lines, and an optional labelled vertical marker (the restored best epoch). Each series is one polyline with
/// one vertex per point, tagged data-series with its name; with few points each point also gets a dot.
/// </summary>
internal sealed class LineChart
{
    public const double Width = 440;
    public const double Height = 300;
    private const double TickSize = 13;
    private const double LabelSize = 14;
    private const double TitleSize = 15;
    private const int DotsUpTo = 40;

    public required string Title { get; init; }

    public required string XLabel { get; init; }

    public required string YLabel { get; init; }

    public required IReadOnlyList<LineSeries> Series { get; init; }

    /// <summary>Where the y axis may not go beyond (e.g. 0 and 1 for an accuracy); null for no limit.</summary>
    public (double Low, double High)? YLimits { get; init; }

    /// <summary>Whether the y axis starts at zero (losses) rather than near the smallest value.</summary>
    public bool YFromZero { get; init; }

    /// <summary>Whether the x axis starts at the smallest x (a logarithm of a learning rate) rather than at 0 (epochs).</summary>
    public bool XFromData { get; init; }

    /// <summary>Writes an x tick's label (e.g. 1e-3 for the tick at log10 η = −3); null for the plain number.</summary>
    public Func<double, string>? XTickLabel { get; init; }

    /// <summary>A vertical line at this x with this legend label (e.g. the best epoch); null for none.</summary>
    public (double X, string Label)? Marker { get; init; }

    public string Render()
    {
        var svg = new SvgDocument(Width, Height, Title);
        (double X, double Y)[] all = [.. Series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y))];
        double xMax = all.Length == 0 ? 1 : all.Max(p => p.X);
        // Epochs count from 1; the axis starts at 0 unless a resumed history starts later.
        double xLow = all.Length > 0 && (XFromData || all.Min(p => p.X) > 1) ? all.Min(p => p.X) : 0;
        double xHigh = Math.Max(xMax, xLow + 1);
        AxisTicks xTicks = AxisTicks.Within(xLow, xHigh, 5, integers: true);
        double yLow = all.Length == 0 ? 0 : all.Min(p => p.Y);
        double yHigh = all.Length == 0 ? 1 : all.Max(p => p.Y);
        if (YFromZero)
        {
            yLow = Math.Min(0, yLow);
        }
        AxisTicks yTicks = AxisTicks.Enclosing(yLow, yHigh, 5);
        if (YLimits is (double limitLow, double limitHigh))
        {
            double low = Math.Max(yTicks.Low, limitLow);
            double high = Math.Min(yTicks.High, limitHigh);
            yTicks = yTicks with { Low = Math.Ceiling(low / yTicks.Step - 1e-9) * yTicks.Step, High = Math.Floor(high / yTicks.Step + 1e-9) * yTicks.Step };
        }

        var legend = new Legend();
        for (int i = 0; i < Series.Count; i++)
        {
            legend.Add(Series[i].Name, Legend.LineSwatch(Series[i].Color, Series[i].Dash));
        }
        if (Marker is (_, string markerLabel))
        {
            legend.Add(markerLabel, Legend.LineSwatch("#777777", "2 3"));
        }

        double widestTick = yTicks.Values.Max(v => SvgDocument.TextWidth(yTicks.Label(v), TickSize));
        double left = 8 + LabelSize + 8 + widestTick + 6;
        double right = Width - 16;
        double legendTop = 30;
        double top = legendTop + legend.Height(left, right) + 10;
        double bottom = Height - 44;
        double X(double x) => left + (x - xLow) / (xHigh - xLow) * (right - left);
        double Y(double y) => bottom - (y - yTicks.Low) / (yTicks.High - yTicks.Low) * (bottom - top);

        svg.Text(Width / 2, 20, Title, TitleSize, "middle", "bold");
        legend.Draw(svg, left, right, legendTop);

        // Grid, ticks and tick labels.
        svg.Group($"stroke-width=\"1\" data-axis=\"y\"");
        foreach (double v in yTicks.Values)
        {
            svg.Line(left, Y(v), right, Y(v), SvgDocument.Grid);
            svg.Text(left - 6, Y(v) + TickSize * 0.35, yTicks.Label(v), TickSize, "end");
        }
        svg.Close();
        svg.Group("data-axis=\"x\"");
        foreach (double v in xTicks.Values)
        {
            svg.Line(X(v), bottom, X(v), bottom + 5, SvgDocument.Ink);
            svg.Text(X(v), bottom + 18, XTickLabel?.Invoke(v) ?? xTicks.Label(v), TickSize, "middle");
        }
        svg.Close();
        svg.Line(left, bottom, right, bottom, SvgDocument.Ink);
        svg.Line(left, top, left, bottom, SvgDocument.Ink);
        svg.Text((left + right) / 2, Height - 10, XLabel, LabelSize, "middle");
        svg.Text(8 + LabelSize, (top + bottom) / 2, YLabel, LabelSize, "middle", rotate: -90);

        if (Marker is (double markerX, _) && markerX >= xLow && markerX <= xHigh)
        {
            svg.Line(X(markerX), top, X(markerX), bottom, "#777777", 1.5, "stroke-dasharray=\"2 3\" data-marker=\"best-epoch\"");
        }
        foreach (LineSeries series in Series)
        {
            (double X, double Y)[] points = [.. series.Points.Where(p => double.IsFinite(p.Y))];
            if (points.Length == 0)
            {
                continue;
            }
            string dash = series.Dash.Length == 0 ? "" : $" stroke-dasharray=\"{series.Dash}\"";
            string vertices = string.Join(" ", points.Select(p => $"{SvgDocument.Num(X(p.X))},{SvgDocument.Num(Y(Math.Clamp(p.Y, yTicks.Low, yTicks.High)))}"));
            svg.Raw($"<polyline data-series=\"{SvgDocument.Escape(series.Name)}\" points=\"{vertices}\" fill=\"none\" stroke=\"{series.Color}\" stroke-width=\"2\" stroke-linejoin=\"round\"{dash}/>");
            if (points.Length <= DotsUpTo)
            {
                svg.Group($"fill=\"{series.Color}\"");
                foreach ((double x, double y) in points)
                {
                    svg.Raw($"<circle cx=\"{SvgDocument.Num(X(x))}\" cy=\"{SvgDocument.Num(Y(Math.Clamp(y, yTicks.Low, yTicks.High)))}\" r=\"2.5\"/>");
                }
                svg.Close();
            }
        }
        return svg.ToString();
    }
}
