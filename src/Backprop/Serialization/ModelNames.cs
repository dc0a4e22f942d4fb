namespace Backprop.Serialization;

/// <summary>
/// The rules for the names a model file holds: feature and class names are non-blank and distinct (prediction reads
/// input columns by feature name and writes one output column per class), and the label is named.
/// </summary>
internal static class ModelNames
{
    /// <summary>What is wrong with <paramref name="names"/> (the file's field <paramref name="field"/>), or null.</summary>
    public static string? Problem(IReadOnlyList<string> names, string field)
    {
        var seen = new Dictionary<string, int>(names.Count, StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(names[i]))
            {
                return $"{field}[{i}] is {(names[i].Length == 0 ? "empty" : "blank")}; every name must have text";
            }
            if (!seen.TryAdd(names[i], i))
            {
                return $"{field}[{seen[names[i]]}] and {field}[{i}] are both '{names[i]}'; names must be distinct";
            }
        }
        return null;
    }

    /// <summary>What is wrong with the label name, or null.</summary>
    public static string? LabelProblem(string label)
        => string.IsNullOrWhiteSpace(label) ? "\"label\" is empty; the label column must be named" : null;
}
