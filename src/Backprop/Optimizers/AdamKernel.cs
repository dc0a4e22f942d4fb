using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Optimizers;

/// <summary>
/// Adam's element-wise update over a whole parameter block, vectorised and split into fixed chunks that the
/// <see cref="WorkerPool"/> runs on all threads. Every element is rounded exactly as <see cref="StepReference{T}"/>
/// rounds it (the same operations in the same order, none fused), so the result does not depend on the vector width
/// or the thread count.
/// </summary>
internal static class AdamKernel
{
    /// <summary>
    /// Adam's per-step constants (η / (1 − β₁ᵗ), √(1 − β₂ᵗ), …) in the element type, and for each product c·x the
    /// <see cref="Subnormals.Limit{T}"/> below which x is taken as 0.
    /// </summary>
    internal readonly record struct Coefficients<T>(
        T Beta1, T Beta2, T OneMinusBeta1, T OneMinusBeta2, T StepSize, T RootCorrection, T Epsilon, T Lambda, T Decay,
        bool Coupled, bool Decoupled)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        /// <summary>Of θ in λθ.</summary>
        public T LambdaLimit { get; init; }

        /// <summary>Of m in β₁ m.</summary>
        public T MLimit { get; init; }

        /// <summary>Of g in (1 − β₁) g.</summary>
        public T GLimit { get; init; }

        /// <summary>Of v in β₂ v.</summary>
        public T VLimit { get; init; }

        /// <summary>Of g in (1 − β₂) g g.</summary>
        public T GSquareLimit { get; init; }

        /// <summary>Of θ in ηλθ (AdamW).</summary>
        public T DecayLimit { get; init; }

        /// <summary>Of m in η / (1 − β₁ᵗ) · m.</summary>
        public T StepLimit { get; init; }
    }

    /// <summary>
    /// The constants of step <paramref name="step"/> (1 for the first): η m̂ / (√v̂ + ε) = η / (1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε),
    /// with each product's limit taken from its factor as rounded to <typeparamref name="T"/>.
    /// </summary>
    public static Coefficients<T> CoefficientsOfStep<T>(double learningRate, double beta1, double beta2, double epsilon, double weightDecay, bool decoupled, long step)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T b1 = T.CreateChecked(beta1);
        T b2 = T.CreateChecked(beta2);
        T oneMinusB1 = T.CreateChecked(1 - beta1);
        T oneMinusB2 = T.CreateChecked(1 - beta2);
        T stepSize = T.CreateChecked(learningRate / (1 - Math.Pow(beta1, step)));
        T lambda = T.CreateChecked(weightDecay);
        T decay = T.CreateChecked(learningRate * weightDecay);
        return new(b1, b2, oneMinusB1, oneMinusB2, stepSize,
            RootCorrection: T.CreateChecked(Math.Sqrt(1 - Math.Pow(beta2, step))),
            Epsilon: T.CreateChecked(epsilon),
            Lambda: lambda,
            Decay: decay,
            Coupled: !decoupled && weightDecay != 0,
            Decoupled: decoupled)
        {
            LambdaLimit = Subnormals.Limit<T>(double.CreateChecked(lambda)),
            MLimit = Subnormals.Limit<T>(double.CreateChecked(b1)),
            GLimit = Subnormals.Limit<T>(double.CreateChecked(oneMinusB1)),
            VLimit = Subnormals.Limit<T>(double.CreateChecked(b2)),
            GSquareLimit = Subnormals.SquareLimit<T>(double.CreateChecked(oneMinusB2)),
            DecayLimit = Subnormals.Limit<T>(double.CreateChecked(decay)),
            StepLimit = Subnormals.Limit<T>(double.CreateChecked(stepSize)),
        };
    }

    /// <summary>
    /// The scalar reference: for each i, g = ∇θ (+ λθ when coupled); m = β₁ m + (1 − β₁) g; v = β₂ v + (1 − β₂) g g;
    /// θ −= ηλ θ when decoupled; θ −= (η / (1 − β₁ᵗ)) m / (√v / √(1 − β₂ᵗ) + ε). Each product's variable operand is
    /// flushed to 0 below its limit (<see cref="Subnormals"/>), so that no multiplication reads or makes a subnormal:
    /// moments of units without gradient decay to 0 instead of through the subnormal range, and weights that weight
    /// decay drives to 0 stop feeding λθ. The square root reads a sum of two such products (0 or normal); the quotient
    /// can still underflow where √v̂ + ε &gt; 1 and m is within a factor of it of the smallest normal, for a step or two.
    /// </summary>
    public static void StepReference<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> m, Span<T> v, in Coefficients<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < parameters.Length; i++)
        {
            T theta = parameters[i];
            T g = c.Coupled ? gradients[i] + c.Lambda * Subnormals.Flush(theta, c.LambdaLimit) : gradients[i];
            T mi = c.Beta1 * Subnormals.Flush(m[i], c.MLimit) + c.OneMinusBeta1 * Subnormals.Flush(g, c.GLimit);
            T g2 = Subnormals.Flush(g, c.GSquareLimit);
            T vi = c.Beta2 * Subnormals.Flush(v[i], c.VLimit) + c.OneMinusBeta2 * g2 * g2;
            m[i] = mi;
            v[i] = vi;
            if (c.Decoupled)
            {
                theta -= c.Decay * Subnormals.Flush(theta, c.DecayLimit);
            }
            theta -= c.StepSize * Subnormals.Flush(mi, c.StepLimit) / (T.Sqrt(vi) / c.RootCorrection + c.Epsilon);
            parameters[i] = theta;
        }
    }

    /// <summary>The update of <see cref="StepReference{T}"/>, vectorised, on all threads for long blocks.</summary>
    public static unsafe void Step<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> m, Span<T> v, in Coefficients<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!ChunkedJob.Worthwhile(parameters.Length))
        {
            StepRange(parameters, gradients, m, v, c);
            return;
        }
        fixed (T* pp = parameters)
        fixed (T* pg = gradients)
        fixed (T* pm = m)
        fixed (T* pv = v)
        {
            Job<T>.ForThisThread().Run(pp, pg, pm, pv, parameters.Length, c);
        }
    }

    // Vector<T> lanes with the scalar expression's operations in its order; the tail by the reference itself.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void StepRange<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> m, Span<T> v, in Coefficients<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (gradients.Length < parameters.Length || m.Length < parameters.Length || v.Length < parameters.Length)
        {
            throw new ArgumentException("The gradients and moments are shorter than the parameters.", nameof(gradients));
        }
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            i = parameters.Length - parameters.Length % Vector<T>.Count;
            fixed (T* pt = parameters)
            fixed (T* pg = gradients)
            fixed (T* pm = m)
            fixed (T* pv = v)
            {
                StepRunVector(pt, pg, pm, pv, i, c);
            }
        }
        StepReference(parameters[i..], gradients[i..], m[i..], v[i..], c);
    }

    /// <summary>
    /// The update of <see cref="StepReference{T}"/> on a tile: <paramref name="rows"/> runs of <paramref name="columns"/>
    /// elements, <paramref name="stride"/> apart in θ, ∇θ, m and v alike, on the widest vectors (the GEMM epilogue's step).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void StepTile<T>(T* parameters, T* gradients, T* m, T* v, int stride, int rows, int columns, in Coefficients<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool wide512 = Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported;
        int width = wide512 ? Vector512<T>.Count : Vector.IsHardwareAccelerated && Vector<T>.IsSupported ? Vector<T>.Count : 0;
        int wide = width == 0 ? 0 : columns - columns % width;
        for (int r = 0; r < rows; r++)
        {
            long row = (long)r * stride;
            T* pt = parameters + row;
            T* pg = gradients + row;
            T* pm = m + row;
            T* pv = v + row;
            if (wide > 0)
            {
                if (wide512)
                {
                    StepRun512(pt, pg, pm, pv, wide, c);
                }
                else
                {
                    StepRunVector(pt, pg, pm, pv, wide, c);
                }
            }
            if (wide < columns)
            {
                int rest = columns - wide;
                StepRange(new Span<T>(pt + wide, rest), new ReadOnlySpan<T>(pg + wide, rest), new Span<T>(pm + wide, rest), new Span<T>(pv + wide, rest), c);
            }
        }
    }

    // One run of `count` elements (a multiple of the width) of StepTile on Vector512: a method of its own with no call
    // inside, so that the JIT keeps its sixteen constants in registers across the loop (inline in StepTile, beside the
    // tail's call, it reloaded thirteen of them from the stack for every vector), and the two switches in locals (read
    // through `c`, which the stores might alias, they were reloaded for every vector too).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void StepRun512<T>(T* pt, T* pg, T* pm, T* pv, int count, in Coefficients<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var beta1 = Vector512.Create(c.Beta1);
        var beta2 = Vector512.Create(c.Beta2);
        var oneMinusBeta1 = Vector512.Create(c.OneMinusBeta1);
        var oneMinusBeta2 = Vector512.Create(c.OneMinusBeta2);
        var stepSize = Vector512.Create(c.StepSize);
        var rootCorrection = Vector512.Create(c.RootCorrection);
        var epsilon = Vector512.Create(c.Epsilon);
        var lambda = Vector512.Create(c.Lambda);
        var decay = Vector512.Create(c.Decay);
        var lambdaLimit = Vector512.Create(c.LambdaLimit);
        var mLimit = Vector512.Create(c.MLimit);
        var gLimit = Vector512.Create(c.GLimit);
        var vLimit = Vector512.Create(c.VLimit);
        var gSquareLimit = Vector512.Create(c.GSquareLimit);
        var decayLimit = Vector512.Create(c.DecayLimit);
        var stepLimit = Vector512.Create(c.StepLimit);
        bool coupled = c.Coupled;
        bool decoupled = c.Decoupled;
        for (int j = 0; j < count; j += Vector512<T>.Count)
        {
            Vector512<T> theta = Vector512.Load(pt + j);
            Vector512<T> g = Vector512.Load(pg + j);
            if (coupled)
            {
                g += lambda * Subnormals.Flush(theta, lambdaLimit);
            }
            Vector512<T> mi = beta1 * Subnormals.Flush(Vector512.Load(pm + j), mLimit) + oneMinusBeta1 * Subnormals.Flush(g, gLimit);
            Vector512<T> g2 = Subnormals.Flush(g, gSquareLimit);
            Vector512<T> vi = beta2 * Subnormals.Flush(Vector512.Load(pv + j), vLimit) + oneMinusBeta2 * g2 * g2;
            mi.Store(pm + j);
            vi.Store(pv + j);
            if (decoupled)
            {
                theta -= decay * Subnormals.Flush(theta, decayLimit);
            }
            theta -= stepSize * Subnormals.Flush(mi, stepLimit) / (Vector512.Sqrt(vi) / rootCorrection + epsilon);
            theta.Store(pt + j);
        }
    }

    // StepRun512 on Vector<T> (AVX2's width): StepRange's lanes, and the tile step where AVX-512 is not there.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void StepRunVector<T>(T* pt, T* pg, T* pm, T* pv, int count, in Coefficients<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var beta1 = new Vector<T>(c.Beta1);
        var beta2 = new Vector<T>(c.Beta2);
        var oneMinusBeta1 = new Vector<T>(c.OneMinusBeta1);
        var oneMinusBeta2 = new Vector<T>(c.OneMinusBeta2);
        var stepSize = new Vector<T>(c.StepSize);
        var rootCorrection = new Vector<T>(c.RootCorrection);
        var epsilon = new Vector<T>(c.Epsilon);
        var lambda = new Vector<T>(c.Lambda);
        var decay = new Vector<T>(c.Decay);
        var lambdaLimit = new Vector<T>(c.LambdaLimit);
        var mLimit = new Vector<T>(c.MLimit);
        var gLimit = new Vector<T>(c.GLimit);
        var vLimit = new Vector<T>(c.VLimit);
        var gSquareLimit = new Vector<T>(c.GSquareLimit);
        var decayLimit = new Vector<T>(c.DecayLimit);
        var stepLimit = new Vector<T>(c.StepLimit);
        bool coupled = c.Coupled;
        bool decoupled = c.Decoupled;
        for (int j = 0; j < count; j += Vector<T>.Count)
        {
            Vector<T> theta = Vector.Load(pt + j);
            Vector<T> g = Vector.Load(pg + j);
            if (coupled)
            {
                g += lambda * Subnormals.Flush(theta, lambdaLimit);
            }
            Vector<T> mi = beta1 * Subnormals.Flush(Vector.Load(pm + j), mLimit) + oneMinusBeta1 * Subnormals.Flush(g, gLimit);
            Vector<T> g2 = Subnormals.Flush(g, gSquareLimit);
            Vector<T> vi = beta2 * Subnormals.Flush(Vector.Load(pv + j), vLimit) + oneMinusBeta2 * g2 * g2;
            mi.Store(pm + j);
            vi.Store(pv + j);
            if (decoupled)
            {
                theta -= decay * Subnormals.Flush(theta, decayLimit);
            }
            theta -= stepSize * Subnormals.Flush(mi, stepLimit) / (Vector.SquareRoot(vi) / rootCorrection + epsilon);
            theta.Store(pt + j);
        }
    }

    private sealed unsafe class Job<T> : ChunkedJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic]
        private static Job<T>? t_job;

        private T* _parameters;
        private T* _gradients;
        private T* _m;
        private T* _v;
        private Coefficients<T> _c;

        public static Job<T> ForThisThread() => t_job ??= new Job<T>();

        public void Run(T* parameters, T* gradients, T* m, T* v, int length, in Coefficients<T> c)
        {
            _parameters = parameters;
            _gradients = gradients;
            _m = m;
            _v = v;
            _c = c;
            RunChunks(length);
            _parameters = _gradients = _m = _v = null;
        }

        protected override void Range(int start, int count)
            => StepRange(new Span<T>(_parameters + start, count), new ReadOnlySpan<T>(_gradients + start, count),
                new Span<T>(_m + start, count), new Span<T>(_v + start, count), _c);
    }
}
