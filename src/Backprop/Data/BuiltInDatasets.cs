using System.Numerics;

namespace Backprop;

/// <summary>Data sets available by name (`--dataset NAME`).</summary>
public static class BuiltInDatasets
{
    /// <summary>The names <see cref="Load{T}"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["seed", "xor"];

    /// <summary>Loads a built-in data set by name (case-insensitive).</summary>
    /// <exception cref="ArgumentException">The name is unknown (the message lists the known ones).</exception>
    public static Dataset<T> Load<T>(string name) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "seed" => ArticleExample.CreateDataset<T>(),
            "xor" => Xor<T>(),
            _ => throw new ArgumentException($"unknown data set '{name}' (known: {string.Join(", ", Names)})", nameof(name)),
        };
    }

    /// <summary>The four rows of exclusive-or: inputs (0,0), (0,1), (1,0), (1,1); classes 0, 1, 1, 0.</summary>
    public static Dataset<T> Xor<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] x = [.. new double[] { 0, 0, 0, 1, 1, 0, 1, 1 }.Select(T.CreateChecked)];
        return new Dataset<T>(x, 2, [0, 1, 1, 0], 2, ["a", "b"], ["0", "1"]);
    }
}
