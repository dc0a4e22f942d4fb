using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Losses;

/// <summary>
/// Softmax and cross-entropy fused. For a batch of B rows of n logits z and targets t (rows summing to 1), a = softmax(z):
/// L = (1/B) Σ_rows −Σ_i t_i (z_i − log Σ_j e^(z_j)) = (1/B) Σ_rows −Σ_i t_i ln a_i, and δ = ∂L/∂z = (a − t) / B.
/// With class weights w_c the batch loss is the weighted mean L = Σ_r w_r ℓ_r / Σ_r w_r, where w_r = Σ_c t_rc w_c,
/// and δ_r = w_r (a_r − t_r) / Σ_r w_r. z, a, t and δ are (B, n).
/// Each row's term is computed as Σ_i t_i ((max z − z_i) + log Σ_j e^(z_j − max z)), the logarithm as log1p of the
/// terms other than the largest (<see cref="Softmax.LogShiftedSum{T}"/>): every part is non-negative and none is
/// rounded to the size of max z, so a small loss (a confident, correct prediction) keeps its relative accuracy.
/// </summary>
public sealed class SoftmaxCrossEntropy : Loss
{
    private readonly double[]? _weights;
    private readonly float[]? _floatWeights;

    /// <summary>Cross-entropy with every class weighing 1 (<see cref="Loss.CrossEntropy"/>).</summary>
    public SoftmaxCrossEntropy()
    {
    }

    /// <summary>Cross-entropy with per-class weights w_c (one per output), or all 1 when <paramref name="classWeights"/> is null.</summary>
    /// <exception cref="ArgumentException">A weight is not a positive finite number.</exception>
    public SoftmaxCrossEntropy(IReadOnlyList<double>? classWeights)
    {
        if (classWeights is null)
        {
            return;
        }
        if (classWeights.Any(w => !(w > 0) || !double.IsFinite(w)))
        {
            throw new ArgumentException("Class weights must be positive finite numbers.", nameof(classWeights));
        }
        _weights = [.. classWeights];
        _floatWeights = [.. classWeights.Select(w => (float)w)];
    }

    /// <summary>
    /// Cross-entropy with "balanced" class weights w_c = n / (k · n_c), as scikit-learn computes them: rare classes
    /// weigh more, and the weights average to 1 over the rows of <paramref name="data"/>. A class with no rows gets 1.
    /// </summary>
    /// <exception cref="ArgumentException">The data set has no class labels.</exception>
    public static SoftmaxCrossEntropy Balanced<T>(Dataset<T> data) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!data.IsClassification)
        {
            throw new ArgumentException("Class weights need a data set with class labels.", nameof(data));
        }
        var counts = new int[data.OutputCount];
        foreach (int label in data.Labels)
        {
            counts[label]++;
        }
        var weights = new double[counts.Length];
        for (int c = 0; c < counts.Length; c++)
        {
            weights[c] = counts[c] == 0 ? 1.0 : (double)data.Count / (counts.Length * counts[c]);
        }
        return new SoftmaxCrossEntropy(weights);
    }

    /// <summary>The per-class weights w_c, or null when every class weighs 1.</summary>
    public IReadOnlyList<double>? ClassWeights => _weights;

    /// <inheritdoc/>
    public override string Name => "cross-entropy";

    /// <summary>Softmax: the two are fused so that δ = (a − t) / B.</summary>
    public override Activation? FusedActivation => Activation.Softmax;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The output layer is not softmax, has fewer than two units, or the class
    /// weights are not one per output.</exception>
    public override void Validate(int outputs, Activation activation)
    {
        if (activation != Activation.Softmax)
        {
            throw new ArgumentException("Cross-entropy needs a softmax output layer.", nameof(activation));
        }
        if (outputs < 2)
        {
            throw new ArgumentException("Cross-entropy needs at least two outputs (classes).", nameof(outputs));
        }
        if (_weights is not null && _weights.Length != outputs)
        {
            throw new ArgumentException($"{_weights.Length} class weights for {outputs} classes.", nameof(outputs));
        }
    }

    /// <inheritdoc/>
    public override T Value<T>(in OutputBatch<T> output) => BatchValue(output);

    /// <inheritdoc/>
    public override void Delta<T>(in OutputBatch<T> output, Span<T> delta) => BatchDelta(output, delta);

    // Value and Delta as plain methods: the network calls these directly, where a call through Loss is a generic
    // virtual method, looked up at run time on every call (tens of nanoseconds, a tenth of the article's epoch).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal T BatchValue<T>(in OutputBatch<T> output) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (_weights is not null)
        {
            return WeightedLoss(output.Z, output.Targets, Weights<T>(), output.Width, output.LogSumExp);
        }
        if (typeof(T) == typeof(double) && output.Rows == 1 && !output.LogSumExp.IsEmpty)
        {
            double row = RowLoss(MemoryMarshal.Cast<T, double>(output.Z), MemoryMarshal.Cast<T, double>(output.Targets), double.CreateTruncating(output.LogSumExp[0]));
            return T.CreateTruncating(row);
        }
        return output.LogSumExp.IsEmpty
            ? MeanLoss(output.Z, output.Targets, output.Width)
            : MeanLoss(output.Z, output.Targets, output.Width, output.LogSumExp);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void BatchDelta<T>(in OutputBatch<T> output, Span<T> delta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (_weights is not null)
        {
            WeightedDelta(output.A, output.Targets, Weights<T>(), delta[..output.A.Length]);
            return;
        }
        MeanDelta(output.A, output.Targets, delta[..output.A.Length], output.Rows);
    }

    // The weights in T, converted once: float and double are the only T a network has.
    private ReadOnlySpan<T> Weights<T>() where T : unmanaged, IFloatingPointIeee754<T>
        => typeof(T) == typeof(float) ? MemoryMarshal.Cast<float, T>(_floatWeights) : MemoryMarshal.Cast<double, T>(_weights);

    // w_r = Σ_c t_rc w_c
    private static T RowWeight<T>(ReadOnlySpan<T> t, ReadOnlySpan<T> classWeights, int row) where T : unmanaged, IFloatingPointIeee754<T>
        => TensorPrimitives.Dot(t.Slice(row * classWeights.Length, classWeights.Length), classWeights);

    /// <summary>The mean loss of the batch, from logits; finite for any finite logits.</summary>
    // z is (batch, n), t is (batch, n)
    internal static T MeanLoss<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> t, int width) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int batch = z.Length / width;
        T total = T.Zero;
        for (int r = 0; r < batch; r++)
        {
            T sample = SampleLoss(z.Slice(r * width, width), t.Slice(r * width, width));
            total += sample;
        }
        return total / T.CreateChecked(batch);
    }

    /// <summary>
    /// <see cref="MeanLoss{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, int)"/> with each row's log Σ e^(z − max z) already known
    /// (from the softmax pass, <see cref="Softmax.ForwardRows{T}"/>): one fewer pass of exponentials.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T MeanLoss<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> t, int width, ReadOnlySpan<T> logSumExp) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int batch = logSumExp.Length; // one per row: z.Length / width without the integer division
        T total = T.Zero;
        for (int r = 0; r < batch; r++)
        {
            total += SampleLoss(z.Slice(r * width, width), t.Slice(r * width, width), logSumExp[r]);
        }
        return batch == 1 ? total : total / T.CreateChecked(batch); // x / 1 is x: one row skips the division
    }

    /// <summary>One row's loss, −Σ_i t_i (z_i − logsumexp z); rows of t that are zero cost nothing.</summary>
    private static T SampleLoss<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> t) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // log Σ_j e^(z_j − max z) = log1p of the terms other than the largest (e^0 = 1), as Softmax.LogShiftedSum.
        T max = Max(z);
        int k = z.IndexOf(max);
        T rest = T.Zero;
        for (int j = 0; j < z.Length; j++)
        {
            rest += j == k ? T.Zero : T.Exp(z[j] - max);
        }
        return SampleLoss(z, t, Softmax.Log1p(rest));
    }

    /// <summary>One row's loss given <paramref name="shiftedLse"/> = log Σ_j e^(z_j − max z).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T SampleLoss<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> t, T shiftedLse) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T max = Max(z);
        T sample = T.Zero;
        for (int i = 0; i < z.Length; i++)
        {
            if (t[i] != T.Zero)
            {
                sample += t[i] * ((max - z[i]) + shiftedLse); // −t_i (z_i − logsumexp z)
            }
        }
        return sample;
    }

    // One row of double (the article's loop): SampleLoss given log Σ e^(z − max z), in its operations and order, read
    // through references checked once. MeanLoss of one row is that row's loss (0 + ℓ is ℓ, and one row is not divided).
    private static double RowLoss(ReadOnlySpan<double> z, ReadOnlySpan<double> t, double shiftedLse)
    {
        int n = z.Length;
        t = t[..n];
        ref double z0 = ref MemoryMarshal.GetReference(z);
        ref double t0 = ref MemoryMarshal.GetReference(t);
        double max = z0;
        for (int i = 1; i < n; i++)
        {
            max = double.Max(max, Unsafe.Add(ref z0, i));
        }
        double sample = 0;
        for (int i = 0; i < n; i++)
        {
            double ti = Unsafe.Add(ref t0, i);
            if (ti != 0)
            {
                sample += ti * ((max - Unsafe.Add(ref z0, i)) + shiftedLse);
            }
        }
        return sample;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Max<T>(ReadOnlySpan<T> z) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T max = z[0];
        for (int i = 1; i < z.Length; i++)
        {
            max = T.Max(max, z[i]);
        }
        return max;
    }

    /// <summary>δ = (a − t) / B, where a holds the softmax outputs.</summary>
    internal static void MeanDelta<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> t, Span<T> delta, int batch) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (batch == 1)
        {
            // (a − t) · 1 is a − t: one row (the article's loop) skips the division and the products.
            for (int i = 0; i < delta.Length; i++)
            {
                delta[i] = a[i] - t[i];
            }
            return;
        }
        ScaledDifference(a, t, delta, T.One / T.CreateChecked(batch));
    }

    // δ = (a − t) · scale on Vector<T> lanes with the scalar loop's operations (the same bits), compiled once,
    // optimised: a batch's δ at every training step (64 × 10 values for Fashion-MNIST).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScaledDifference<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> t, Span<T> delta, T scale) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            ref T a0 = ref MemoryMarshal.GetReference(a[..delta.Length]);
            ref T t0 = ref MemoryMarshal.GetReference(t[..delta.Length]);
            ref T d0 = ref MemoryMarshal.GetReference(delta);
            var s = new Vector<T>(scale);
            for (; i <= delta.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                ((Vector.LoadUnsafe(ref a0, (nuint)i) - Vector.LoadUnsafe(ref t0, (nuint)i)) * s).StoreUnsafe(ref d0, (nuint)i);
            }
        }
        for (; i < delta.Length; i++)
        {
            delta[i] = (a[i] - t[i]) * scale;
        }
    }

    /// <summary>
    /// The weighted mean loss Σ_r w_r ℓ_r / Σ_r w_r, with per-row weights w (batch). When <paramref name="logSumExp"/>
    /// is not empty it holds each row's log Σ e^z (from the softmax pass).
    /// </summary>
    private static T WeightedLoss<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> t, ReadOnlySpan<T> classWeights, int width, ReadOnlySpan<T> logSumExp) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T total = T.Zero;
        T weightSum = T.Zero;
        int batch = z.Length / width;
        for (int r = 0; r < batch; r++)
        {
            T sample = logSumExp.IsEmpty
                ? SampleLoss(z.Slice(r * width, width), t.Slice(r * width, width))
                : SampleLoss(z.Slice(r * width, width), t.Slice(r * width, width), logSumExp[r]);
            T w = RowWeight(t, classWeights, r);
            total += w * sample;
            weightSum += w;
        }
        return total / weightSum;
    }

    /// <summary>δ_r = w_r (a_r − t_r) / Σ_r w_r: the gradient of <see cref="WeightedLoss{T}"/> with respect to z.</summary>
    private static void WeightedDelta<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> t, ReadOnlySpan<T> classWeights, Span<T> delta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = classWeights.Length;
        int batch = delta.Length / width;
        T weightSum = T.Zero;
        for (int r = 0; r < batch; r++)
        {
            weightSum += RowWeight(t, classWeights, r);
        }
        for (int r = 0; r < batch; r++)
        {
            T scale = RowWeight(t, classWeights, r) / weightSum;
            for (int i = r * width; i < (r + 1) * width; i++)
            {
                delta[i] = (a[i] - t[i]) * scale;
            }
        }
    }
}
