namespace Backprop.Tensors;

/// <summary>
/// An element-wise job over one long block (a whole parameter block), cut into fixed chunks that the
/// <see cref="WorkerPool"/> runs on all threads. Chunk boundaries depend only on the length and the thread count, and
/// every element is computed alone, so the result never depends on which thread ran which chunk.
/// </summary>
internal abstract class ChunkedJob : IBlockJob
{
    // Below this many elements one thread finishes before a second would have started.
    internal const int ParallelLength = 1 << 15;

    // Chunks are multiples of this many elements.
    private const int ChunkAlignment = 1024;

    private int _length;
    private int _chunk;

    /// <summary>Whether a block of <paramref name="length"/> elements is worth splitting over the threads.</summary>
    public static bool Worthwhile(int length) => length >= ParallelLength && WorkerPool.ThreadCount > 1;

    /// <summary>Runs <see cref="Range"/> over [0, <paramref name="length"/>) in chunks on all threads.</summary>
    protected void RunChunks(int length)
    {
        _length = length;
        _chunk = (length / (4 * WorkerPool.ThreadCount) + ChunkAlignment - 1) / ChunkAlignment * ChunkAlignment;
        WorkerPool.Run(this, (length + _chunk - 1) / _chunk);
    }

    /// <summary>Computes elements [start, start + count).</summary>
    protected abstract void Range(int start, int count);

    /// <inheritdoc/>
    public void Execute(int block)
    {
        int start = block * _chunk;
        Range(start, Math.Min(_chunk, _length - start));
    }
}
