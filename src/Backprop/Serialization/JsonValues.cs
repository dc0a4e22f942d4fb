using System.Globalization;
using System.Text.Json;

namespace Backprop.Serialization;

/// <summary>
/// Reading and writing numbers in model and checkpoint files: shortest round-trip text ("R"), so every float and double
/// reads back bit for bit; non-finite doubles as the strings "Infinity", "-Infinity", "NaN". Read errors name the file and field.
/// </summary>
internal static class JsonValues
{
    public static void WriteDouble(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteRawValue(value.ToString("R", CultureInfo.InvariantCulture), skipInputValidation: true);
        }
        else
        {
            writer.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }

    public static void WriteDoubles(Utf8JsonWriter writer, string name, IEnumerable<double> values)
    {
        writer.WriteStartArray(name);
        foreach (double v in values)
        {
            WriteDouble(writer, v);
        }
        writer.WriteEndArray();
    }

    /// <summary>
    /// A (rows, columns) matrix as one line per row, "[[1.5, -0.25],\n [..]]", so an indented file reads like the matrix.
    /// </summary>
    public static void WriteMatrix(Utf8JsonWriter writer, string name, ReadOnlySpan<float> values, int rows, int columns)
    {
        // Row by row, flushing as it goes: a layer's weights never exist as one big string, and the writer's buffer
        // stays one row long.
        writer.WriteStartArray(name);
        var sb = new System.Text.StringBuilder();
        for (int r = 0; r < rows; r++)
        {
            // The writer puts raw values on the current line; each row starts its own, indented under the name.
            sb.Clear().Append("\n      ");
            AppendRow(sb, values.Slice(r * columns, columns));
            writer.WriteRawValue(sb.ToString(), skipInputValidation: true);
            writer.Flush();
        }
        writer.WriteEndArray();
    }

    /// <summary>A list of finite floats on one line.</summary>
    public static void WriteInlineRow(Utf8JsonWriter writer, string name, ReadOnlySpan<float> values)
    {
        var sb = new System.Text.StringBuilder();
        AppendRow(sb, values);
        writer.WritePropertyName(name);
        writer.WriteRawValue(sb.ToString(), skipInputValidation: true);
    }

    private static void AppendRow(System.Text.StringBuilder sb, ReadOnlySpan<float> values)
    {
        sb.Append('[');
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw new InvalidOperationException("A parameter is not finite; the model cannot be saved.");
            }
            sb.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"{values[i]:R}");
        }
        sb.Append(']');
    }

    /// <summary>Finite doubles as one line of text.</summary>
    public static void WriteInlineRow(Utf8JsonWriter writer, string name, IReadOnlyList<double> values)
    {
        if (values.Any(v => !double.IsFinite(v)))
        {
            WriteDoubles(writer, name, values);
            return;
        }
        writer.WritePropertyName(name);
        writer.WriteRawValue("[" + string.Join(", ", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]", skipInputValidation: true);
    }

    public static JsonElement Property(JsonElement parent, string name, string source, string where)
    {
        if (parent.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{source}: {where} is not a JSON object");
        }
        if (!parent.TryGetProperty(name, out JsonElement value))
        {
            throw new InvalidDataException($"{source}: \"{name}\" is missing from {where}");
        }
        return value;
    }

    public static double Double(JsonElement element, string source, string field)
    {
        if (element.ValueKind == JsonValueKind.String)
        {
            return element.GetString() switch
            {
                "NaN" => double.NaN,
                "Infinity" => double.PositiveInfinity,
                "-Infinity" => double.NegativeInfinity,
                _ => throw new InvalidDataException($"{source}: {field} is not a number"),
            };
        }
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out double value))
        {
            throw new InvalidDataException($"{source}: {field} is not a number");
        }
        return value;
    }

    public static float Float(JsonElement element, string source, string field)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetSingle(out float value) || !float.IsFinite(value))
        {
            throw new InvalidDataException($"{source}: {field} is not a finite number");
        }
        return value;
    }

    public static int Int(JsonElement element, string source, string field)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out int value))
        {
            throw new InvalidDataException($"{source}: {field} is not a whole number");
        }
        return value;
    }

    public static long Long(JsonElement element, string source, string field)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out long value))
        {
            throw new InvalidDataException($"{source}: {field} is not a whole number");
        }
        return value;
    }

    public static string String(JsonElement element, string source, string field)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            throw new InvalidDataException($"{source}: {field} is not a string");
        }
        return element.GetString()!;
    }

    public static JsonElement Array(JsonElement element, string source, string field, int? length = null)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"{source}: {field} is not a list");
        }
        if (length is int n && element.GetArrayLength() != n)
        {
            throw new InvalidDataException($"{source}: {field} has {element.GetArrayLength()} values; expected {n}");
        }
        return element;
    }

    public static double[] Doubles(JsonElement element, string source, string field, int? length = null)
    {
        Array(element, source, field, length);
        var values = new double[element.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in element.EnumerateArray())
        {
            values[i] = Double(item, source, $"{field}[{i}]");
            i++;
        }
        return values;
    }

    public static string[] Strings(JsonElement element, string source, string field, int? length = null)
    {
        Array(element, source, field, length);
        var values = new string[element.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in element.EnumerateArray())
        {
            values[i] = String(item, source, $"{field}[{i}]");
            i++;
        }
        return values;
    }

    /// <summary>Parses a whole file, turning malformed or truncated JSON into one line naming the file and position.</summary>
    public static JsonDocument Parse(string path, string what) => Parse(ReadUtf8(path, what), path, what);

    /// <summary>
    /// Parses a whole stream (read to its end), turning malformed or truncated JSON into one line naming
    /// <paramref name="source"/> and the position.
    /// </summary>
    public static JsonDocument Parse(Stream stream, string source, string what) => Parse(ReadUtf8(stream, source, what), source, what);

    private static JsonDocument Parse(ReadOnlyMemory<byte> text, string path, string what)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 16, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: the {what} file is corrupt or truncated: not valid JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}");
        }
        catch (InvalidOperationException)
        {
            // The duplicate-property check decodes every property name, and throws this for an unpaired surrogate escape.
            throw new InvalidDataException($"{path}: the {what} file is corrupt: {UnpairedSurrogate} in a property name");
        }
        try
        {
            CheckText(document.RootElement, path, "");
        }
        catch
        {
            document.Dispose();
            throw;
        }
        return document;
    }

    /// <summary>
    /// Checks that every string and property name decodes: JSON may escape half a surrogate pair ("\ud800"), which the
    /// parser accepts and reading the string then fails on. Numbers, the bulk of a file, are not decoded.
    /// </summary>
    public static void CheckText(JsonElement element, string source, string where)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                try
                {
                    element.GetString();
                }
                catch (InvalidOperationException)
                {
                    throw new InvalidDataException($"{source}: the string at {Where(where)} is not valid text: {UnpairedSurrogate}");
                }
                break;
            case JsonValueKind.Array:
                int i = 0;
                foreach (JsonElement item in element.EnumerateArray())
                {
                    if (item.ValueKind is JsonValueKind.String or JsonValueKind.Array or JsonValueKind.Object)
                    {
                        CheckText(item, source, $"{where}[{i}]");
                    }
                    i++;
                }
                break;
            case JsonValueKind.Object:
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        throw new InvalidDataException($"{source}: a property name in {Where(where)} is not valid text: {UnpairedSurrogate}");
                    }
                    CheckText(property.Value, source, where.Length == 0 ? name : $"{where}.{name}");
                }
                break;
        }
    }

    /// <summary>What an unpaired surrogate escape is, for messages.</summary>
    public const string UnpairedSurrogate = "an escaped surrogate (\\uD800-\\uDFFF) without its pair";

    private static string Where(string where) => where.Length == 0 ? "the top level" : where;

    /// <summary>
    /// Reads a whole text file as UTF-8: a byte-order mark is skipped (editors on Windows write one), and bytes that are
    /// not UTF-8 are an error naming the byte offset rather than text silently replaced or a transcoding error later.
    /// </summary>
    public static ReadOnlyMemory<byte> ReadUtf8(string path, string what)
    {
        if (!File.Exists(path))
        {
            throw Directory.Exists(path)
                ? new InvalidDataException($"{path}: is a directory, not a {what} file")
                : new FileNotFoundException($"{path}: no such {what} file", path);
        }
        long length = new FileInfo(path).Length;
        if (length > System.Array.MaxLength)
        {
            throw new InvalidDataException($"{path}: the {what} file is {length} bytes; files up to {System.Array.MaxLength} bytes (2 GB) are read");
        }
        return CheckUtf8(File.ReadAllBytes(path), path, what);
    }

    /// <summary>The bytes of <paramref name="stream"/> from its position to its end, checked like a file's; errors name <paramref name="source"/>.</summary>
    public static ReadOnlyMemory<byte> ReadUtf8(Stream stream, string source, string what)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            if (buffer.Length + read > System.Array.MaxLength)
            {
                throw new InvalidDataException($"{source}: the {what} file is over {System.Array.MaxLength} bytes; files up to {System.Array.MaxLength} bytes (2 GB) are read");
            }
            buffer.Write(chunk, 0, read);
        }
        return CheckUtf8(buffer.ToArray(), source, what);
    }

    private static ReadOnlyMemory<byte> CheckUtf8(byte[] bytes, string path, string what)
    {
        int start = bytes.AsSpan().StartsWith(Utf8Bom) ? Utf8Bom.Length : 0;
        if (bytes.Length == start)
        {
            throw new InvalidDataException($"{path}: the {what} file is empty");
        }
        if (FirstInvalidUtf8(bytes.AsSpan(start)) is int bad)
        {
            long offset = start + bad;
            int line = bytes.AsSpan(0, (int)offset).Count((byte)'\n') + 1;
            throw new InvalidDataException($"{path}: the {what} file is not UTF-8 text: byte offset {offset} (line {line}) holds 0x{bytes[offset]:X2}, which starts no valid UTF-8 character (save the file as UTF-8)");
        }
        return bytes.AsMemory(start);
    }

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>The offset of the first byte that is not part of a well-formed UTF-8 sequence, or null when all are.</summary>
    internal static int? FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return null;
        }
        int i = 0;
        while (i < bytes.Length)
        {
            if (System.Text.Rune.DecodeFromUtf8(bytes[i..], out _, out int consumed) != System.Buffers.OperationStatus.Done)
            {
                return i;
            }
            i += consumed;
        }
        return null;
    }

    /// <summary>Checks "format" and "version" before anything else is read.</summary>
    public static void CheckFormat(JsonElement root, string source, string format, int version, string what)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out JsonElement f) || f.ValueKind != JsonValueKind.String || f.GetString() != format)
        {
            throw new InvalidDataException($"{source}: not a Backprop {what} file (expected \"format\": \"{format}\")");
        }
        int found = Int(Property(root, "version", source, "the file"), source, "\"version\"");
        if (found != version)
        {
            throw new InvalidDataException($"{source}: {what} format version {found} is not supported (this build reads version {version})");
        }
    }
}
