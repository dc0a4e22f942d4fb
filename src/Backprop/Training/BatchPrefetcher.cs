using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Training;

/// <summary>
/// Gathers the next batch's rows in the background: the job that copies rows order[start .. start + count) of a data set
/// into x and t (as <see cref="Dataset{T}.Gather"/> does), for <see cref="WorkerPool.RunInBackground"/>, which the
/// network starts once its first layer is done (the rest of the pass is small products on the training thread). It holds
/// the arrays themselves (no pointers), so nothing needs to stay pinned while it runs.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
internal sealed class BatchPrefetcher<T> : IBlockJob where T : unmanaged, IFloatingPointIeee754<T>
{
    // Below this many values per batch one thread copies faster than two start.
    private const long ParallelValues = 1 << 14;

    private Dataset<T>? _data;
    private int[] _order = [];
    private AlignedBuffer<T> _x = AlignedBuffer<T>.Empty;
    private AlignedBuffer<T> _t = AlignedBuffer<T>.Empty;
    private int _start;
    private int _count;
    private int _blocks;

    /// <summary>
    /// Sets up the gathering of order[start .. start + count) into x and t and returns its block count; checked here, run
    /// later. Finishes this thread's background job first, since that may still be the previous batch.
    /// </summary>
    /// <exception cref="InvalidOperationException">The set has no labels or targets.</exception>
    /// <exception cref="ArgumentException">The buffers are too short, or an index is outside [0, Count).</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Prepare(Dataset<T> data, int[] order, int start, int count, AlignedBuffer<T> x, AlignedBuffer<T> t)
    {
        if (!data.IsLabelled)
        {
            throw new InvalidOperationException("An unlabelled set has no targets to gather.");
        }
        if (x.Length < count * data.FeatureCount || t.Length < count * data.OutputCount)
        {
            throw new ArgumentException($"{count} rows do not fit buffers of {x.Length} and {t.Length} values.", nameof(x));
        }
        foreach (int row in order.AsSpan(start, count))
        {
            if ((uint)row >= (uint)data.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(order), row, $"Row index outside 0..{data.Count - 1}.");
            }
        }
        WorkerPool.WaitForBackground();
        _blocks = (long)count * data.FeatureCount < ParallelValues ? 1 : Math.Min(2 * WorkerPool.ThreadCount, count);
        (_data, _order, _start, _count, _x, _t) = (data, order, start, count, x, t);
        return _blocks;
    }

    // Rows [first, end) of block `block`: fixed by the counts alone, so the rows land where they would on one thread.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(int block)
    {
        int first = (int)((long)_count * block / _blocks);
        int end = (int)((long)_count * (block + 1) / _blocks);
        int d = _data!.FeatureCount;
        int k = _data.OutputCount;
        _data.CopyRows(_order.AsSpan(_start + first, end - first), _x.AsSpan(first * d, (end - first) * d), _t.AsSpan(first * k, (end - first) * k));
    }
}
