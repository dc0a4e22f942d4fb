using System.Globalization;
using System.Net;
using System.Text;

namespace Backprop.Cli.Plots;

/// <summary>
/// One self-contained HTML page about a model: the data, the metrics (test or evaluation, and how training ended),
/// the pictures inlined as SVG, and the model's layer summary and training options. No scripts, no fonts, images or
/// styles fetched from anywhere: the page reads the same offline, and the same run gives the same bytes (no dates,
/// no timings).
/// </summary>
internal sealed class HtmlReport
{
    private const string Style = """
        :root { color-scheme: light; }
        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", Arial, sans-serif;
               color: #222; background: #fff; line-height: 1.45; max-width: 60rem; margin: 0 auto; padding: 1rem; }
        h1 { font-size: 1.5rem; margin: 0.5rem 0; }
        h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
        .pictures { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 24rem), 1fr)); gap: 1.25rem; }
        figure { margin: 0; }
        figure svg { display: block; width: 100%; height: auto; }
        figcaption { font-size: 0.9rem; color: #555; margin-top: 0.25rem; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
        th, td { padding: 0.2rem 0.4rem; border-bottom: 1px solid #e5e5e5; text-align: right; white-space: nowrap; }
        th:first-child, td:first-child { text-align: left; white-space: normal; }
        pre { overflow-x: auto; background: #f6f6f6; padding: 0.75rem; font-size: 0.8rem; }
        .note { color: #555; }
        """;

    /// <summary>The page's heading, e.g. "Training report".</summary>
    public required string Title { get; init; }

    public required Model Model { get; init; }

    /// <summary>One line on the data (what was read and how it was split).</summary>
    public required string DataDescription { get; init; }

    public required TrainingPictures Pictures { get; init; }

    /// <summary>The test (or evaluation) metrics; null when there were no labelled rows to score.</summary>
    public Evaluation? Evaluation { get; init; }

    /// <summary>What the evaluated rows are, for the metrics heading ("test rows", "evaluated rows").</summary>
    public string EvaluatedRows { get; init; } = "test rows";

    /// <summary>How training ended; null for an evaluation of a saved model.</summary>
    public TrainingResult? Training { get; init; }

    public string Render()
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
          .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
          .Append("<title>").Append(E(Title)).Append("</title>\n<style>\n").Append(Style).Append("</style>\n</head>\n<body>\n");
        sb.Append("<h1>").Append(E(Title)).Append("</h1>\n");
        sb.Append("<p>Data: ").Append(E(DataDescription)).Append("</p>\n");
        sb.Append("<p>Network: ").Append(E(string.Join(" → ", Model.Network.Sizes))).Append(", predicting ")
          .Append(E(Model.LabelName)).Append(" (").Append(E(string.Join(", ", Model.ClassNames))).Append(")</p>\n");

        sb.Append("<h2>Metrics</h2>\n");
        if (Evaluation is Evaluation e)
        {
            AppendEvaluation(sb, e);
        }
        else
        {
            sb.Append("<p class=\"note\">No ").Append(E(EvaluatedRows)).Append(": no metrics.</p>\n");
        }
        if (Training is TrainingResult t)
        {
            AppendTraining(sb, t);
        }

        sb.Append("<h2>Pictures</h2>\n<div class=\"pictures\">\n");
        foreach (Picture picture in Pictures.Pictures)
        {
            sb.Append("<figure data-file=\"").Append(E(picture.FileName)).Append("\">\n")
              .Append(Inline(picture.Svg))
              .Append("<figcaption>").Append(E(picture.Caption)).Append("</figcaption>\n</figure>\n");
        }
        sb.Append("</div>\n");
        foreach (string note in Pictures.Notes)
        {
            sb.Append("<p class=\"note\">").Append(E(note)).Append("</p>\n");
        }

        sb.Append("<h2>Model</h2>\n<pre>").Append(E(Commands.ModelSummary.Format(Model.Network))).Append("</pre>\n");
        if (Model.TrainingOptions.Count > 0)
        {
            sb.Append("<div class=\"scroll\"><table>\n<tr><th>Training option</th><th>Value</th></tr>\n");
            foreach ((string key, string value) in Model.TrainingOptions.OrderBy(o => o.Key, StringComparer.Ordinal))
            {
                sb.Append("<tr><td>").Append(E(key)).Append("</td><td>").Append(E(value)).Append("</td></tr>\n");
            }
            sb.Append("</table></div>\n");
        }
        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    /// <summary>Writes the page through a temporary file, so the target is complete or untouched.</summary>
    public void Write(string path)
    {
        byte[] bytes = new UTF8Encoding(false).GetBytes(Render());
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    private void AppendEvaluation(StringBuilder sb, Evaluation e)
    {
        int correct = (int)Math.Round(e.Accuracy * e.Count);
        sb.Append("<div class=\"scroll\"><table>\n")
          .Append(Row("Rows (" + EvaluatedRows + ")", Int(e.Count)))
          .Append(Row("Accuracy", F4(e.Accuracy) + " (" + Int(correct) + "/" + Int(e.Count) + ")"))
          .Append(Row("Log-loss", F4(e.LogLoss)))
          .Append(Row("Macro F1", F4(e.MacroF1)))
          .Append("</table></div>\n");
        sb.Append("<div class=\"scroll\"><table>\n<tr><th>Class</th><th>Precision</th><th>Recall</th><th>F1</th><th>Support</th></tr>\n");
        for (int c = 0; c < e.ClassNames.Count; c++)
        {
            sb.Append("<tr><td>").Append(E(e.ClassNames[c])).Append("</td><td>").Append(F4(e.Precision[c])).Append("</td><td>")
              .Append(F4(e.Recall[c])).Append("</td><td>").Append(F4(e.F1[c])).Append("</td><td>").Append(Int(e.Support[c])).Append("</td></tr>\n");
        }
        sb.Append("</table></div>\n");
    }

    private static void AppendTraining(StringBuilder sb, TrainingResult t)
    {
        string reason = t.Reason switch
        {
            StopReason.EarlyStopped => "early stopping",
            StopReason.Cancelled => "interrupted",
            StopReason.LossBelowThreshold => "loss below the threshold",
            _ => "all epochs ran",
        };
        sb.Append("<div class=\"scroll\"><table>\n")
          .Append(Row("Epochs", Int(t.Epochs) + " (" + reason + ")"));
        if (t.BestEpoch is int best)
        {
            sb.Append(Row("Weights restored from epoch", Int(best)));
        }
        if (t.History.Count > 0)
        {
            EpochReport last = t.History[^1];
            sb.Append(Row("Final training loss", F4(last.Loss)));
            if (last.ValidationLoss is double vl)
            {
                sb.Append(Row("Final validation loss", F4(vl)));
            }
            if (last.ValidationAccuracy is double va)
            {
                sb.Append(Row("Final validation accuracy", F4(va)));
            }
        }
        sb.Append("</table></div>\n");
    }

    // Inline SVG needs no namespace declaration in HTML; dropping it leaves the page without a single URL.
    private static string Inline(string svg) => svg.Replace(" xmlns=\"http://www.w3.org/2000/svg\"", "", StringComparison.Ordinal);

    private static string Row(string name, string value) => $"<tr><td>{E(name)}</td><td>{E(value)}</td></tr>\n";

    private static string F4(double value) => value.ToString("F4", CultureInfo.InvariantCulture);

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
