using System.Diagnostics.CodeAnalysis;

namespace Backprop.Losses;

/// <summary>
/// The losses by the names users type (<c>--loss</c>) and model files store: adding a loss is one entry here.
/// </summary>
public static class LossNames
{
    // Each name with its aliases first, then what it creates.
    private static readonly (string[] Names, Func<Loss> Create)[] Table =
    [
        (["cross-entropy", "crossentropy", "ce"], () => Loss.CrossEntropy),
        (["mse", "mean-squared-error"], () => Loss.MeanSquaredError),
    ];

    /// <summary>The main name of every registered loss, in registration order.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Table.Select(e => e.Names[0])];

    /// <summary>Creates the loss named <paramref name="name"/> (case-insensitive, aliases accepted) with its default settings.</summary>
    public static bool TryCreate(string name, [NotNullWhen(true)] out Loss? loss)
    {
        ArgumentNullException.ThrowIfNull(name);
        string key = name.Trim().ToLowerInvariant();
        foreach ((string[] names, Func<Loss> create) in Table)
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
