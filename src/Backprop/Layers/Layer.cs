using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Layers;

/// <summary>
/// One step of a <see cref="Network{T}"/>'s sequence: y = layer(x) forward, ∂L/∂x from ∂L/∂y backward. A layer's
/// parameters and gradients are its slices of the network's one parameter block and one gradient block, so an
/// optimizer step is still one loop over two spans. x is (batch, <see cref="Inputs"/>), y is (batch, <see cref="Outputs"/>).
/// </summary>
/// <remarks>
/// A layer belongs to one network: the network binds it (gives it its input width and its place in the blocks) when it
/// is built. State a layer keeps between Forward and Backward (Dense's z, Dropout's mask) is the layer's own and sized
/// by <see cref="Reserve"/>; the network owns x, y and the gradients between layers. To add a layer, derive from this
/// class (and, to save it in models and checkpoints, describe it in the model format).
/// </remarks>
/// <typeparam name="T">float or double.</typeparam>
public abstract class Layer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Network<T>? _network;
    private int _offset;

    /// <summary>Position of the layer in the network's sequence, from 0.</summary>
    public int Index { get; private set; }

    /// <summary>Values per row of the layer's input x.</summary>
    public int Inputs { get; private set; }

    /// <summary>Values per row of the layer's output y; known once the layer is bound to a network.</summary>
    public abstract int Outputs { get; }

    /// <summary>Number of trainable parameters (0 for a layer without any).</summary>
    public virtual int ParameterCount => 0;

    /// <summary>The layer's parameters: its slice of <see cref="Network{T}.Parameters"/>.</summary>
    public Span<T> Parameters
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Network.ParameterSlice(_offset, ParameterCount);
    }

    /// <summary><see cref="Parameters"/> to read, without counting as a change (<see cref="Network{T}.ParameterVersion"/>).</summary>
    internal ReadOnlySpan<T> ParameterValues
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Network.ParameterValues(_offset, ParameterCount);
    }

    /// <summary>The gradients of the last backward pass, laid out like <see cref="Parameters"/>: the layer's slice of
    /// <see cref="Network{T}.Gradients"/>.</summary>
    public Span<T> Gradients
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Network.GradientSlice(_offset, ParameterCount);
    }

    /// <summary>The network the layer is bound to.</summary>
    /// <exception cref="InvalidOperationException">The layer is not part of a network yet.</exception>
    protected internal Network<T> Network
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _network ?? throw new InvalidOperationException("The layer is not part of a network yet.");
    }

    /// <summary>Where the layer's parameters start in the network's blocks.</summary>
    internal int ParameterOffset => _offset;

    /// <summary>
    /// State the layer keeps besides its parameters (batch norm's running statistics), by name, in a fixed order: not
    /// trained by the optimizer, but saved in checkpoints and restored into the same arrays. Empty by default.
    /// </summary>
    public virtual IReadOnlyList<KeyValuePair<string, T[]>> StateBuffers => [];

    /// <summary>
    /// Whether the layer passes its input through unchanged outside training (dropout): prediction then skips it.
    /// </summary>
    protected internal virtual bool IsIdentityInEvaluation => false;

    /// <summary>Sets initial parameters, drawing uniform numbers in [0, 1) from <paramref name="uniform"/> (a seeded
    /// generator shared by all layers in order). The default draws nothing.</summary>
    public virtual void Initialize(Func<double> uniform)
    {
    }

    /// <summary>
    /// y = layer(x) for <paramref name="batch"/> rows; in training the layer keeps what its backward pass needs.
    /// </summary>
    public abstract void Forward(ReadOnlySpan<T> x, Span<T> y, int batch, bool training);

    /// <summary>
    /// Backward through the layer after a training forward pass of the same rows: given x and y of that pass and
    /// dy = ∂L/∂y (which the layer may overwrite), fills the layer's <see cref="Gradients"/> and, when
    /// <paramref name="dx"/> is not empty (not the first layer), writes ∂L/∂x into it.
    /// </summary>
    public abstract void Backward(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> dy, Span<T> dx, int batch);

    /// <summary>Makes room for batches of up to <paramref name="rows"/> rows in the layer's own buffers; called by the
    /// network whenever it grows, before any pass of that size.</summary>
    protected internal virtual void Reserve(int rows)
    {
    }

    /// <summary>Called once by the network being built: the layer learns its input width, its index and where its
    /// parameters start. Derived layers check <paramref name="inputs"/> here.</summary>
    /// <exception cref="ArgumentException">The layer already belongs to a network, or cannot take this input width.</exception>
    protected internal virtual void Bind(Network<T> network, int index, int inputs, int parameterOffset)
    {
        if (_network is not null)
        {
            throw new ArgumentException($"Layer {index + 1} already belongs to a network; create a new layer for each network.");
        }
        _network = network;
        Index = index;
        Inputs = inputs;
        _offset = parameterOffset;
    }
}
