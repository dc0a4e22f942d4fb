using System.Numerics;

namespace Backprop.Optimizers;

/// <summary>Updates parameters from gradients, one step at a time; θ and ∇θ are the network's flat blocks.</summary>
/// <typeparam name="T">float or double.</typeparam>
public interface IOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The learning rate η used by the next <see cref="Step"/>; schedules change it between steps.</summary>
    double LearningRate { get; set; }

    /// <summary>Applies one update to <paramref name="parameters"/> given <paramref name="gradients"/> of the same length.</summary>
    void Step(Span<T> parameters, ReadOnlySpan<T> gradients);
}
