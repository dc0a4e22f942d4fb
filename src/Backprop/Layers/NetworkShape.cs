using System.Globalization;

namespace Backprop.Layers;

/// <summary>Checks that layer sizes, activations and the loss make a network we can train.</summary>
internal static class NetworkShape
{
    /// <summary>
    /// The most parameters one network holds: its parameters live in one array, indexed by int, with up to 64 bytes of
    /// alignment padding.
    /// </summary>
    public static long MaxParameters => Array.MaxLength - 64;

    /// <summary>
    /// Checks, before anything is allocated, that a network of these layer sizes fits: its parameter count (computed in
    /// long arithmetic, so no size overflows) fits in one block, and its parameters and gradients, at
    /// <paramref name="bytesPerValue"/> bytes each, take at most half of the memory available to this process
    /// (<see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>), leaving the rest for the optimizer's state, the
    /// activations and the data. Returns the parameter count.
    /// </summary>
    /// <exception cref="ArgumentException">The network is too large ("this network needs N GB for its parameters and gradients, …").</exception>
    public static long CheckSize(IReadOnlyList<int> sizes, int bytesPerValue)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentOutOfRangeException.ThrowIfLessThan(bytesPerValue, 1);
        long count = 0;
        for (int l = 0; l + 1 < sizes.Count; l++)
        {
            // (out × in) weights + out biases; each term below 2^62, and the sum stops growing once it is too large.
            count += ((long)sizes[l] + 1) * sizes[l + 1];
            if (count > MaxParameters)
            {
                break;
            }
        }
        double bytes = 2.0 * count * bytesPerValue;
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        string needs = string.Create(CultureInfo.InvariantCulture,
            $"this network needs {(count > MaxParameters ? "more than " : "")}{Gigabytes(bytes)} for its parameters and gradients ({(count > MaxParameters ? "more than " : "")}{count:N0} parameters of {bytesPerValue} bytes, twice)");
        if (count > MaxParameters)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{needs}; one network holds at most {MaxParameters:N0} parameters."), nameof(sizes));
        }
        if (available > 0 && bytes > available / 2.0)
        {
            throw new ArgumentException($"{needs}, more than half of the {Gigabytes(available)} of memory available.", nameof(sizes));
        }
        return count;
    }

    private static string Gigabytes(double bytes)
        => bytes >= 1e9 ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:0.#} GB") : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:0.#} MB");

    public static void Validate(IReadOnlyList<int> sizes, IReadOnlyList<Activation> activations, Loss loss)
    {
        if (sizes.Count < 2)
        {
            throw new ArgumentException($"A network needs at least two layer sizes (inputs and outputs); got {sizes.Count}.", nameof(sizes));
        }
        for (int i = 0; i < sizes.Count; i++)
        {
            if (sizes[i] < 1)
            {
                throw new ArgumentException($"Layer size {i + 1} is {sizes[i]}; every layer needs at least one unit.", nameof(sizes));
            }
        }
        if (activations.Count != sizes.Count - 1)
        {
            throw new ArgumentException($"{sizes.Count} layer sizes need {sizes.Count - 1} activations (one per non-input layer); got {activations.Count}.", nameof(activations));
        }
        for (int l = 0; l < activations.Count - 1; l++)
        {
            if (activations[l] == Activation.Softmax)
            {
                throw new ArgumentException($"Softmax is only supported on the output layer (found on hidden layer {l + 1}).", nameof(activations));
            }
        }
        ArgumentNullException.ThrowIfNull(loss);
        loss.Validate(sizes[^1], activations[^1]);
    }
}
