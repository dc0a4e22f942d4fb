using System.Numerics;

namespace Backprop.Losses;

/// <summary>
/// What a <see cref="Loss"/> reads: the output layer's z and a = f(z) and the targets t of one batch, each
/// (<see cref="Rows"/>, <see cref="Width"/>) row-major, and the output activation f.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public readonly ref struct OutputBatch<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Wraps one batch's output values; the spans hold rows × width values each.</summary>
    /// <exception cref="ArgumentException">A span is shorter than rows × width.</exception>
    public OutputBatch(ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> targets, int rows, int width, Activation activation)
        : this(z, a, targets, rows, width, activation, default)
    {
    }

    internal OutputBatch(ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> targets, int rows, int width, Activation activation, ReadOnlySpan<T> logSumExp)
    {
        int n = rows * width;
        if (z.Length < n || a.Length < n || targets.Length < n)
        {
            throw new ArgumentException($"{rows} rows of {width} outputs need {n} values of z, a and t.");
        }
        Z = z[..n];
        A = a[..n];
        Targets = targets[..n];
        Rows = rows;
        Width = width;
        Activation = activation;
        LogSumExp = logSumExp.IsEmpty ? default : logSumExp[..rows];
    }

    /// <summary>The output layer's pre-activation z, (rows, width).</summary>
    public ReadOnlySpan<T> Z { get; }

    /// <summary>The output layer's a = f(z), (rows, width).</summary>
    public ReadOnlySpan<T> A { get; }

    /// <summary>The targets t, (rows, width): one-hot rows for classification.</summary>
    public ReadOnlySpan<T> Targets { get; }

    /// <summary>Rows in the batch, B.</summary>
    public int Rows { get; }

    /// <summary>Outputs per row, n.</summary>
    public int Width { get; }

    /// <summary>The output activation f.</summary>
    public Activation Activation { get; }

    /// <summary>Each row's log Σ_j e^(z_j) when the softmax pass left it (rows), else empty.</summary>
    public ReadOnlySpan<T> LogSumExp { get; }

    /// <summary>
    /// gradient ← gradient ⊙ f'(z), with f' computed from a: turns ∂L/∂a into δ = ∂L/∂z for a loss that is not
    /// fused with its activation.
    /// </summary>
    /// <exception cref="InvalidOperationException">The activation is softmax, which has no element-wise derivative.</exception>
    public void MultiplyByActivationDerivative(Span<T> gradient) => ActivationFunctions.MultiplyByDerivative(Activation, A, gradient[..A.Length]);
}
