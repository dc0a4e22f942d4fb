using System.Globalization;
using System.Text;

namespace Backprop.Cli.Commands;

/// <summary>A table of the layers, their shapes and parameter counts, printed before training (like Keras's summary()).</summary>
internal static class ModelSummary
{
    public static string Format(Network<float> network)
    {
        var rows = new List<string[]> { new[] { "Layer", "Input", "Output", "Activation", "W shape", "Parameters" } };
        foreach (Layer<float> layer in network.Layers)
        {
            if (layer is BatchNorm<float> norm)
            {
                rows.Add([
                    $"batch_norm_{norm.Index + 1}",
                    $"(batch, {norm.Inputs})",
                    $"(batch, {norm.Outputs})",
                    "",
                    $"γ, β: {norm.Inputs}",
                    norm.ParameterCount.ToString("N0", CultureInfo.InvariantCulture),
                ]);
                continue;
            }
            if (layer is not Dense<float> dense)
            {
                continue;
            }
            rows.Add([
                $"dense_{dense.Index + 1}",
                $"(batch, {dense.Inputs})",
                $"(batch, {dense.Outputs})",
                ActivationFunctions.Name(dense.Activation),
                $"{dense.Outputs}×{dense.Inputs}",
                dense.ParameterCount.ToString("N0", CultureInfo.InvariantCulture),
            ]);
        }
        int[] widths = [.. Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length))];
        var sb = new StringBuilder();
        string rule = new('─', widths.Sum() + 2 * (widths.Length - 1));
        Activation output = network.DenseLayers[^1].Activation;
        string loss = network.Loss is Huber huber ? $"huber (δ = {huber.Threshold.ToString(CultureInfo.InvariantCulture)})" : network.Loss.Name;
        sb.AppendLine(CultureInfo.InvariantCulture, $"Network: {string.Join(" → ", network.Sizes)}, {ActivationFunctions.Name(output)} + {loss}");
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
