using System.CommandLine;
using System.Globalization;
using System.Text;
using Backprop.Cli.Plots;

namespace Backprop.Cli.Commands;

/// <summary>
/// `backprop evaluate --model m.json --data test.csv`: accuracy, log-loss, per-class precision/recall/F1 and the confusion
/// matrix (classification); MAE, RMSE and R² per target and their means (regression); subset accuracy, Hamming loss,
/// per-label precision/recall/F1, micro and macro F1 (multi-label).
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create(CliIO io)
    {
        var model = new Option<string?>("--model") { Description = "The model file written by 'backprop train --out'" };
        var report = new Option<string?>("--report") { Description = "Also write one self-contained HTML page (.html) with the model summary, the metrics, the confusion matrix and (two features) the decision boundary" };
        var threshold = new Option<double?>("--decision-threshold") { Description = "Multi-label models: a label is predicted when its probability is above this (default: the model's, 0.5 unless trained with another)" };
        var dataOptions = new DataOptions { Diagnostics = io.Error };
        var command = new Command("evaluate", "Measure a trained model on labelled data: accuracy, log-loss, per-class precision, recall and F1, confusion matrix; MAE, RMSE and R² for regression; subset accuracy, Hamming loss and F1 for multi-label.")
        {
            model, report, threshold,
        };
        dataOptions.AddTo(command);
        command.SetAction(parse =>
        {
            string? reportPath = parse.GetValue(report);
            if (reportPath is not null)
            {
                PictureOutputs.CheckReport("--report", reportPath, [("--model", parse.GetValue(model)), ("--data", parse.GetValue(dataOptions.Data))]);
            }
            double? cut = ModelData.Threshold(parse.GetValue(threshold));
            Model m = ModelData.LoadModel(parse.GetValue(model));
            if (m.Task != LearningTask.Classification)
            {
                if (reportPath is not null)
                {
                    throw new UsageException($"--report draws classification pictures; this is a {DataOptions.TaskName(m.Task)} model");
                }
                if (cut is not null && m.Task != LearningTask.MultiLabel)
                {
                    throw new UsageException($"--decision-threshold applies to multi-label models; this is a {DataOptions.TaskName(m.Task)} model");
                }
                Dataset<float> rows = ModelData.Load(parse, dataOptions, m);
                if (!rows.IsLabelled)
                {
                    throw new InvalidDataException($"the data has no label columns {string.Join(", ", m.LabelNames.Select(n => $"'{n}'"))} to evaluate against (use --label)");
                }
                WriteDropped(io, rows);
                io.Out.Write(m.Task == LearningTask.Regression ? Format(m.EvaluateRegressionScaled(rows)) : Format(m.EvaluateMultiLabelScaled(rows, cut)));
                return Cli.Ok;
            }
            if (cut is not null)
            {
                throw new UsageException("--decision-threshold applies to multi-label models; this is a classification model");
            }
            Dataset<float> data = ModelData.Load(parse, dataOptions, m);
            if (!data.IsClassification)
            {
                throw new InvalidDataException($"the data has no label column '{m.LabelName}' to evaluate against (use --label)");
            }
            if (data.OutputCount != m.ClassNames.Count)
            {
                throw new InvalidDataException($"the data has {data.OutputCount} classes but the model predicts {m.ClassNames.Count} ({string.Join(", ", m.ClassNames)})");
            }
            WriteDropped(io, data);
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

    // Rows whose label was missing are not scored; the count is said before the figures.
    private static void WriteDropped(CliIO io, Dataset<float> data)
    {
        if (data.DroppedRows > 0)
        {
            io.Out.WriteLine($"{data.DroppedRows} row{(data.DroppedRows == 1 ? "" : "s")} without a label left out");
        }
    }

    /// <summary>MAE, RMSE and R² per target, and their means when there are several targets.</summary>
    public static string Format(RegressionEvaluation e)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Rows      {e.Count}");
        int nameWidth = Math.Max(6, e.TargetNames.Max(n => n.Length));
        sb.AppendLine($"{"target".PadRight(nameWidth)}  {"MAE",-12}  {"RMSE",-12}  R²");
        for (int j = 0; j < e.TargetNames.Count; j++)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"{e.TargetNames[j].PadRight(nameWidth)}  {e.MeanAbsoluteError[j],-12:G6}  {e.RootMeanSquaredError[j],-12:G6}  {e.RSquared[j]:F4}");
        }
        if (e.TargetNames.Count > 1)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"{"mean".PadRight(nameWidth)}  {e.AverageMeanAbsoluteError,-12:G6}  {e.AverageRootMeanSquaredError,-12:G6}  {e.AverageRSquared:F4}");
        }
        return sb.ToString();
    }

    /// <summary>Subset accuracy, Hamming loss, micro and macro F1, and precision, recall and F1 per label.</summary>
    public static string Format(MultiLabelEvaluation e)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Rows             {e.Count}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"Threshold        {e.Threshold:G4}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"Subset accuracy  {e.SubsetAccuracy:F4}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"Hamming loss     {e.HammingLoss:F4}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"Micro F1         {e.MicroF1:F4}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"Macro F1         {e.MacroF1:F4}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"Log-loss         {e.LogLoss:F4}");
        sb.AppendLine();
        int nameWidth = Math.Max(9, e.LabelNames.Max(n => n.Length));
        sb.AppendLine($"{"label".PadRight(nameWidth)}  precision  recall     f1         support");
        for (int j = 0; j < e.LabelNames.Count; j++)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"{e.LabelNames[j].PadRight(nameWidth)}  {e.Precision[j],-9:F4}  {e.Recall[j],-9:F4}  {e.F1[j],-9:F4}  {e.Support[j]}");
        }
        return sb.ToString();
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
