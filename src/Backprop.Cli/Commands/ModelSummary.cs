using System.Globalization;
using System.Text;

namespace Backprop.Cli.Commands;

/// <summary>A table of the layers, their shapes and parameter counts, printed before training (like Keras's summary()).</summary>
internal static class ModelSummary
{
    public static string Format(Network<float> network)
    {
        var rows = new List<string[]> { new[] { "Layer", "Input", "Output", "Activation", "W shape", "Parameters" } };
        foreach (Dense<float> layer in network.DenseLayers)
        {
            rows.Add([
                $"dense_{layer.Index + 1}",
                $"(batch, {layer.Inputs})",
                $"(batch, {layer.Outputs})",
                ActivationFunctions.Name(layer.Activation),
                $"{layer.Outputs}×{layer.Inputs}",
                layer.ParameterCount.ToString("N0", CultureInfo.InvariantCulture),
            ]);
        }
        int[] widths = [.. Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length))];
        var sb = new StringBuilder();
        string rule = new('─', widths.Sum() + 2 * (widths.Length - 1));
        sb.AppendLine(CultureInfo.InvariantCulture, $"Network: {string.Join(" → ", network.Sizes)}, softmax + cross-entropy");
        sb.AppendLine(rule);
        for (int r = 0; r < rows.Count; r++)
        {
            var line = new StringBuilder();
            for (int c = 0; c < widths.Length; c++)
            {
                string cell = rows[r][c];
                line.Append(c == widths.Length - 1 ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c] + 2));
            }
            sb.AppendLine(line.ToString().TrimEnd());
            if (r == 0)
            {
                sb.AppendLine(rule);
            }
        }
        sb.AppendLine(rule);
        sb.Append(CultureInfo.InvariantCulture, $"Total parameters: {network.ParameterCount:N0} ({network.ParameterCount * sizeof(float):N0} bytes as float32)");
        return sb.ToString();
    }
}
