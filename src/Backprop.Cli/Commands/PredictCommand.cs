using System.CommandLine;
using System.Globalization;
using System.Text;

namespace Backprop.Cli.Commands;

/// <summary>
/// `backprop predict --model m.json --data x.csv`: one CSV row per input row, the predicted class then each class's
/// probability (columns "predicted", "p_CLASS", …), on standard output or into --out.
/// </summary>
internal static class PredictCommand
{
    public static Command Create(CliIO io)
    {
        var model = new Option<string?>("--model") { Description = "The model file written by 'backprop train --out'" };
        var output = new Option<string?>("--out") { Description = "Write the CSV here instead of standard output" };
        var dataOptions = new DataOptions { Diagnostics = io.Error };
        var command = new Command("predict", "Predict with a trained model: one CSV row per input row with the predicted class and every class's probability.")
        {
            model, output,
        };
        dataOptions.AddTo(command);
        command.SetAction(parse =>
        {
            new OutputFiles()
                .Input("--model", parse.GetValue(model))
                .Input("--data", parse.GetValue(dataOptions.Data))
                .Output("--out", parse.GetValue(output))
                .Check();
            Model m = ModelData.LoadModel(parse.GetValue(model));
            Dataset<float> data = ModelData.Load(parse, dataOptions, m, labelsRequired: false);
            float[] probabilities = m.PredictScaledProbabilities(data.Features);
            string csv = Format(m.ClassNames, probabilities);
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
