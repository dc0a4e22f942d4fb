using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Backprop.Tensors;

/// <summary>
/// Element-wise kernels over long spans (a whole parameter block), split into fixed chunks that the
/// <see cref="WorkerPool"/> runs on all threads. Each element is computed exactly as the one-thread
/// TensorPrimitives call computes it, so results do not depend on the thread count.
/// </summary>
internal static class ParallelElementwise
{
    // Below this length one thread finishes before a second would have started.
    private const int ParallelLength = 1 << 15;

    // Chunks are multiples of this many elements (a cache line of doubles or floats, times 64).
    private const int ChunkAlignment = 1024;

    [ThreadStatic]
    private static MultiplyAddJob? t_job;

    /// <summary>destination = x · y + addend, element-wise (the product rounded, then the sum: not fused).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyAdd<T>(ReadOnlySpan<T> x, T y, ReadOnlySpan<T> addend, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int length = x.Length;
        if (addend.Length != length || destination.Length < length)
        {
            throw new ArgumentException($"spans of {x.Length}, {addend.Length} and {destination.Length} elements do not match.", nameof(addend));
        }
        if (length < ParallelLength || WorkerPool.ThreadCount == 1 || (typeof(T) != typeof(float) && typeof(T) != typeof(double)))
        {
            TensorPrimitives.MultiplyAdd(x, y, addend, destination[..length]);
            return;
        }
        MultiplyAddInParallel(x, y, addend, destination);
    }

    // The parallel part of MultiplyAdd, kept out of line so that the short path inlines into its callers.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void MultiplyAddInParallel<T>(ReadOnlySpan<T> x, T y, ReadOnlySpan<T> addend, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int length = x.Length;
        fixed (T* px = x)
        fixed (T* pa = addend)
        fixed (T* pd = destination)
        {
            MultiplyAddJob job = t_job ??= new MultiplyAddJob();
            int chunk = (length / (4 * WorkerPool.ThreadCount) + ChunkAlignment - 1) / ChunkAlignment * ChunkAlignment;
            job.Set(px, pa, pd, length, chunk, double.CreateChecked(y), typeof(T) == typeof(float));
            WorkerPool.Run(job, (length + chunk - 1) / chunk);
            job.Set(null, null, null, 0, 0, 0, false);
        }
    }

    /// <summary>
    /// θ ← θ − η (g + λ θ) element-wise, rounded step by step exactly as that scalar expression (λ θ, then + g,
    /// then η ·, then −): SGD with L2 weight decay.
    /// </summary>
    public static unsafe void DecayedStep<T>(Span<T> parameters, ReadOnlySpan<T> gradients, T eta, T lambda)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (gradients.Length != parameters.Length)
        {
            throw new ArgumentException($"{parameters.Length} parameters but {gradients.Length} gradients.", nameof(gradients));
        }
        if (parameters.Length < ParallelLength || WorkerPool.ThreadCount == 1 || (typeof(T) != typeof(float) && typeof(T) != typeof(double)))
        {
            DecayedStepRange(parameters, gradients, eta, lambda);
            return;
        }
        fixed (T* pp = parameters)
        fixed (T* pg = gradients)
        {
            DecayedStepJob<T> job = DecayedStepJob<T>.ForThisThread();
            int length = parameters.Length;
            int chunk = (length / (4 * WorkerPool.ThreadCount) + ChunkAlignment - 1) / ChunkAlignment * ChunkAlignment;
            job.Set(pp, pg, length, chunk, eta, lambda);
            WorkerPool.Run(job, (length + chunk - 1) / chunk);
            job.Set(null, null, 0, 0, T.Zero, T.Zero);
        }
    }

    // The scalar expression in vector form, in pieces of a stack buffer: s = λ θ + g; θ = (−η) s + θ.
    internal static void DecayedStepRange<T>(Span<T> parameters, ReadOnlySpan<T> gradients, T eta, T lambda)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> sum = stackalloc T[256];
        T minusEta = -eta;
        for (int start = 0; start < parameters.Length; start += sum.Length)
        {
            int count = Math.Min(sum.Length, parameters.Length - start);
            Span<T> p = parameters.Slice(start, count);
            Span<T> s = sum[..count];
            TensorPrimitives.MultiplyAdd(p, lambda, gradients.Slice(start, count), s);
            TensorPrimitives.MultiplyAdd(s, minusEta, p, p);
        }
    }

    private sealed unsafe class DecayedStepJob<T> : IBlockJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic]
        private static DecayedStepJob<T>? t_job;

        private T* _parameters;
        private T* _gradients;
        private int _length;
        private int _chunk;
        private T _eta;
        private T _lambda;

        public static DecayedStepJob<T> ForThisThread() => t_job ??= new DecayedStepJob<T>();

        public void Set(T* parameters, T* gradients, int length, int chunk, T eta, T lambda)
        {
            _parameters = parameters;
            _gradients = gradients;
            (_length, _chunk, _eta, _lambda) = (length, chunk, eta, lambda);
        }

        public void Execute(int block)
        {
            int start = block * _chunk;
            int count = Math.Min(_chunk, _length - start);
            DecayedStepRange(new Span<T>(_parameters + start, count), new ReadOnlySpan<T>(_gradients + start, count), _eta, _lambda);
        }
    }

    private sealed unsafe class MultiplyAddJob : IBlockJob
    {
        private void* _x;
        private void* _addend;
        private void* _destination;
        private int _length;
        private int _chunk;
        private double _y;
        private bool _isFloat;

        public void Set(void* x, void* addend, void* destination, int length, int chunk, double y, bool isFloat)
        {
            _x = x;
            _addend = addend;
            _destination = destination;
            (_length, _chunk, _y, _isFloat) = (length, chunk, y, isFloat);
        }

        public void Execute(int block)
        {
            int start = block * _chunk;
            int count = Math.Min(_chunk, _length - start);
            if (_isFloat)
            {
                TensorPrimitives.MultiplyAdd(
                    new ReadOnlySpan<float>((float*)_x + start, count), (float)_y,
                    new ReadOnlySpan<float>((float*)_addend + start, count), new Span<float>((float*)_destination + start, count));
            }
            else
            {
                TensorPrimitives.MultiplyAdd(
                    new ReadOnlySpan<double>((double*)_x + start, count), _y,
                    new ReadOnlySpan<double>((double*)_addend + start, count), new Span<double>((double*)_destination + start, count));
            }
        }
    }
}
