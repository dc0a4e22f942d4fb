using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;

namespace Backprop.Serialization;

/// <summary>
/// Explicit initial parameters as JSON, named as in the article: {"W1": [[…], …], "b1": […], "W2": …}.
/// W&lt;l&gt; is (outputs, inputs) as rows; b&lt;l&gt; is a list, or a column [[…], …] as numpy prints it.
/// </summary>
public static class WeightsFile
{
    /// <summary>Reads <paramref name="path"/> into the network's parameters (UTF-8, with or without a byte-order mark).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not UTF-8, the JSON is malformed, a tensor is missing or unknown, a
    /// shape disagrees with the network (the message names the tensor and both shapes), or a value is not a finite number
    /// of the network's type. The network is left unchanged.</exception>
    public static void Load<T>(string path, Network<T> network) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ReadOnlyMemory<byte> text = JsonValues.ReadUtf8(path, "weights");
        Apply(() => JsonDocument.Parse(text, Options), network, path);
    }

    /// <summary>Parses weights JSON from a string into the network; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">As for <see cref="Load{T}"/>; the network is left unchanged.</exception>
    public static void Parse<T>(string json, Network<T> network, string source = "weights") where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(network);
        Apply(() => JsonDocument.Parse(json, Options), network, source);
    }

    private static JsonDocumentOptions Options => new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 16, AllowDuplicateProperties = false };

    private static void Apply<T>(Func<JsonDocument> parse, Network<T> network, string source) where T : unmanaged, IFloatingPointIeee754<T>
    {
        JsonDocument document;
        try
        {
            document = parse();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {FirstSentence(e.Message)}");
        }
        catch (InvalidOperationException)
        {
            // The duplicate-property check decodes every property name, and throws this for an unpaired surrogate escape.
            throw new InvalidDataException($"{source}: not valid JSON: {JsonValues.UnpairedSurrogate} in a property name");
        }
        using (document)
        {
            JsonValues.CheckText(document.RootElement, source, "");
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{source}: expected a JSON object with W1, b1, W2, b2, …");
            }
            var expected = new HashSet<string>(StringComparer.Ordinal);
            for (int l = 0; l < network.DenseLayers.Count; l++)
            {
                expected.Add($"W{l + 1}");
                expected.Add($"b{l + 1}");
            }
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (!expected.Contains(property.Name))
                {
                    throw new InvalidDataException($"{source}: unknown tensor \"{property.Name}\"; this network has {string.Join(", ", expected)}");
                }
            }
            T[] staged = network.Parameters.ToArray();
            for (int l = 0; l < network.DenseLayers.Count; l++)
            {
                Dense<T> layer = network.DenseLayers[l];
                string wName = $"W{l + 1}";
                string bName = $"b{l + 1}";
                if (!document.RootElement.TryGetProperty(wName, out JsonElement w))
                {
                    throw new InvalidDataException($"{source}: tensor {wName} is missing (expected shape {layer.Outputs}×{layer.Inputs})");
                }
                if (!document.RootElement.TryGetProperty(bName, out JsonElement b))
                {
                    throw new InvalidDataException($"{source}: tensor {bName} is missing (expected shape {layer.Outputs})");
                }
                ReadMatrix(w, wName, layer.Outputs, layer.Inputs, staged.AsSpan(layer.WeightOffset, layer.Outputs * layer.Inputs), source);
                ReadVector(b, bName, layer.Outputs, staged.AsSpan(layer.BiasOffset, layer.Outputs), source);
            }
            staged.CopyTo(network.Parameters);
        }
    }

    /// <summary>Writes the network's parameters in the same format, with round-trip precision.</summary>
    public static string Format<T>(Network<T> network) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        var sb = new StringBuilder("{\n");
        for (int l = 0; l < network.DenseLayers.Count; l++)
        {
            Dense<T> layer = network.DenseLayers[l];
            sb.Append(CultureInfo.InvariantCulture, $"  \"W{l + 1}\": [");
            for (int o = 0; o < layer.Outputs; o++)
            {
                sb.Append(o == 0 ? "[" : ", [");
                for (int i = 0; i < layer.Inputs; i++)
                {
                    sb.Append(i == 0 ? "" : ", ").Append(Number(layer.Weights[o * layer.Inputs + i]));
                }
                sb.Append(']');
            }
            sb.Append(CultureInfo.InvariantCulture, $"],\n  \"b{l + 1}\": [");
            for (int o = 0; o < layer.Outputs; o++)
            {
                sb.Append(o == 0 ? "" : ", ").Append(Number(layer.Bias[o]));
            }
            sb.Append(l == network.DenseLayers.Count - 1 ? "]\n" : "],\n");
        }
        return sb.Append("}\n").ToString();
    }

    private static string Number<T>(T value) where T : unmanaged, IFloatingPointIeee754<T>
        => double.CreateChecked(value).ToString("R", CultureInfo.InvariantCulture);

    private static void ReadMatrix<T>(JsonElement element, string name, int rows, int columns, Span<T> into, string source)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (element.ValueKind != JsonValueKind.Array || element.EnumerateArray().Any(r => r.ValueKind != JsonValueKind.Array))
        {
            throw new InvalidDataException($"{source}: {name} must be a list of rows (expected shape {rows}×{columns})");
        }
        int actualRows = element.GetArrayLength();
        int firstLength = actualRows > 0 ? element[0].GetArrayLength() : 0;
        int ragged = -1;
        bool wrong = false;
        int index = 0;
        foreach (JsonElement row in element.EnumerateArray())
        {
            ragged = ragged < 0 && row.GetArrayLength() != firstLength ? index : ragged;
            wrong |= row.GetArrayLength() != columns;
            index++;
        }
        if (ragged >= 0)
        {
            throw new InvalidDataException($"{source}: {name} row {ragged + 1} has {element[ragged].GetArrayLength()} values but row 1 has {firstLength}; the network needs {rows}×{columns}");
        }
        if (actualRows != rows || wrong)
        {
            throw new InvalidDataException($"{source}: {name} has shape {actualRows}×{firstLength} but the network needs {rows}×{columns}");
        }
        int r = 0;
        foreach (JsonElement row in element.EnumerateArray())
        {
            int c = 0;
            foreach (JsonElement value in row.EnumerateArray())
            {
                into[r * columns + c] = ReadNumber<T>(value, $"{name}[{r + 1},{c + 1}]", source);
                c++;
            }
            r++;
        }
    }

    private static void ReadVector<T>(JsonElement element, string name, int length, Span<T> into, string source)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"{source}: {name} must be a list (expected shape {length})");
        }
        var values = new List<JsonElement>();
        foreach (JsonElement item in element.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Array)
            {
                // A column vector as numpy prints it: [[0.1], [0.1]].
                if (item.GetArrayLength() != 1)
                {
                    throw new InvalidDataException($"{source}: {name} must be a list or a column of one-element rows (expected shape {length})");
                }
                values.Add(item[0]);
            }
            else
            {
                values.Add(item);
            }
        }
        if (values.Count != length)
        {
            throw new InvalidDataException($"{source}: {name} has shape {values.Count} but the network needs {length}");
        }
        for (int i = 0; i < length; i++)
        {
            into[i] = ReadNumber<T>(values[i], $"{name}[{i + 1}]", source);
        }
    }

    private static T ReadNumber<T>(JsonElement value, string where, string source) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double d) || !double.IsFinite(d))
        {
            throw new InvalidDataException($"{source}: {where} is {Shown(value)}, not a finite number");
        }
        // A double such as 1e39 is finite but becomes infinity in a float network.
        T converted = T.CreateChecked(d);
        if (!T.IsFinite(converted))
        {
            throw new InvalidDataException($"{source}: {where} is {Shown(value)}, beyond the range of the network's {typeof(T).Name} values");
        }
        return converted;
    }

    /// <summary>The value as written, cut short: a message stays one short line.</summary>
    private static string Shown(JsonElement value)
    {
        string raw = value.GetRawText().ReplaceLineEndings(" ");
        return raw.Length <= 40 ? raw : raw[..40] + "…";
    }

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(". ", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message.TrimEnd('.');
    }
}
