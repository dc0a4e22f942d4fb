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
    /// The scalar reference: g = ∇θ + λθ; v = μ v + g; θ −= η v (heavy ball) or θ −= η (g + μ v) (Nesterov).
    /// </summary>
    public static void StepReference<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> velocity, T eta, T lambda, T mu, bool nesterov)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < parameters.Length; i++)
        {
            T g = gradients[i] + lambda * parameters[i];
            T vi = mu * velocity[i] + g;
            velocity[i] = vi;
            parameters[i] -= eta * (nesterov ? g + mu * vi : vi);
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void StepRange<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> velocity, T eta, T lambda, T mu, bool nesterov)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            int width = Vector<T>.Count;
            var vEta = new Vector<T>(eta);
            var vLambda = new Vector<T>(lambda);
            var vMu = new Vector<T>(mu);
            for (; i <= parameters.Length - width; i += width)
            {
                var theta = new Vector<T>(parameters[i..]);
                Vector<T> g = new Vector<T>(gradients[i..]) + vLambda * theta;
                Vector<T> vi = vMu * new Vector<T>(velocity[i..]) + g;
                vi.CopyTo(velocity[i..]);
                theta -= vEta * (nesterov ? g + vMu * vi : vi);
                theta.CopyTo(parameters[i..]);
            }
        }
        StepReference(parameters[i..], gradients[i..], velocity[i..], eta, lambda, mu, nesterov);
    }

    /// <summary>
    /// The update of <see cref="StepReference{T}"/> on a tile: <paramref name="rows"/> runs of <paramref name="columns"/>
    /// elements, <paramref name="stride"/> apart in θ, ∇θ and v alike, on the widest vectors (the GEMM epilogue's step).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void StepTile<T>(T* parameters, T* gradients, T* velocity, int stride, int rows, int columns, T eta, T lambda, T mu, bool nesterov)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported ? Vector512<T>.Count : 0;
        int wide = width == 0 ? 0 : columns - columns % width;
        var vEta = Vector512.Create(eta);
        var vLambda = Vector512.Create(lambda);
        var vMu = Vector512.Create(mu);
        for (int r = 0; r < rows; r++)
        {
            long row = (long)r * stride;
            T* pt = parameters + row;
            T* pg = gradients + row;
            T* pv = velocity + row;
            int j = 0;
            for (; j < wide; j += width)
            {
                Vector512<T> theta = Vector512.Load(pt + j);
                Vector512<T> g = Vector512.Load(pg + j) + vLambda * theta;
                Vector512<T> vi = vMu * Vector512.Load(pv + j) + g;
                vi.Store(pv + j);
                theta -= vEta * (nesterov ? g + vMu * vi : vi);
                theta.Store(pt + j);
            }
            if (j < columns)
            {
                int rest = columns - j;
                StepRange(new Span<T>(pt + j, rest), new ReadOnlySpan<T>(pg + j, rest), new Span<T>(pv + j, rest), eta, lambda, mu, nesterov);
            }
        }
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
