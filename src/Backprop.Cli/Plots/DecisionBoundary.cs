using System.Globalization;

namespace Backprop.Cli.Plots;

/// <summary>Points to draw over a decision boundary: raw (unscaled) feature pairs (rows, 2), their class labels, and whether they are drawn hollow.</summary>
/// <param name="Name">What the points are, for the legend ("training rows", "test rows").</param>
internal sealed record PointSet(string Name, float[] Xy, int[] Labels, bool Hollow);

/// <summary>
/// The decision boundary of a model with two features: the plane around the data cut into a grid of cells (100 × 100
/// by default), each filled with the colour of the class the model predicts at the cell's centre, paler where the
/// most probable class has probability under 0.95, 0.8 or 0.6; the data points on top in their class's colour and
/// shape. Neighbouring cells of one class and shade in a row are merged into one rect, drawn in grid units inside a
/// scaled group, which keeps a picture of the moons around 30 KB.
/// </summary>
internal static class DecisionBoundary
{
    public const int DefaultResolution = 100;

    /// <summary>At most this many points of a set are drawn (evenly spaced rows), so a large data set keeps the picture small.</summary>
    public const int MaxPointsPerSet = 2000;
    public const double Width = 440;
    public const double Height = 440;
    private const double TickSize = 13;
    private const double LabelSize = 14;
    private const double PointRadius = 3;
    private static readonly double[] ShadeOpacity = [0.10, 0.18, 0.27, 0.36];

    /// <summary>Whether the model reads exactly two features (the only case drawn).</summary>
    public static bool Applies(Model model) => model.FeatureNames.Count == 2;

    /// <summary>The shade step of a most-probable-class probability: 0 below 0.6, 1 below 0.8, 2 below 0.95, else 3.</summary>
    public static int Shade(float probability) => probability < 0.6f ? 0 : probability < 0.8f ? 1 : probability < 0.95f ? 2 : 3;

    /// <summary>The centre of cell (column, row) of a grid over [x0, x1] × [y0, y1]; row 0 is the top (largest y).</summary>
    public static (float X, float Y) CellCentre(int column, int row, int resolution, double x0, double x1, double y0, double y1)
        => ((float)(x0 + (column + 0.5) * (x1 - x0) / resolution), (float)(y1 - (row + 0.5) * (y1 - y0) / resolution));

    /// <exception cref="ArgumentException">The model does not read two features, or there are no points.</exception>
    public static string Render(Model model, IReadOnlyList<PointSet> sets, string title, int resolution = DefaultResolution)
    {
        if (!Applies(model))
        {
            throw new ArgumentException($"A decision boundary needs a model of two features; this one reads {model.FeatureNames.Count}.", nameof(model));
        }
        float[] xs = [.. sets.SelectMany(s => Enumerable.Range(0, s.Labels.Length).Select(i => s.Xy[2 * i]))];
        float[] ys = [.. sets.SelectMany(s => Enumerable.Range(0, s.Labels.Length).Select(i => s.Xy[2 * i + 1]))];
        if (xs.Length == 0)
        {
            throw new ArgumentException("A decision boundary needs points to draw.", nameof(sets));
        }
        (double x0, double x1) = Padded(xs.Min(), xs.Max());
        (double y0, double y1) = Padded(ys.Min(), ys.Max());
        AxisTicks xTicks = AxisTicks.Within(x0, x1);
        AxisTicks yTicks = AxisTicks.Within(y0, y1);

        int k = model.ClassNames.Count;
        var legend = new Legend();
        // Classes named 0, 1, … read better with the label's name: "class 0".
        bool numbered = model.ClassNames.All(n => n.Length > 0 && n.All(char.IsAsciiDigit));
        for (int c = 0; c < k; c++)
        {
            legend.Add(SvgDocument.Shorten(numbered ? $"{model.LabelName} {model.ClassNames[c]}" : model.ClassNames[c], 24), Legend.MarkerSwatch(c, $"fill=\"{PlotColors.Class(c)}\""));
        }
        if (sets.Count > 1 || sets.Any(s => s.Labels.Length > MaxPointsPerSet))
        {
            foreach (PointSet set in sets)
            {
                string name = set.Labels.Length > MaxPointsPerSet
                    ? string.Create(CultureInfo.InvariantCulture, $"{set.Name} ({Shown(set.Labels.Length)} of {set.Labels.Length} shown)")
                    : set.Name;
                legend.Add(name, Legend.MarkerSwatch(0, set.Hollow ? $"fill=\"#ffffff\" stroke=\"{SvgDocument.Ink}\" stroke-width=\"1.5\"" : $"fill=\"{SvgDocument.Ink}\""));
            }
        }

        double widestTick = yTicks.Values.Max(v => SvgDocument.TextWidth(yTicks.Label(v), TickSize));
        double left = 8 + LabelSize + 8 + widestTick + 6;
        double right = Width - 16;
        double legendTop = 44;
        double top = legendTop + legend.Height(left, right) + 8;
        double bottom = Height - 44;
        double X(double x) => left + (x - x0) / (x1 - x0) * (right - left);
        double Y(double y) => bottom - (y - y0) / (y1 - y0) * (bottom - top);

        var svg = new SvgDocument(Width, Height, title);
        svg.Text(Width / 2, 20, title, 15, "middle", "bold");
        svg.Text(Width / 2, 37, "shading: the predicted class, paler where less sure", 12, "middle", fill: "#555555");
        legend.Draw(svg, left, right, legendTop);

        DrawCells(svg, model, resolution, x0, x1, y0, y1, left, top, (right - left) / resolution, (bottom - top) / resolution);

        svg.Raw($"<rect x=\"{SvgDocument.Num(left)}\" y=\"{SvgDocument.Num(top)}\" width=\"{SvgDocument.Num(right - left)}\" height=\"{SvgDocument.Num(bottom - top)}\" fill=\"none\" stroke=\"{SvgDocument.Ink}\"/>");
        svg.Group("data-axis=\"x\"");
        foreach (double v in xTicks.Values)
        {
            svg.Line(X(v), bottom, X(v), bottom + 5, SvgDocument.Ink);
            svg.Text(X(v), bottom + 18, xTicks.Label(v), TickSize, "middle");
        }
        svg.Close();
        svg.Group("data-axis=\"y\"");
        foreach (double v in yTicks.Values)
        {
            svg.Line(left - 5, Y(v), left, Y(v), SvgDocument.Ink);
            svg.Text(left - 7, Y(v) + TickSize * 0.35, yTicks.Label(v), TickSize, "end");
        }
        svg.Close();
        svg.Text((left + right) / 2, Height - 10, model.FeatureNames[0], LabelSize, "middle");
        svg.Text(8 + LabelSize, (top + bottom) / 2, model.FeatureNames[1], LabelSize, "middle", rotate: -90);

        foreach (PointSet set in sets)
        {
            svg.Group($"data-points=\"{SvgDocument.Escape(set.Name)}\"");
            for (int c = 0; c < k; c++)
            {
                string color = PlotColors.Class(c);
                svg.Group(set.Hollow
                    ? $"data-class=\"{c}\" fill=\"#ffffff\" stroke=\"{color}\" stroke-width=\"1.6\""
                    : $"data-class=\"{c}\" fill=\"{color}\" stroke=\"#ffffff\" stroke-width=\"0.8\"");
                int every = Stride(set.Labels.Length);
                for (int i = 0; i < set.Labels.Length; i += every)
                {
                    if (set.Labels[i] == c)
                    {
                        svg.Raw(Markers.Element(c, X(set.Xy[2 * i]), Y(set.Xy[2 * i + 1]), PointRadius));
                    }
                }
                svg.Close();
            }
            svg.Close();
        }
        return svg.ToString();
    }

    // Cells in grid units (x = column, y = row) inside a group scaled to the plot area; crisp edges so that merged
    // neighbours show no hairline seams.
    private static void DrawCells(SvgDocument svg, Model model, int resolution, double x0, double x1, double y0, double y1,
        double left, double top, double cellWidth, double cellHeight)
    {
        int k = model.ClassNames.Count;
        var centres = new float[resolution * resolution * 2];
        for (int row = 0; row < resolution; row++)
        {
            for (int column = 0; column < resolution; column++)
            {
                (float x, float y) = CellCentre(column, row, resolution, x0, x1, y0, y1);
                int i = row * resolution + column;
                centres[2 * i] = x;
                centres[2 * i + 1] = y;
            }
        }
        float[] probabilities = model.PredictProbabilities(centres);
        var cellClass = new int[resolution * resolution];
        var cellShade = new int[resolution * resolution];
        for (int i = 0; i < cellClass.Length; i++)
        {
            ReadOnlySpan<float> p = probabilities.AsSpan(i * k, k);
            int best = 0;
            for (int c = 1; c < k; c++)
            {
                if (p[c] > p[best])
                {
                    best = c;
                }
            }
            cellClass[i] = best;
            cellShade[i] = Shade(p[best]);
        }

        // Runs of equal (class, shade) along each row, grouped by class and shade.
        var runs = new SortedDictionary<(int Class, int Shade), List<(int Column, int Row, int Length)>>();
        for (int row = 0; row < resolution; row++)
        {
            int start = 0;
            for (int column = 1; column <= resolution; column++)
            {
                int a = row * resolution + start;
                if (column == resolution || cellClass[row * resolution + column] != cellClass[a] || cellShade[row * resolution + column] != cellShade[a])
                {
                    (int, int) key = (cellClass[a], cellShade[a]);
                    if (!runs.TryGetValue(key, out List<(int, int, int)>? list))
                    {
                        runs[key] = list = [];
                    }
                    list.Add((start, row, column - start));
                    start = column;
                }
            }
        }

        string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        svg.Group($"data-boundary=\"cells\" data-resolution=\"{resolution}\" data-x-min=\"{R(x0)}\" data-x-max=\"{R(x1)}\" data-y-min=\"{R(y0)}\" data-y-max=\"{R(y1)}\" "
            + $"transform=\"translate({SvgDocument.Num(left)} {SvgDocument.Num(top)}) scale({R(cellWidth)} {R(cellHeight)})\" shape-rendering=\"crispEdges\"");
        foreach (int c in runs.Keys.Select(key => key.Class).Distinct())
        {
            svg.Group($"data-class=\"{c}\" fill=\"{PlotColors.Class(c)}\"");
            foreach (((int _, int shade), List<(int Column, int Row, int Length)> list) in runs.Where(r => r.Key.Class == c))
            {
                svg.Group($"fill-opacity=\"{ShadeOpacity[shade].ToString(CultureInfo.InvariantCulture)}\"");
                foreach ((int column, int row, int length) in list)
                {
                    svg.Raw($"<rect x=\"{column}\" y=\"{row}\" width=\"{length}\" height=\"1\"/>");
                }
                svg.Close();
            }
            svg.Close();
        }
        svg.Close();
    }

    // Every stride-th row is drawn: 1 up to MaxPointsPerSet rows, then just enough to stay at or under it.
    private static int Stride(int rows) => Math.Max(1, (rows + MaxPointsPerSet - 1) / MaxPointsPerSet);

    private static int Shown(int rows) => (rows + Stride(rows) - 1) / Stride(rows);

    private static (double Low, double High) Padded(double min, double max)
    {
        double pad = max > min ? (max - min) * 0.06 : Math.Max(Math.Abs(min) * 0.1, 0.5);
        return (min - pad, max + pad);
    }
}
