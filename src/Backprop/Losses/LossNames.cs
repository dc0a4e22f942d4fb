using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Backprop.Losses;

/// <summary>
/// The losses by the names users type (<c>--loss</c>) and model files store: adding a loss is one entry here. A loss
/// with a setting takes it after a colon (<c>huber:0.5</c>); without one it gets its default.
/// </summary>
public static class LossNames
{
    // Each name with its aliases first, a few words for the help, then what it creates from the setting after the
    // colon (null when there is none).
    private static readonly (string[] Names, string Help, Func<double?, Loss> Create)[] Table =
    [
        (["cross-entropy", "crossentropy", "ce"], "softmax output", s => NoSetting(s, Loss.CrossEntropy)),
        (["mse", "mean-squared-error"], "mean over outputs and batch", s => NoSetting(s, Loss.MeanSquaredError)),
        (["huber"], "huber:δ, quadratic within δ, linear beyond; δ = 1 by default", s => new Huber(s ?? 1)),
        (["binary-cross-entropy", "bce"], "sigmoid outputs, one yes/no per output", s => NoSetting(s, new SigmoidBinaryCrossEntropy())),
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

    /// <summary>
    /// Creates the loss named <paramref name="name"/> (case-insensitive, aliases accepted), with the setting after a colon
    /// if there is one (<c>huber:0.5</c>), else its defaults. False for a name that is not registered.
    /// </summary>
    /// <exception cref="FormatException">The setting is not a number, or the loss takes none, or rejects its value.</exception>
    public static bool TryCreate(string name, [NotNullWhen(true)] out Loss? loss)
    {
        ArgumentNullException.ThrowIfNull(name);
        string[] parts = name.Trim().ToLowerInvariant().Split(':', 2, StringSplitOptions.TrimEntries);
        double? setting = null;
        if (parts.Length == 2)
        {
            setting = double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
                ? value
                : throw new FormatException($"the setting of loss {parts[0]} ('{parts[1]}') is not a finite number");
        }
        foreach ((string[] names, _, Func<double?, Loss> create) in Table)
        {
            if (names.Contains(parts[0]))
            {
                try
                {
                    loss = create(setting);
                }
                catch (ArgumentException)
                {
                    throw new FormatException($"the setting of loss {parts[0]} ({parts[1]}) is out of its range");
                }
                return true;
            }
        }
        loss = null;
        return false;
    }

    private static Loss NoSetting(double? setting, Loss loss)
        => setting is null ? loss : throw new FormatException($"the {loss.Name} loss has no setting");
}
