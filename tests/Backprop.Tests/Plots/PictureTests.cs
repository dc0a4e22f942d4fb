using System.Globalization;
using System.Xml.Linq;
using Backprop.Cli.Plots;
using static Backprop.Tests.Plots.PlotFixtures;

namespace Backprop.Tests.Plots;

public class PictureTests
{
    [Fact]
    public void Loss_chart_has_one_vertex_per_epoch_for_each_series_and_labelled_axes()
    {
        (Model model, _, _) = Moons;
        XElement root = Parse(TrainingCurves.Loss(model.History, bestEpoch: null));
        XElement[] lines = [.. root.Descendants(Svg + "polyline")];
        Assert.Equal(["training loss", "validation loss"], lines.Select(l => (string)l.Attribute("data-series")!));
        foreach (XElement line in lines)
        {
            Assert.Equal(model.History.Count, ((string)line.Attribute("points")!).Split(' ').Length);
        }
        string[] texts = [.. Texts(root)];
        Assert.Contains("Loss per epoch", texts);
        Assert.Contains("epoch", texts);
        Assert.Contains("cross-entropy loss", texts);
        Assert.Contains("training loss", texts);
        Assert.Contains("validation loss", texts);
        Assert.DoesNotContain(root.Descendants(), e => (string?)e.Attribute("data-marker") == "best-epoch");
    }

    [Fact]
    public void Loss_chart_heights_are_one_linear_map_of_the_losses()
    {
        (Model model, _, _) = Moons;
        XElement root = Parse(TrainingCurves.Loss(model.History, bestEpoch: null));
        double[] ys = [.. ((string)root.Descendants(Svg + "polyline").First().Attribute("points")!).Split(' ')
            .Select(p => double.Parse(p.Split(',')[1], CultureInfo.InvariantCulture))];
        double[] losses = [.. model.History.Select(r => r.Loss)];
        // y = a − b · loss with b > 0 (SVG y grows downwards), to the two decimals the picture keeps.
        double b = (ys[^1] - ys[0]) / (losses[0] - losses[^1]);
        Assert.True(b > 0);
        for (int i = 0; i < ys.Length; i++)
        {
            Assert.Equal(ys[0] - b * (losses[i] - losses[0]), ys[i], 0.02);
        }
    }

    [Fact]
    public void Best_epoch_is_marked_and_named_in_the_legend()
    {
        (Model model, _, _) = Moons;
        XElement root = Parse(TrainingCurves.Loss(model.History, bestEpoch: 12));
        Assert.Single(root.Descendants(Svg + "line"), e => (string?)e.Attribute("data-marker") == "best-epoch");
        Assert.Contains("best epoch (12), restored", Texts(root));
    }

    [Fact]
    public void Accuracy_chart_needs_validation_accuracy()
    {
        (Model model, _, _) = Moons;
        XElement root = Parse(TrainingCurves.Accuracy(model.History, null)!);
        XElement line = Assert.Single(root.Descendants(Svg + "polyline"));
        Assert.Equal("validation accuracy", (string?)line.Attribute("data-series"));
        Assert.Equal(model.History.Count, ((string)line.Attribute("points")!).Split(' ').Length);

        EpochReport[] noValidation = [.. model.History.Select(r => new EpochReport(r.Epoch, r.Loss, 0))];
        Assert.Null(TrainingCurves.Accuracy(noValidation, null));
    }

    [Fact]
    public void Decision_boundary_cells_are_the_models_predictions_at_their_centres()
    {
        (Model model, Dataset<float> train, Dataset<float> test) = Moons;
        var sets = new[]
        {
            new PointSet("training rows", train.Features.ToArray(), train.Labels.ToArray(), false),
            new PointSet("test rows", test.Features.ToArray(), test.Labels.ToArray(), true),
        };
        string svg = DecisionBoundary.Render(model, sets, "Decision boundary");
        Assert.True(svg.Length < 500_000, $"{svg.Length} bytes");
        XElement root = Parse(svg);
        XElement grid = root.Descendants(Svg + "g").Single(g => (string?)g.Attribute("data-boundary") == "cells");
        int n = (int)grid.Attribute("data-resolution")!;
        Assert.Equal(DecisionBoundary.DefaultResolution, n);
        double x0 = Number(grid, "data-x-min"), x1 = Number(grid, "data-x-max"), y0 = Number(grid, "data-y-min"), y1 = Number(grid, "data-y-max");

        // Every cell covered exactly once, with the class of the group it is drawn in.
        var drawn = new int[n * n];
        Array.Fill(drawn, -1);
        foreach (XElement rect in grid.Descendants(Svg + "rect"))
        {
            int cls = (int)rect.Ancestors(Svg + "g").First(g => g.Attribute("data-class") is not null).Attribute("data-class")!;
            int x = (int)rect.Attribute("x")!, y = (int)rect.Attribute("y")!, width = (int)rect.Attribute("width")!;
            Assert.Equal("1", (string?)rect.Attribute("height"));
            for (int c = x; c < x + width; c++)
            {
                Assert.Equal(-1, drawn[y * n + c]);
                drawn[y * n + c] = cls;
            }
        }
        Assert.DoesNotContain(-1, drawn);

        // The centre of column c, row r (row 0 at the top): computed here from the grid's bounds, not by the picture's code.
        var centres = new float[n * n * 2];
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < n; c++)
            {
                centres[2 * (r * n + c)] = (float)(x0 + (c + 0.5) * (x1 - x0) / n);
                centres[2 * (r * n + c) + 1] = (float)(y1 - (r + 0.5) * (y1 - y0) / n);
            }
        }
        int[] predicted = model.Predict(centres);
        Assert.Equal(predicted, drawn);
        Assert.Contains(0, drawn);
        Assert.Contains(1, drawn);

        // The bounds hold every point; every row is drawn once, training rows filled and test rows hollow.
        Assert.True(x0 < train.Features.ToArray().Where((_, i) => i % 2 == 0).Min() && y1 > train.Features.ToArray().Where((_, i) => i % 2 == 1).Max());
        XElement[] groups = [.. root.Descendants(Svg + "g").Where(g => g.Attribute("data-points") is not null)];
        Assert.Equal(["training rows", "test rows"], groups.Select(g => (string)g.Attribute("data-points")!));
        Assert.Equal(train.Count, groups[0].Descendants().Count(e => e.Name != Svg + "g"));
        Assert.Equal(test.Count, groups[1].Descendants().Count(e => e.Name != Svg + "g"));
        Assert.All(groups[1].Elements(Svg + "g"), g => Assert.Equal("#ffffff", (string?)g.Attribute("fill")));
        Assert.Contains("x1", Texts(root));
        Assert.Contains("x2", Texts(root));
    }

    [Fact]
    public void A_large_set_is_thinned_to_evenly_spaced_rows_and_says_so()
    {
        (Model model, _, _) = Moons;
        Dataset<float> many = SyntheticDatasets.Moons<float>(50_000, 0.1, seed: 4);
        string svg = DecisionBoundary.Render(model, [new PointSet("training rows", many.Features.ToArray(), many.Labels.ToArray(), false)], "b");
        Assert.True(svg.Length < 500_000, $"{svg.Length} bytes");
        XElement root = Parse(svg);
        XElement points = root.Descendants(Svg + "g").Single(g => (string?)g.Attribute("data-points") == "training rows");
        // 50 000 rows at a stride of 25: rows 0, 25, …, 49 975.
        Assert.Equal(2000, points.Descendants().Count(e => e.Name != Svg + "g"));
        Assert.Contains("training rows (2000 of 50000 shown)", Texts(root));
    }

    [Fact]
    public void Decision_boundary_is_only_for_two_features()
    {
        Dataset<float> blobs = TestData.Blobs(10, classes: 2, features: 3);
        Model model = Classifier.Fit(blobs, new ClassifierOptions { HiddenLayers = [4], Epochs = 1 });
        Assert.False(DecisionBoundary.Applies(model));
        Assert.Throws<ArgumentException>(() => DecisionBoundary.Render(model, [], "x"));
    }

    [Fact]
    public void Confusion_matrix_cells_show_the_evaluations_counts()
    {
        (Model model, _, Dataset<float> test) = Moons;
        Evaluation e = model.Evaluate(test);
        XElement root = Parse(ConfusionMatrixChart.Render(e, "Confusion matrix"));
        XElement[] cells = [.. root.Descendants(Svg + "rect").Where(r => r.Attribute("data-count") is not null)];
        int k = e.ClassNames.Count;
        Assert.Equal(k * k, cells.Length);
        foreach (XElement cell in cells)
        {
            int actual = (int)cell.Attribute("data-actual")!, predicted = (int)cell.Attribute("data-predicted")!;
            Assert.Equal(e.Confusion(actual, predicted), (int)cell.Attribute("data-count")!);
            // The number written in the cell is the text right after it.
            var label = (XElement)cell.NextNode!;
            Assert.Equal(e.Confusion(actual, predicted).ToString(CultureInfo.InvariantCulture), label.Value);
        }
        Assert.Equal(test.Count, cells.Sum(c => (int)c.Attribute("data-count")!));
        string[] texts = [.. Texts(root)];
        Assert.Contains("predicted class", texts);
        Assert.Contains("actual class", texts);
        Assert.Contains("100 %", texts);
    }

    [Fact]
    public void Pictures_are_the_same_bytes_every_time_and_in_every_culture()
    {
        (Model model, Dataset<float> train, Dataset<float> test) = Moons;
        string Draw()
        {
            Evaluation e = model.Evaluate(test);
            var sets = new[] { new PointSet("training rows", train.Features.ToArray(), train.Labels.ToArray(), false) };
            return TrainingCurves.Loss(model.History, 7) + TrainingCurves.Accuracy(model.History, 7)
                + DecisionBoundary.Render(model, sets, "b") + ConfusionMatrixChart.Render(e, "c");
        }
        string first = Draw();
        CultureInfo saved = CultureInfo.CurrentCulture;
        try
        {
            // The build runs in invariant-globalization mode, so a comma-decimal culture is made by hand.
            var comma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            comma.NumberFormat.NumberDecimalSeparator = ",";
            comma.NumberFormat.NumberGroupSeparator = ".";
            comma.NumberFormat.NegativeSign = "\u2212";
            CultureInfo.CurrentCulture = comma;
            Assert.Equal(first, Draw());
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Theory]
    [InlineData(0, 1.3, new[] { 0.0, 0.5, 1, 1.5 }, "0.5")]
    [InlineData(0.43, 0.9, new[] { 0.4, 0.5, 0.6, 0.7, 0.8, 0.9 }, "0.4")]
    [InlineData(0.43, 0.6, new[] { 0.4, 0.45, 0.5, 0.55, 0.6 }, "0.45")]
    [InlineData(-1.38, 2.2, new[] { -2.0, -1, 0, 1, 2, 3 }, "-1")]
    [InlineData(0, 0, new[] { -1.0, -0.5, 0, 0.5, 1 }, "0.0")]
    [InlineData(0, 3200, new[] { 0.0, 1000, 2000, 3000, 4000 }, "1000")]
    public void Ticks_are_nice_numbers_enclosing_the_range(double min, double max, double[] expected, string label)
    {
        AxisTicks ticks = AxisTicks.Enclosing(min, max);
        Assert.Equal(expected, ticks.Values);
        Assert.Contains(label, ticks.Values.Select(ticks.Label));
    }

    [Fact]
    public void Epoch_ticks_are_whole_numbers_within_the_run()
    {
        AxisTicks ticks = AxisTicks.Within(0, 102, integers: true);
        Assert.Equal([0, 20, 40, 60, 80, 100], ticks.Values);
        Assert.Equal(["0", "20", "40", "60", "80", "100"], ticks.Values.Select(ticks.Label));
        Assert.Equal([0, 1, 2, 3], AxisTicks.Within(0, 3, integers: true).Values);
    }
}
