using System.CommandLine;
using System.Globalization;
using System.Text;

namespace Backprop.Cli.Commands;

/// <summary>
/// `backprop predict --model m.json --data x.csv`: one CSV row per input row, on standard output or into --out: the
/// predicted class then each class's probability (columns "predicted", "p_CLASS", …); for a regression model the
/// predicted values in the targets' units (one column per target, named after it); for a multi-label model each
/// label's 0/1 decision then its probability (columns "LABEL", …, "p_LABEL", …).
/// </summary>
internal static class PredictCommand
{
    public static Command Create(CliIO io)
    {
        var model = new Option<string?>("--model") { Description = "The model file written by 'backprop train --out'" };
        var output = new Option<string?>("--out") { Description = "Write the CSV here instead of standard output" };
        var threshold = new Option<double?>("--decision-threshold") { Description = "Multi-label models: a label is predicted when its probability is above this (default: the model's)" };
        var dataOptions = new DataOptions { Diagnostics = io.Error };
        var command = new Command("predict", "Predict with a trained model: one CSV row per input row with the predicted class and every class's probability (regression: the predicted values; multi-label: each label's 0/1 and probability).")
        {
            model, output, threshold,
        };
        dataOptions.AddTo(command);
        command.SetAction(parse =>
        {
            new OutputFiles()
                .Input("--model", parse.GetValue(model))
                .Input("--data", parse.GetValue(dataOptions.Data))
                .Output("--out", parse.GetValue(output))
                .Check();
            double? cut = ModelData.Threshold(parse.GetValue(threshold));
            Model m = ModelData.LoadModel(parse.GetValue(model));
            if (cut is not null && m.Task != LearningTask.MultiLabel)
            {
                throw new UsageException($"--decision-threshold applies to multi-label models; this is a {DataOptions.TaskName(m.Task)} model");
            }
            Dataset<float> data = ModelData.Load(parse, dataOptions, m, labelsRequired: false);
            string csv = m.Task switch
            {
                LearningTask.Regression => FormatValues(m.LabelNames, m.PredictScaledValues(data.Features)),
                LearningTask.MultiLabel => FormatLabels(m.LabelNames, m.PredictScaledProbabilities(data.Features), cut ?? m.DecisionThreshold),
                _ => Format(m.ClassNames, m.PredictScaledProbabilities(data.Features)),
            };
            string? path = parse.GetValue(output);
            if (path is null)
            {
                io.Out.Write(csv);
            }
            else
            {
                byte[] bytes = Encoding.UTF8.GetBytes(csv);
                AtomicFile.Write(path, stream => stream.Write(bytes));
            }
            return Cli.Ok;
        });
        return command;
    }

    public static string Format(IReadOnlyList<string> classNames, ReadOnlySpan<float> probabilities)
    {
        int k = classNames.Count;
        var sb = new StringBuilder();
        sb.Append("predicted");
        foreach (string name in classNames)
        {
            sb.Append(',').Append(Csv("p_" + name));
        }
        sb.Append('\n');
        for (int r = 0; r < probabilities.Length / k; r++)
        {
            ReadOnlySpan<float> p = probabilities.Slice(r * k, k);
            sb.Append(Csv(classNames[ArgMax(p)]));
            foreach (float v in p)
            {
                sb.Append(',').Append(v.ToString("R", CultureInfo.InvariantCulture));
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Regression: one column per target, named after it, the values in its units.</summary>
    public static string FormatValues(IReadOnlyList<string> targets, ReadOnlySpan<float> values)
    {
        int k = targets.Count;
        var sb = new StringBuilder();
        sb.AppendJoin(',', targets.Select(Csv)).Append('\n');
        for (int r = 0; r < values.Length / k; r++)
        {
            for (int j = 0; j < k; j++)
            {
                sb.Append(j == 0 ? "" : ",").Append(values[r * k + j].ToString("R", CultureInfo.InvariantCulture));
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Multi-label: each label's decision (1 when its probability is above the threshold, else 0), then each label's probability.</summary>
    public static string FormatLabels(IReadOnlyList<string> labels, ReadOnlySpan<float> probabilities, double threshold)
    {
        int k = labels.Count;
        var sb = new StringBuilder();
        sb.AppendJoin(',', labels.Select(Csv).Concat(labels.Select(l => Csv("p_" + l)))).Append('\n');
        for (int r = 0; r < probabilities.Length / k; r++)
        {
            ReadOnlySpan<float> p = probabilities.Slice(r * k, k);
            for (int j = 0; j < k; j++)
            {
                sb.Append(j == 0 ? "" : ",").Append(p[j] > threshold ? '1' : '0');
            }
            foreach (float v in p)
            {
                sb.Append(',').Append(v.ToString("R", CultureInfo.InvariantCulture));
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    // RFC 4180: quote a field that holds a comma, a quote or a line break, doubling inner quotes.
    private static string Csv(string field)
        => field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;

    // The first class of highest probability.
    private static int ArgMax(ReadOnlySpan<float> p)
    {
        int best = 0;
        for (int i = 1; i < p.Length; i++)
        {
            if (p[i] > p[best])
            {
                best = i;
            }
        }
        return best;
    }
}
