using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop.Layers;

/// <summary>
/// Inverted dropout: in training, y = x ⊙ m with m_i = 1 / (1 − p) with probability 1 − p and 0 otherwise, so the
/// expected input of the next layer is unchanged; outside training, y = x (prediction skips the layer). Backward,
/// ∂L/∂x = ∂L/∂y ⊙ m. x and y are (batch, Inputs); the masks come from the network's generator
/// (<see cref="Network{T}.Reseed"/>), drawn layer by layer in order, so a seed gives the same masks on every run.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed class Dropout<T> : Layer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[] _mask = [];
    private int _maskRows;

    /// <summary>Creates dropout with rate p in [0, 1) (0: the layer passes its input through).</summary>
    /// <exception cref="ArgumentOutOfRangeException">p is outside [0, 1).</exception>
    public Dropout(double rate)
    {
        if (!(rate >= 0 && rate < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "The dropout rate must be in [0, 1).");
        }
        Rate = rate;
    }

    /// <summary>The probability p that a value is dropped.</summary>
    public double Rate { get; }

    /// <summary>As many outputs as inputs.</summary>
    public override int Outputs => Inputs;

    /// <summary>Reuse the last mask instead of drawing a new one (gradient checks need a fixed mask).</summary>
    internal bool FreezeMask { get; set; }

    /// <inheritdoc/>
    protected internal override bool IsIdentityInEvaluation => true;

    /// <summary>y = x ⊙ m with a new mask m in training; y = x otherwise.</summary>
    /// <exception cref="InvalidOperationException">The mask is frozen and the batch size differs from the pass that drew it.</exception>
    public override void Forward(ReadOnlySpan<T> x, Span<T> y, int batch, bool training)
    {
        int n = batch * Inputs;
        if (!training || Rate == 0)
        {
            x[..n].CopyTo(y);
            return;
        }
        Span<T> mask = _mask.AsSpan(0, n);
        if (!FreezeMask)
        {
            DrawMask(mask);
            _maskRows = batch;
        }
        else if (batch != _maskRows)
        {
            throw new InvalidOperationException("A frozen dropout mask needs the same batch size as the pass that drew it.");
        }
        TensorPrimitives.Multiply(x[..n], mask, y[..n]);
    }

    /// <summary>dx = dy ⊙ m (forward: y = x ⊙ m).</summary>
    public override void Backward(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> dy, Span<T> dx, int batch)
    {
        int n = batch * Inputs;
        if (dx.IsEmpty)
        {
            return;
        }
        if (Rate == 0)
        {
            dy[..n].CopyTo(dx);
            return;
        }
        TensorPrimitives.Multiply(dy[..n], _mask.AsSpan(0, n), dx[..n]);
    }

    /// <inheritdoc/>
    protected internal override void Reserve(int rows)
    {
        if (_mask.Length < rows * Inputs)
        {
            _mask = new T[rows * Inputs];
        }
    }

    // m_i = 1 / (1 − p) with probability 1 − p, else 0
    private void DrawMask(Span<T> mask)
    {
        Rng rng = Network.Random;
        double p = Rate;
        T keep = T.One / (T.One - T.CreateChecked(p));
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = rng.NextDouble() < p ? T.Zero : keep;
        }
    }
}
