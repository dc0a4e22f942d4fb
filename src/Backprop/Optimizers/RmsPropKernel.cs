using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Optimizers;

/// <summary>
/// RMSprop's update over a whole parameter block, vectorised and on all threads. Every element is rounded exactly as
/// <see cref="StepReference{T}"/> rounds it, whatever the vector width or thread count.
/// </summary>
internal static class RmsPropKernel
{
    /// <summary>
    /// The scalar reference: g = ∇θ + λθ; s = ρ s + (1 − ρ) g g; θ −= η g / (√s + ε), each product's variable operand
    /// flushed to 0 below its limit (<see cref="Subnormals"/>): the mean square of a unit without gradient decays to 0
    /// instead of through the subnormal range.
    /// </summary>
    public static void StepReference<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> meanSquare, T eta, T lambda, T rho, T oneMinusRho, T eps)
        where T : unmanaged, IFloatingPointIeee754<T>
        => StepReferenceWithLimits(parameters, gradients, meanSquare, eta, lambda, rho, oneMinusRho, eps, Limits<T>.Of(eta, lambda, rho, oneMinusRho));

    private static void StepReferenceWithLimits<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> meanSquare, T eta, T lambda, T rho, T oneMinusRho, T eps, in Limits<T> limits)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < parameters.Length; i++)
        {
            T g = gradients[i] + lambda * Subnormals.Flush(parameters[i], limits.Lambda);
            T g2 = Subnormals.Flush(g, limits.Square);
            T si = rho * Subnormals.Flush(meanSquare[i], limits.Rho) + oneMinusRho * g2 * g2;
            meanSquare[i] = si;
            parameters[i] -= eta * Subnormals.Flush(g, limits.Eta) / (T.Sqrt(si) + eps);
        }
    }

    /// <summary>The update of <see cref="StepReference{T}"/>, vectorised, on all threads for long blocks.</summary>
    public static unsafe void Step<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> meanSquare, T eta, T lambda, T rho, T oneMinusRho, T eps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!ChunkedJob.Worthwhile(parameters.Length))
        {
            StepRange(parameters, gradients, meanSquare, eta, lambda, rho, oneMinusRho, eps);
            return;
        }
        fixed (T* pp = parameters)
        fixed (T* pg = gradients)
        fixed (T* ps = meanSquare)
        {
            Job<T>.ForThisThread().Run(pp, pg, ps, parameters.Length, eta, lambda, rho, oneMinusRho, eps);
        }
    }

    internal static void StepRange<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> meanSquare, T eta, T lambda, T rho, T oneMinusRho, T eps)
        where T : unmanaged, IFloatingPointIeee754<T>
        => StepRangeWithLimits(parameters, gradients, meanSquare, eta, lambda, rho, oneMinusRho, eps, Limits<T>.Of(eta, lambda, rho, oneMinusRho));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void StepRangeWithLimits<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> meanSquare, T eta, T lambda, T rho, T oneMinusRho, T eps, in Limits<T> limits)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (gradients.Length < parameters.Length || meanSquare.Length < parameters.Length)
        {
            throw new ArgumentException("The gradients and mean squares are shorter than the parameters.", nameof(gradients));
        }
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            i = parameters.Length - parameters.Length % Vector<T>.Count;
            fixed (T* pt = parameters)
            fixed (T* pg = gradients)
            fixed (T* ps = meanSquare)
            {
                StepRunVector(pt, pg, ps, i, eta, lambda, rho, oneMinusRho, eps, limits);
            }
        }
        StepReferenceWithLimits(parameters[i..], gradients[i..], meanSquare[i..], eta, lambda, rho, oneMinusRho, eps, limits);
    }

    /// <summary>
    /// The update of <see cref="StepReference{T}"/> on a tile: <paramref name="rows"/> runs of <paramref name="columns"/>
    /// elements, <paramref name="stride"/> apart in θ, ∇θ and s alike, on the widest vectors (the GEMM epilogue's step).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void StepTile<T>(T* parameters, T* gradients, T* meanSquare, int stride, int rows, int columns, T eta, T lambda, T rho, T oneMinusRho, T eps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool wide512 = Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported;
        int width = wide512 ? Vector512<T>.Count : Vector.IsHardwareAccelerated && Vector<T>.IsSupported ? Vector<T>.Count : 0;
        int wide = width == 0 ? 0 : columns - columns % width;
        var limits = Limits<T>.Of(eta, lambda, rho, oneMinusRho);
        for (int r = 0; r < rows; r++)
        {
            long row = (long)r * stride;
            T* pt = parameters + row;
            T* pg = gradients + row;
            T* ps = meanSquare + row;
            if (wide > 0)
            {
                if (wide512)
                {
                    StepRun512(pt, pg, ps, wide, eta, lambda, rho, oneMinusRho, eps, limits);
                }
                else
                {
                    StepRunVector(pt, pg, ps, wide, eta, lambda, rho, oneMinusRho, eps, limits);
                }
            }
            if (wide < columns)
            {
                int rest = columns - wide;
                StepRangeWithLimits(new Span<T>(pt + wide, rest), new ReadOnlySpan<T>(pg + wide, rest), new Span<T>(ps + wide, rest), eta, lambda, rho, oneMinusRho, eps, limits);
            }
        }
    }

    // One run of `count` elements (a multiple of the width) of StepTile on Vector512, in a method with no call inside,
    // so that the JIT keeps the constants in registers across the loop (see AdamKernel.StepRun512).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void StepRun512<T>(T* pt, T* pg, T* ps, int count, T eta, T lambda, T rho, T oneMinusRho, T eps, Limits<T> limits)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var vEta = Vector512.Create(eta);
        var vLambda = Vector512.Create(lambda);
        var vRho = Vector512.Create(rho);
        var vOneMinusRho = Vector512.Create(oneMinusRho);
        var vEps = Vector512.Create(eps);
        var lambdaLimit = Vector512.Create(limits.Lambda);
        var rhoLimit = Vector512.Create(limits.Rho);
        var squareLimit = Vector512.Create(limits.Square);
        var etaLimit = Vector512.Create(limits.Eta);
        for (int j = 0; j < count; j += Vector512<T>.Count)
        {
            Vector512<T> theta = Vector512.Load(pt + j);
            Vector512<T> g = Vector512.Load(pg + j) + vLambda * Subnormals.Flush(theta, lambdaLimit);
            Vector512<T> g2 = Subnormals.Flush(g, squareLimit);
            Vector512<T> si = vRho * Subnormals.Flush(Vector512.Load(ps + j), rhoLimit) + vOneMinusRho * g2 * g2;
            si.Store(ps + j);
            theta -= vEta * Subnormals.Flush(g, etaLimit) / (Vector512.Sqrt(si) + vEps);
            theta.Store(pt + j);
        }
    }

    // StepRun512 on Vector<T> (AVX2's width): StepRange's lanes, and the tile step where AVX-512 is not there.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void StepRunVector<T>(T* pt, T* pg, T* ps, int count, T eta, T lambda, T rho, T oneMinusRho, T eps, Limits<T> limits)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var vEta = new Vector<T>(eta);
        var vLambda = new Vector<T>(lambda);
        var vRho = new Vector<T>(rho);
        var vOneMinusRho = new Vector<T>(oneMinusRho);
        var vEps = new Vector<T>(eps);
        var lambdaLimit = new Vector<T>(limits.Lambda);
        var rhoLimit = new Vector<T>(limits.Rho);
        var squareLimit = new Vector<T>(limits.Square);
        var etaLimit = new Vector<T>(limits.Eta);
        for (int j = 0; j < count; j += Vector<T>.Count)
        {
            Vector<T> theta = Vector.Load(pt + j);
            Vector<T> g = Vector.Load(pg + j) + vLambda * Subnormals.Flush(theta, lambdaLimit);
            Vector<T> g2 = Subnormals.Flush(g, squareLimit);
            Vector<T> si = vRho * Subnormals.Flush(Vector.Load(ps + j), rhoLimit) + vOneMinusRho * g2 * g2;
            si.Store(ps + j);
            theta -= vEta * Subnormals.Flush(g, etaLimit) / (Vector.SquareRoot(si) + vEps);
            theta.Store(pt + j);
        }
    }

    // The limits (Subnormals.Limit) of θ in λθ, of s in ρs, of g in (1 − ρ) g g and in η g.
    private readonly record struct Limits<T>(T Lambda, T Rho, T Square, T Eta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static Limits<T> Of(T eta, T lambda, T rho, T oneMinusRho) => new(
            Subnormals.Limit<T>(double.CreateChecked(lambda)), Subnormals.Limit<T>(double.CreateChecked(rho)),
            Subnormals.SquareLimit<T>(double.CreateChecked(oneMinusRho)), Subnormals.Limit<T>(double.CreateChecked(eta)));
    }

    private sealed unsafe class Job<T> : ChunkedJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic]
        private static Job<T>? t_job;

        private T* _parameters;
        private T* _gradients;
        private T* _meanSquare;
        private T _eta;
        private T _lambda;
        private T _rho;
        private T _oneMinusRho;
        private T _eps;

        public static Job<T> ForThisThread() => t_job ??= new Job<T>();

        public void Run(T* parameters, T* gradients, T* meanSquare, int length, T eta, T lambda, T rho, T oneMinusRho, T eps)
        {
            _parameters = parameters;
            _gradients = gradients;
            _meanSquare = meanSquare;
            (_eta, _lambda, _rho, _oneMinusRho, _eps) = (eta, lambda, rho, oneMinusRho, eps);
            RunChunks(length);
            _parameters = _gradients = _meanSquare = null;
        }

        protected override void Range(int start, int count)
            => StepRange(new Span<T>(_parameters + start, count), new ReadOnlySpan<T>(_gradients + start, count),
                new Span<T>(_meanSquare + start, count), _eta, _lambda, _rho, _oneMinusRho, _eps);
    }
}
