namespace Backprop.Tensors;

/// <summary>
/// Work split into a fixed number of independent blocks for <see cref="WorkerPool"/>. A block's result must depend
/// only on its index, never on the thread that runs it or on the order blocks run in.
/// </summary>
internal interface IBlockJob
{
    /// <summary>Runs block <paramref name="block"/> (0 ≤ block &lt; the count given to <see cref="WorkerPool.Run"/>).</summary>
    void Execute(int block);
}
