namespace Backprop.Optimizers;

/// <summary>
/// The optimizers by the names users type (<c>--optimizer</c>, <see cref="ClassifierOptions.Optimizer"/>) and
/// checkpoints store: adding an optimizer is one entry here.
/// </summary>
public static class OptimizerNames
{
    // Name, default learning rate, whether it reads OptimizerSettings.Momentum, and how to create it.
    private static readonly (string Name, double DefaultRate, bool UsesMomentum, Func<OptimizerSettings, IOptimizer<float>> Create)[] Table =
    [
        ("sgd", 0.01, false, s => new Sgd<float>(s.LearningRate, 0, false, s.WeightDecay)),
        ("momentum", 0.01, true, s => new Sgd<float>(s.LearningRate, s.Momentum, false, s.WeightDecay)),
        ("nesterov", 0.01, true, s => new Sgd<float>(s.LearningRate, s.Momentum, true, s.WeightDecay)),
        ("adam", 0.001, false, s => new Adam<float>(s.LearningRate, weightDecay: s.WeightDecay)),
        ("adamw", 0.001, false, s => new Adam<float>(s.LearningRate, weightDecay: s.WeightDecay, decoupledWeightDecay: true)),
        ("rmsprop", 0.001, false, s => new RmsProp<float>(s.LearningRate, weightDecay: s.WeightDecay)),
    ];

    /// <summary>Every registered name, in registration order.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Table.Select(e => e.Name)];

    /// <summary>Whether <paramref name="name"/> (case-insensitive) is registered.</summary>
    public static bool IsKnown(string? name) => Find(name) >= 0;

    /// <summary>The learning rate used when none is given: 0.001 for the Adam family, 0.01 otherwise (0.01 for unknown names).</summary>
    public static double DefaultLearningRate(string name) => Find(name) is int i and >= 0 ? Table[i].DefaultRate : 0.01;

    /// <summary>Whether the optimizer reads <see cref="OptimizerSettings.Momentum"/>.</summary>
    public static bool UsesMomentum(string name) => Find(name) is int i and >= 0 && Table[i].UsesMomentum;

    /// <summary>Creates the float optimizer named <paramref name="name"/> with <paramref name="settings"/>.</summary>
    /// <exception cref="ArgumentException">The name is not registered.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of the optimizer's range.</exception>
    public static IOptimizer<float> Create(string name, OptimizerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        int i = Find(name);
        if (i < 0)
        {
            throw new ArgumentException($"Unknown optimizer '{name}' (expected {Expected()}).", nameof(name));
        }
        return Table[i].Create(settings);
    }

    /// <summary>The names as a sentence: "sgd, momentum, … or adamw".</summary>
    public static string Expected() => All.Count == 1 ? All[0] : $"{string.Join(", ", All.Take(All.Count - 1))} or {All[^1]}";

    private static int Find(string? name)
    {
        string key = name?.Trim().ToLowerInvariant() ?? "";
        return Array.FindIndex(Table, e => e.Name == key);
    }
}
