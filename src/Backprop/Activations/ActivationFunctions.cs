using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Activations;

/// <summary>
/// Dispatches an <see cref="Activation"/> to its forward function and its derivative.
/// Every derivative is written in terms of the output a = f(z), which is what backward keeps.
/// </summary>
public static class ActivationFunctions
{
    /// <summary>The slope of leaky ReLU for z &lt;= 0.</summary>
    public const double LeakySlope = 0.01;

    /// <summary>
    /// a = f(z), element-wise. Softmax is applied row by row over <paramref name="width"/> columns, and then
    /// <paramref name="logSumExp"/>, when not empty, receives each row's log Σ_j e^(z_j − max z) (for the loss).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Forward<T>(Activation activation, ReadOnlySpan<T> z, Span<T> a, int width, Span<T> logSumExp = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (z.IsEmpty)
        {
            return;
        }
        switch (activation)
        {
            case Activation.Identity: z.CopyTo(a); break;
            case Activation.Sigmoid: Sigmoid.Forward(z, a); break;
            case Activation.Tanh: Tanh.Forward(z, a); break;
            case Activation.Relu: Relu.Forward(z, a); break;
            case Activation.LeakyRelu: LeakyRelu.Forward(z, a); break;
            case Activation.Softmax when typeof(T) == typeof(float):
                Softmax.ForwardRowsParallel(
                    MemoryMarshal.Cast<T, float>(z), MemoryMarshal.Cast<T, float>(a), width, MemoryMarshal.Cast<T, float>(logSumExp));
                break;
            case Activation.Softmax:
                for (int r = 0, row = 0; r < z.Length; r += width, row++)
                {
                    Softmax.Forward(z.Slice(r, width), a.Slice(r, width), out _, out T sum);
                    if (!logSumExp.IsEmpty)
                    {
                        logSumExp[row] = Softmax.LogShiftedSum<T>(a.Slice(r, width), sum);
                    }
                }
                break;
            default: throw new ArgumentOutOfRangeException(nameof(activation), activation, null);
        }
    }

    /// <summary>
    /// a = f(z) over columns [<paramref name="column"/>, column + <paramref name="columns"/>) of each of
    /// <paramref name="rows"/> float rows <paramref name="stride"/> values long, for an element-wise f (not softmax):
    /// each row's run as <see cref="Forward{T}"/> maps a span, so runs of at least a vector come out with the bits one
    /// pass over all of z gives.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void ForwardColumns(Activation activation, float* z, float* a, int rows, int stride, int column, int columns)
    {
        if (activation == Activation.Softmax)
        {
            throw new ArgumentOutOfRangeException(nameof(activation), activation, "Softmax is not element-wise.");
        }
        for (int r = 0; r < rows; r++)
        {
            long offset = (long)r * stride + column;
            Forward<float>(activation, new ReadOnlySpan<float>(z + offset, columns), new Span<float>(a + offset, columns), columns);
        }
    }

    /// <summary>delta ← delta ⊙ f'(z), with f'(z) computed from a = f(z).</summary>
    internal static void MultiplyByDerivative<T>(Activation activation, ReadOnlySpan<T> a, Span<T> delta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (activation)
        {
            case Activation.Identity: break;
            case Activation.Sigmoid: Sigmoid.Backward(a, delta); break;
            case Activation.Tanh: Tanh.Backward(a, delta); break;
            case Activation.Relu: Relu.Backward(a, delta); break;
            case Activation.LeakyRelu: LeakyRelu.Backward(a, delta); break;
            case Activation.Softmax:
                throw new InvalidOperationException("Softmax has no element-wise derivative; it is fused with cross-entropy.");
            default: throw new ArgumentOutOfRangeException(nameof(activation), activation, null);
        }
    }

    /// <summary>How one activation's derivative multiplies δ, on a vector of a and δ (see <see cref="MultiplyLanes"/>).</summary>
    internal interface IDerivativeProduct<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        static abstract Vector<T> Of(Vector<T> a, Vector<T> delta);
    }

    /// <summary>
    /// δ ⊙= f'(a) on whole <see cref="Vector{T}"/> lanes by <typeparamref name="TProduct"/>; returns how many values
    /// it did (the activation's scalar twin does the rest, and the tests compare the two bit for bit).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int MultiplyLanes<T, TProduct>(ReadOnlySpan<T> a, Span<T> delta)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TProduct : struct, IDerivativeProduct<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            ref T a0 = ref MemoryMarshal.GetReference(a[..delta.Length]);
            ref T d0 = ref MemoryMarshal.GetReference(delta);
            for (; i <= delta.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                TProduct.Of(Vector.LoadUnsafe(ref a0, (nuint)i), Vector.LoadUnsafe(ref d0, (nuint)i)).StoreUnsafe(ref d0, (nuint)i);
            }
        }
        return i;
    }

    /// <summary>f'(z) as values, computed from a = f(z) (used where the derivative itself is shown).</summary>
    public static void Derivative<T>(Activation activation, ReadOnlySpan<T> a, Span<T> derivative)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        derivative.Fill(T.One);
        MultiplyByDerivative(activation, a, derivative);
    }

    /// <summary>Scalar f(z): the reference the vector paths are tested against.</summary>
    public static double Scalar(Activation activation, double z) => activation switch
    {
        Activation.Identity => z,
        Activation.Sigmoid => 1.0 / (1.0 + Math.Exp(-z)),
        Activation.Tanh => Math.Tanh(z),
        Activation.Relu => z > 0 ? z : 0,
        Activation.LeakyRelu => z > 0 ? z : LeakySlope * z,
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
    };

    /// <summary>Scalar f'(z) from a = f(z): the reference the vector paths are tested against.</summary>
    public static double ScalarDerivative(Activation activation, double a) => activation switch
    {
        Activation.Identity => 1,
        Activation.Sigmoid => a * (1 - a),
        Activation.Tanh => 1 - a * a,
        Activation.Relu => a > 0 ? 1 : 0,
        Activation.LeakyRelu => a > 0 ? 1 : LeakySlope,
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
    };

    /// <summary>The name users type on the command line and see in model files.</summary>
    public static string Name(Activation activation) => activation switch
    {
        Activation.Identity => "identity",
        Activation.Sigmoid => "sigmoid",
        Activation.Tanh => "tanh",
        Activation.Relu => "relu",
        Activation.LeakyRelu => "leaky-relu",
        Activation.Softmax => "softmax",
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
    };

    /// <summary>Parses a name written by <see cref="Name"/> (case-insensitive; "leakyrelu" and "linear" accepted).</summary>
    public static bool TryParse(string text, out Activation activation)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "identity" or "linear" or "none": activation = Activation.Identity; return true;
            case "sigmoid" or "logistic": activation = Activation.Sigmoid; return true;
            case "tanh": activation = Activation.Tanh; return true;
            case "relu": activation = Activation.Relu; return true;
            case "leaky-relu" or "leakyrelu" or "leaky_relu": activation = Activation.LeakyRelu; return true;
            case "softmax": activation = Activation.Softmax; return true;
            default: activation = default; return false;
        }
    }
}
