using System.CommandLine;
using System.Globalization;
using System.Text;
using Backprop.Cli.Plots;

namespace Backprop.Cli.Commands;

/// <summary>`backprop evaluate --model m.json --data test.csv`: accuracy, log-loss, per-class precision/recall/F1 and the confusion matrix.</summary>
internal static class EvaluateCommand
{
    public static Command Create(CliIO io)
    {
        var model = new Option<string?>("--model") { Description = "The model file written by 'backprop train --out'" };
        var report = new Option<string?>("--report") { Description = "Also write one self-contained HTML page (.html) with the model summary, the metrics, the confusion matrix and (two features) the decision boundary" };
        var dataOptions = new DataOptions { Diagnostics = io.Error };
        var command = new Command("evaluate", "Measure a trained model on labelled data: accuracy, log-loss, per-class precision, recall and F1, confusion matrix.")
        {
            model, report,
        };
        dataOptions.AddTo(command);
        command.SetAction(parse =>
        {
            string? reportPath = parse.GetValue(report);
            if (reportPath is not null)
            {
                PictureOutputs.CheckReport("--report", reportPath, [("--model", parse.GetValue(model)), ("--data", parse.GetValue(dataOptions.Data))]);
            }
            Model m = ModelData.LoadModel(parse.GetValue(model));
            Dataset<float> data = ModelData.Load(parse, dataOptions, m);
            if (!data.IsClassification)
            {
                throw new InvalidDataException($"the data has no label column '{m.LabelName}' to evaluate against (use --label)");
            }
            if (data.OutputCount != m.ClassNames.Count)
            {
                throw new InvalidDataException($"the data has {data.OutputCount} classes but the model predicts {m.ClassNames.Count} ({string.Join(", ", m.ClassNames)})");
            }
            Evaluation e = m.EvaluateScaled(data);
            io.Out.Write(Format(e));
            if (reportPath is not null)
            {
                string source = parse.GetValue(dataOptions.Dataset) ?? parse.GetValue(dataOptions.Data)!;
                PictureCommands.WriteForEvaluation(reportPath, m, $"{source}: {data.Count} rows", data, e);
            }
            return Cli.Ok;
        });
        return command;
    }

    public static string Format(Evaluation e)
    {
        var sb = new StringBuilder();
        int correct = (int)Math.Round(e.Accuracy * e.Count);
        sb.AppendLine(CultureInfo.InvariantCulture, $"Rows      {e.Count}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"Accuracy  {e.Accuracy:F4} ({correct}/{e.Count})");
        sb.AppendLine(CultureInfo.InvariantCulture, $"Log-loss  {e.LogLoss:F4}");
        sb.AppendLine();
        int k = e.ClassNames.Count;
        int nameWidth = Math.Max(9, e.ClassNames.Max(n => n.Length));
        sb.AppendLine($"{"class".PadRight(nameWidth)}  precision  recall     f1         support");
        for (int c = 0; c < k; c++)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"{e.ClassNames[c].PadRight(nameWidth)}  {e.Precision[c],-9:F4}  {e.Recall[c],-9:F4}  {e.F1[c],-9:F4}  {e.Support[c]}");
        }
        sb.AppendLine(CultureInfo.InvariantCulture, $"{"macro avg".PadRight(nameWidth)}  {e.Precision.Average(),-9:F4}  {e.Recall.Average(),-9:F4}  {e.MacroF1,-9:F4}  {e.Count}");
        sb.AppendLine();
        sb.AppendLine("Confusion matrix (rows: actual class, columns: predicted class)");
        int cell = Math.Max(e.ClassNames.Max(n => n.Length), e.Count.ToString(CultureInfo.InvariantCulture).Length);
        sb.Append(new string(' ', nameWidth));
        foreach (string name in e.ClassNames)
        {
            sb.Append("  ").Append(name.PadLeft(cell));
        }
        sb.AppendLine();
        for (int a = 0; a < k; a++)
        {
            sb.Append(e.ClassNames[a].PadRight(nameWidth));
            for (int p = 0; p < k; p++)
            {
                sb.Append("  ").Append(e.Confusion(a, p).ToString(CultureInfo.InvariantCulture).PadLeft(cell));
            }
            sb.AppendLine();
        }
        return sb.ToString();
    }
}
