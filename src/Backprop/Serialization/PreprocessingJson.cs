using System.Text.Json;

namespace Backprop.Serialization;

/// <summary>
/// The "preprocessing" section of a JSON model file, present when the model reads a table's columns through a
/// <see cref="Preprocessor"/>: {"missing_values": [..], "columns": [{"name", "kind": "numeric"|"categorical",
/// "treatment": "numeric"|"one_hot"|"dropped_constant"|"dropped_id", "missing", "fill" (a number, a category or null),
/// "categories": [..], "other": bool}]}. A model file without it reads numeric columns as they are.
/// </summary>
internal static class PreprocessingJson
{
    public const string Name = "preprocessing";

    public static void Write(Utf8JsonWriter w, Preprocessor preprocessor)
    {
        w.WriteStartObject(Name);
        WriteStrings(w, "missing_values", preprocessor.MissingValues);
        w.WriteStartArray("columns");
        foreach (PreprocessedColumn c in preprocessor.Columns)
        {
            w.WriteStartObject();
            w.WriteString("name", c.Name);
            w.WriteString("kind", c.IsCategorical ? "categorical" : "numeric");
            w.WriteString("treatment", TreatmentName(c.Treatment));
            w.WriteNumber("missing", c.MissingCount);
            w.WritePropertyName("fill");
            if (c.IsCategorical ? c.FillCategory is null : double.IsNaN(c.Fill))
            {
                w.WriteNullValue();
            }
            else if (c.IsCategorical)
            {
                w.WriteStringValue(c.FillCategory);
            }
            else
            {
                JsonValues.WriteDouble(w, c.Fill);
            }
            if (c.Treatment == ColumnTreatment.OneHot)
            {
                WriteStrings(w, "categories", c.Categories);
                w.WriteBoolean("other", c.HasOther);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Reads the section; its features must be <paramref name="features"/> (the file's "features").</summary>
    public static Preprocessor Read(JsonElement element, string source, IReadOnlyList<string> features)
    {
        string[] missing = JsonValues.Strings(JsonValues.Property(element, "missing_values", source, Name), source, Name + ".missing_values");
        JsonElement columns = JsonValues.Array(JsonValues.Property(element, "columns", source, Name), source, Name + ".columns");
        var read = new List<PreprocessedColumn>();
        int i = 0;
        foreach (JsonElement c in columns.EnumerateArray())
        {
            string where = $"{Name}.columns[{i}]";
            string name = JsonValues.String(JsonValues.Property(c, "name", source, where), source, where + ".name");
            string kind = JsonValues.String(JsonValues.Property(c, "kind", source, where), source, where + ".kind");
            if (kind is not ("numeric" or "categorical"))
            {
                throw new InvalidDataException($"{source}: {where}.kind '{kind}' is unknown (expected numeric or categorical)");
            }
            bool categorical = kind == "categorical";
            string treatmentText = JsonValues.String(JsonValues.Property(c, "treatment", source, where), source, where + ".treatment");
            ColumnTreatment treatment = ParseTreatment(treatmentText)
                ?? throw new InvalidDataException($"{source}: {where}.treatment '{treatmentText}' is unknown (expected numeric, one_hot, dropped_constant or dropped_id)");
            if ((treatment == ColumnTreatment.OneHot && !categorical) || (treatment == ColumnTreatment.Numeric && categorical))
            {
                throw new InvalidDataException($"{source}: {where} is {kind} but its treatment is {treatmentText}");
            }
            int missingCount = JsonValues.Int(JsonValues.Property(c, "missing", source, where), source, where + ".missing");
            JsonElement fillElement = JsonValues.Property(c, "fill", source, where);
            double fill = double.NaN;
            string? fillCategory = null;
            if (fillElement.ValueKind != JsonValueKind.Null)
            {
                if (categorical)
                {
                    fillCategory = JsonValues.String(fillElement, source, where + ".fill");
                }
                else
                {
                    fill = JsonValues.Double(fillElement, source, where + ".fill");
                    if (!double.IsFinite(fill))
                    {
                        throw new InvalidDataException($"{source}: {where}.fill must be a finite number or null");
                    }
                }
            }
            string[] categories = [];
            bool other = false;
            if (treatment == ColumnTreatment.OneHot)
            {
                categories = JsonValues.Strings(JsonValues.Property(c, "categories", source, where), source, where + ".categories");
                JsonElement otherElement = JsonValues.Property(c, "other", source, where);
                if (otherElement.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    throw new InvalidDataException($"{source}: {where}.other is not true or false");
                }
                other = otherElement.GetBoolean();
                if (categories.Length + (other ? 1 : 0) == 0)
                {
                    throw new InvalidDataException($"{source}: {where}.categories is empty");
                }
            }
            read.Add(new PreprocessedColumn(name, categorical, treatment, missingCount, fill, fillCategory, categories, other));
            i++;
        }
        Preprocessor preprocessor;
        try
        {
            preprocessor = new Preprocessor(read, missing);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{source}: {Name}: {e.Message.Split(" (Parameter")[0]}");
        }
        if (!preprocessor.FeatureNames.SequenceEqual(features, StringComparer.Ordinal))
        {
            throw new InvalidDataException(
                $"{source}: {Name} gives the features {CsvDatasetReader.Abbreviate(preprocessor.FeatureNames)} but \"features\" lists {CsvDatasetReader.Abbreviate(features)}");
        }
        return preprocessor;
    }

    private static string TreatmentName(ColumnTreatment treatment) => treatment switch
    {
        ColumnTreatment.Numeric => "numeric",
        ColumnTreatment.OneHot => "one_hot",
        ColumnTreatment.DroppedConstant => "dropped_constant",
        ColumnTreatment.DroppedIdentifier => "dropped_id",
        _ => throw new ArgumentOutOfRangeException(nameof(treatment), treatment, null),
    };

    private static ColumnTreatment? ParseTreatment(string text) => text switch
    {
        "numeric" => ColumnTreatment.Numeric,
        "one_hot" => ColumnTreatment.OneHot,
        "dropped_constant" => ColumnTreatment.DroppedConstant,
        "dropped_id" => ColumnTreatment.DroppedIdentifier,
        _ => null,
    };

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (string v in values)
        {
            w.WriteStringValue(v);
        }
        w.WriteEndArray();
    }
}
