using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Optimizers;

/// <summary>
/// SGD with momentum (heavy-ball or Nesterov) over a whole parameter block, vectorised and on all threads. Every element
/// is rounded exactly as <see cref="StepReference{T}"/> rounds it, whatever the vector width or thread count.
/// </summary>
internal static class MomentumKernel
{
    /// <summary>
    /// The scalar reference: g = ∇θ + λθ; v = μ v + g; θ −= η v (heavy ball) or θ −= η (g + μ v) (Nesterov), each
    /// product's variable operand flushed to 0 below its limit (<see cref="Subnormals"/>): the velocity of a unit
    /// without gradient decays to 0 instead of through the subnormal range.
    /// </summary>
    public static void StepReference<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> velocity, T eta, T lambda, T mu, bool nesterov)
        where T : unmanaged, IFloatingPointIeee754<T>
        => StepReferenceWithLimits(parameters, gradients, velocity, eta, lambda, mu, nesterov, Limits<T>.Of(eta, lambda, mu));

    private static void StepReferenceWithLimits<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> velocity, T eta, T lambda, T mu, bool nesterov, in Limits<T> limits)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < parameters.Length; i++)
        {
            T g = gradients[i] + lambda * Subnormals.Flush(parameters[i], limits.Lambda);
            T vi = mu * Subnormals.Flush(velocity[i], limits.Mu) + g;
            velocity[i] = vi;
            parameters[i] -= eta * Subnormals.Flush(nesterov ? g + mu * Subnormals.Flush(vi, limits.Mu) : vi, limits.Eta);
        }
    }

    /// <summary>The update of <see cref="StepReference{T}"/>, vectorised, on all threads for long blocks.</summary>
    public static unsafe void Step<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> velocity, T eta, T lambda, T mu, bool nesterov)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!ChunkedJob.Worthwhile(parameters.Length))
        {
            StepRange(parameters, gradients, velocity, eta, lambda, mu, nesterov);
            return;
        }
        fixed (T* pp = parameters)
        fixed (T* pg = gradients)
        fixed (T* pv = velocity)
        {
            Job<T>.ForThisThread().Run(pp, pg, pv, parameters.Length, eta, lambda, mu, nesterov);
        }
    }

    internal static void StepRange<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> velocity, T eta, T lambda, T mu, bool nesterov)
        where T : unmanaged, IFloatingPointIeee754<T>
        => StepRangeWithLimits(parameters, gradients, velocity, eta, lambda, mu, nesterov, Limits<T>.Of(eta, lambda, mu));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void StepRangeWithLimits<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> velocity, T eta, T lambda, T mu, bool nesterov, in Limits<T> limits)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (gradients.Length < parameters.Length || velocity.Length < parameters.Length)
        {
            throw new ArgumentException("The gradients and velocities are shorter than the parameters.", nameof(gradients));
        }
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            i = parameters.Length - parameters.Length % Vector<T>.Count;
            fixed (T* pt = parameters)
            fixed (T* pg = gradients)
            fixed (T* pv = velocity)
            {
                StepRunVector(pt, pg, pv, i, eta, lambda, mu, nesterov, limits);
            }
        }
        StepReferenceWithLimits(parameters[i..], gradients[i..], velocity[i..], eta, lambda, mu, nesterov, limits);
    }

    /// <summary>
    /// The update of <see cref="StepReference{T}"/> on a tile: <paramref name="rows"/> runs of <paramref name="columns"/>
    /// elements, <paramref name="stride"/> apart in θ, ∇θ and v alike, on the widest vectors (the GEMM epilogue's step).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void StepTile<T>(T* parameters, T* gradients, T* velocity, int stride, int rows, int columns, T eta, T lambda, T mu, bool nesterov)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool wide512 = Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported;
        int width = wide512 ? Vector512<T>.Count : Vector.IsHardwareAccelerated && Vector<T>.IsSupported ? Vector<T>.Count : 0;
        int wide = width == 0 ? 0 : columns - columns % width;
        var limits = Limits<T>.Of(eta, lambda, mu);
        for (int r = 0; r < rows; r++)
        {
            long row = (long)r * stride;
            T* pt = parameters + row;
            T* pg = gradients + row;
            T* pv = velocity + row;
            if (wide > 0)
            {
                if (wide512)
                {
                    StepRun512(pt, pg, pv, wide, eta, lambda, mu, nesterov, limits);
                }
                else
                {
                    StepRunVector(pt, pg, pv, wide, eta, lambda, mu, nesterov, limits);
                }
            }
            if (wide < columns)
            {
                int rest = columns - wide;
                StepRangeWithLimits(new Span<T>(pt + wide, rest), new ReadOnlySpan<T>(pg + wide, rest), new Span<T>(pv + wide, rest), eta, lambda, mu, nesterov, limits);
            }
        }
    }

    // One run of `count` elements (a multiple of the width) of StepTile on Vector512, in a method with no call inside,
    // so that the JIT keeps the constants in registers across the loop (see AdamKernel.StepRun512).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void StepRun512<T>(T* pt, T* pg, T* pv, int count, T eta, T lambda, T mu, bool nesterov, Limits<T> limits)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var vEta = Vector512.Create(eta);
        var vLambda = Vector512.Create(lambda);
        var vMu = Vector512.Create(mu);
        var lambdaLimit = Vector512.Create(limits.Lambda);
        var muLimit = Vector512.Create(limits.Mu);
        var etaLimit = Vector512.Create(limits.Eta);
        for (int j = 0; j < count; j += Vector512<T>.Count)
        {
            Vector512<T> theta = Vector512.Load(pt + j);
            Vector512<T> g = Vector512.Load(pg + j) + vLambda * Subnormals.Flush(theta, lambdaLimit);
            Vector512<T> vi = vMu * Subnormals.Flush(Vector512.Load(pv + j), muLimit) + g;
            vi.Store(pv + j);
            theta -= vEta * Subnormals.Flush(nesterov ? g + vMu * Subnormals.Flush(vi, muLimit) : vi, etaLimit);
            theta.Store(pt + j);
        }
    }

    // StepRun512 on Vector<T> (AVX2's width): StepRange's lanes, and the tile step where AVX-512 is not there.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void StepRunVector<T>(T* pt, T* pg, T* pv, int count, T eta, T lambda, T mu, bool nesterov, Limits<T> limits)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var vEta = new Vector<T>(eta);
        var vLambda = new Vector<T>(lambda);
        var vMu = new Vector<T>(mu);
        var lambdaLimit = new Vector<T>(limits.Lambda);
        var muLimit = new Vector<T>(limits.Mu);
        var etaLimit = new Vector<T>(limits.Eta);
        for (int j = 0; j < count; j += Vector<T>.Count)
        {
            Vector<T> theta = Vector.Load(pt + j);
            Vector<T> g = Vector.Load(pg + j) + vLambda * Subnormals.Flush(theta, lambdaLimit);
            Vector<T> vi = vMu * Subnormals.Flush(Vector.Load(pv + j), muLimit) + g;
            vi.Store(pv + j);
            theta -= vEta * Subnormals.Flush(nesterov ? g + vMu * Subnormals.Flush(vi, muLimit) : vi, etaLimit);
            theta.Store(pt + j);
        }
    }

    // The limits (Subnormals.Limit) of θ in λθ, of v in μv and of the step in η·step.
    private readonly record struct Limits<T>(T Lambda, T Mu, T Eta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static Limits<T> Of(T eta, T lambda, T mu) => new(
            Subnormals.Limit<T>(double.CreateChecked(lambda)), Subnormals.Limit<T>(double.CreateChecked(mu)), Subnormals.Limit<T>(double.CreateChecked(eta)));
    }

    private sealed unsafe class Job<T> : ChunkedJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic]
        private static Job<T>? t_job;

        private T* _parameters;
        private T* _gradients;
        private T* _velocity;
        private T _eta;
        private T _lambda;
        private T _mu;
        private bool _nesterov;

        public static Job<T> ForThisThread() => t_job ??= new Job<T>();

        public void Run(T* parameters, T* gradients, T* velocity, int length, T eta, T lambda, T mu, bool nesterov)
        {
            _parameters = parameters;
            _gradients = gradients;
            _velocity = velocity;
            (_eta, _lambda, _mu, _nesterov) = (eta, lambda, mu, nesterov);
            RunChunks(length);
            _parameters = _gradients = _velocity = null;
        }

        protected override void Range(int start, int count)
            => StepRange(new Span<T>(_parameters + start, count), new ReadOnlySpan<T>(_gradients + start, count),
                new Span<T>(_velocity + start, count), _eta, _lambda, _mu, _nesterov);
    }
}
