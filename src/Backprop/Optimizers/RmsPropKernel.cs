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
    /// <summary>The scalar reference: g = ∇θ + λθ; s = ρ s + (1 − ρ) g g; θ −= η g / (√s + ε).</summary>
    public static void StepReference<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> meanSquare, T eta, T lambda, T rho, T oneMinusRho, T eps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < parameters.Length; i++)
        {
            T g = gradients[i] + lambda * parameters[i];
            T si = rho * meanSquare[i] + oneMinusRho * g * g;
            meanSquare[i] = si;
            parameters[i] -= eta * g / (T.Sqrt(si) + eps);
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void StepRange<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> meanSquare, T eta, T lambda, T rho, T oneMinusRho, T eps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            int width = Vector<T>.Count;
            var vEta = new Vector<T>(eta);
            var vLambda = new Vector<T>(lambda);
            var vRho = new Vector<T>(rho);
            var vOneMinusRho = new Vector<T>(oneMinusRho);
            var vEps = new Vector<T>(eps);
            for (; i <= parameters.Length - width; i += width)
            {
                var theta = new Vector<T>(parameters[i..]);
                Vector<T> g = new Vector<T>(gradients[i..]) + vLambda * theta;
                Vector<T> si = vRho * new Vector<T>(meanSquare[i..]) + vOneMinusRho * g * g;
                si.CopyTo(meanSquare[i..]);
                theta -= vEta * g / (Vector.SquareRoot(si) + vEps);
                theta.CopyTo(parameters[i..]);
            }
        }
        StepReference(parameters[i..], gradients[i..], meanSquare[i..], eta, lambda, rho, oneMinusRho, eps);
    }

    /// <summary>
    /// The update of <see cref="StepReference{T}"/> on a tile: <paramref name="rows"/> runs of <paramref name="columns"/>
    /// elements, <paramref name="stride"/> apart in θ, ∇θ and s alike, on the widest vectors (the GEMM epilogue's step).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void StepTile<T>(T* parameters, T* gradients, T* meanSquare, int stride, int rows, int columns, T eta, T lambda, T rho, T oneMinusRho, T eps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported ? Vector512<T>.Count : 0;
        int wide = width == 0 ? 0 : columns - columns % width;
        var vEta = Vector512.Create(eta);
        var vLambda = Vector512.Create(lambda);
        var vRho = Vector512.Create(rho);
        var vOneMinusRho = Vector512.Create(oneMinusRho);
        var vEps = Vector512.Create(eps);
        for (int r = 0; r < rows; r++)
        {
            long row = (long)r * stride;
            T* pt = parameters + row;
            T* pg = gradients + row;
            T* ps = meanSquare + row;
            int j = 0;
            for (; j < wide; j += width)
            {
                Vector512<T> theta = Vector512.Load(pt + j);
                Vector512<T> g = Vector512.Load(pg + j) + vLambda * theta;
                Vector512<T> si = vRho * Vector512.Load(ps + j) + vOneMinusRho * g * g;
                si.Store(ps + j);
                theta -= vEta * g / (Vector512.Sqrt(si) + vEps);
                theta.Store(pt + j);
            }
            if (j < columns)
            {
                int rest = columns - j;
                StepRange(new Span<T>(pt + j, rest), new ReadOnlySpan<T>(pg + j, rest), new Span<T>(ps + j, rest), eta, lambda, rho, oneMinusRho, eps);
            }
        }
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
