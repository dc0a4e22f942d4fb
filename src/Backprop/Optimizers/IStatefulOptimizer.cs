using System.Numerics;

namespace Backprop.Optimizers;

/// <summary>
/// An optimizer whose update depends on what it kept from earlier steps (velocities, moment estimates). A checkpoint
/// saves and restores that state so that a resumed run continues exactly where it stopped.
/// </summary>
internal interface IStatefulOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>A short name written into checkpoints, checked on restore.</summary>
    string Kind { get; }

    /// <summary>Steps taken so far (Adam's bias correction uses it).</summary>
    long Steps { get; set; }

    /// <summary>The state arrays, each as long as the parameter block; allocated on first use, once.</summary>
    IReadOnlyList<T[]> StateBuffers(int parameterCount);
}
