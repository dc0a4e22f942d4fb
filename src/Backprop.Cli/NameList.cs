namespace Backprop.Cli;

/// <summary>
/// A list of feature or class names shortened for a one-line message: all of them up to 8, else the first six, an
/// ellipsis and the last. The library's own messages shorten lists the same way.
/// </summary>
internal static class NameList
{
    public static string Abbreviate(IReadOnlyList<string> names)
        => names.Count <= 8 ? string.Join(", ", names) : $"{string.Join(", ", names.Take(6))}, … {names[^1]}";
}
