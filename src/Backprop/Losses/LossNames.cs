using System.Diagnostics.CodeAnalysis;

namespace Backprop.Losses;

/// <summary>
/// The losses by the names users type (<c>--loss</c>) and model files store: adding a loss is one entry here.
/// </summary>
public static class LossNames
{
    // Each name with its aliases first, a few words for the help, then what it creates.
    private static readonly (string[] Names, string Help, Func<Loss> Create)[] Table =
    [
        (["cross-entropy", "crossentropy", "ce"], "softmax output", () => Loss.CrossEntropy),
        (["mse", "mean-squared-error"], "mean over outputs and batch", () => Loss.MeanSquaredError),
    ];

    /// <summary>The main name of every registered loss, in registration order.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Table.Select(e => e.Names[0])];

    /// <summary>Every loss with its help, as a sentence: "cross-entropy (softmax output) or mse (…)".</summary>
    public static string Describe()
    {
        string[] items = [.. Table.Select(e => $"{e.Names[0]} ({e.Help})")];
        return items.Length == 1 ? items[0] : $"{string.Join(", ", items[..^1])} or {items[^1]}";
    }

    /// <summary>The main names as a sentence: "cross-entropy or mse".</summary>
    public static string Expected() => All.Count == 1 ? All[0] : $"{string.Join(", ", All.Take(All.Count - 1))} or {All[^1]}";

    /// <summary>Creates the loss named <paramref name="name"/> (case-insensitive, aliases accepted) with its default settings.</summary>
    public static bool TryCreate(string name, [NotNullWhen(true)] out Loss? loss)
    {
        ArgumentNullException.ThrowIfNull(name);
        string key = name.Trim().ToLowerInvariant();
        foreach ((string[] names, _, Func<Loss> create) in Table)
        {
            if (names.Contains(key))
            {
                loss = create();
                return true;
            }
        }
        loss = null;
        return false;
    }
}
