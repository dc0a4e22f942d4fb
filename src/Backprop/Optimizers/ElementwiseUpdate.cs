using System.Numerics;

namespace Backprop.Optimizers;

/// <summary>
/// One optimizer step in element-wise form (from <see cref="IFusedUpdate{T}.BeginFusedStep"/>): θ[i] is updated from
/// ∇θ[i] and the optimizer's state at i, nothing else. The trainer applies it to runs of the parameter block as their
/// gradients are produced — tiles of a layer's weights, the layer's biases — on several threads at once, never to
/// overlapping runs, each element exactly once per step. Applied to every run, it must leave the parameters and the
/// state with the bits <see cref="IOptimizer{T}.Step"/> over the whole block gives.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public abstract class ElementwiseUpdate<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Steps <paramref name="parameters"/>, the run of the parameter block that starts at <paramref name="offset"/>,
    /// given their <paramref name="gradients"/> (as long); state buffers laid out like the parameters are read and
    /// written at the same offset.
    /// </summary>
    public abstract void Apply(Span<T> parameters, ReadOnlySpan<T> gradients, int offset);

    /// <summary>
    /// The GEMM epilogue's entry: a tile of <paramref name="rows"/> runs of <paramref name="columns"/> values,
    /// <paramref name="stride"/> apart in θ and ∇θ alike, the first at <paramref name="offset"/> of the block. By
    /// default <see cref="Apply"/> run by run; the library's optimizers step the whole tile in one call, with the same bits.
    /// </summary>
    internal virtual unsafe void ApplyTile(T* parameters, T* gradients, int stride, int rows, int columns, int offset)
    {
        for (int r = 0; r < rows; r++)
        {
            long at = (long)r * stride;
            Apply(new Span<T>(parameters + at, columns), new ReadOnlySpan<T>(gradients + at, columns), offset + (int)at);
        }
    }
}
