using System.Numerics;

namespace Backprop.Optimizers;

/// <summary>
/// An optimizer whose update depends on what it kept from earlier steps (velocities, moment estimates). Checkpoints
/// save whatever it exposes here — its kind, its step count and its named state buffers — and restore them, so a
/// resumed run continues bit-identically; an optimizer written outside the library is checkpointed the same way.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public interface IStatefulOptimizer<T> : IOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>A short name written into checkpoints and checked on restore (e.g. "adam").</summary>
    string Kind { get; }

    /// <summary>Steps taken so far (Adam's bias correction uses it).</summary>
    long Steps { get; set; }

    /// <summary>
    /// The state buffers by name, in a fixed order, each as long as the parameter block (allocated on first use, once).
    /// A checkpoint copies them out, and a restore writes into the same arrays.
    /// </summary>
    IReadOnlyList<KeyValuePair<string, T[]>> StateBuffers(int parameterCount);
}
