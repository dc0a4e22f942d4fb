namespace Backprop.Cli.Plots;

/// <summary>
/// The learning curves of a run from its per-epoch reports: training and validation loss, and validation accuracy.
/// Training is solid blue, validation dashed vermillion; the epoch whose weights early stopping restored is marked.
/// </summary>
internal static class TrainingCurves
{
    public const string TrainLoss = "training loss";
    public const string ValidationLoss = "validation loss";
    public const string ValidationAccuracy = "validation accuracy";
    private static readonly string TrainColor = PlotColors.Class(0);
    private static readonly string ValidationColor = PlotColors.Class(3);
    private const string ValidationDash = "6 4";

    /// <summary>The loss per epoch: training, and validation when the run had a validation split.</summary>
    public static string Loss(IReadOnlyList<EpochReport> history, int? bestEpoch)
    {
        var series = new List<LineSeries> { new(TrainLoss, [.. history.Select(r => ((double)r.Epoch, r.Loss))], TrainColor) };
        if (history.Any(r => r.ValidationLoss is not null))
        {
            series.Add(new LineSeries(ValidationLoss, [.. history.Where(r => r.ValidationLoss is not null).Select(r => ((double)r.Epoch, r.ValidationLoss!.Value))],
                ValidationColor, ValidationDash));
        }
        return new LineChart
        {
            Title = "Loss per epoch",
            XLabel = "epoch",
            YLabel = "cross-entropy loss",
            Series = series,
            YFromZero = true,
            Marker = BestEpochMarker(bestEpoch),
        }.Render();
    }

    /// <summary>The validation accuracy per epoch; null when the run had no validation split (nothing to draw).</summary>
    public static string? Accuracy(IReadOnlyList<EpochReport> history, int? bestEpoch)
    {
        (double, double)[] points = [.. history.Where(r => r.ValidationAccuracy is not null).Select(r => ((double)r.Epoch, r.ValidationAccuracy!.Value))];
        if (points.Length == 0)
        {
            return null;
        }
        return new LineChart
        {
            Title = "Accuracy per epoch",
            XLabel = "epoch",
            YLabel = "accuracy",
            Series = [new LineSeries(ValidationAccuracy, points, ValidationColor, ValidationDash)],
            YLimits = (0, 1),
            Marker = BestEpochMarker(bestEpoch),
        }.Render();
    }

    private static (double, string)? BestEpochMarker(int? bestEpoch)
        => bestEpoch is int b ? (b, $"best epoch ({b}), restored") : null;
}
