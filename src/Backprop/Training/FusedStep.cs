using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Training;

/// <summary>
/// The fast training step; the same bits as <see cref="ReferenceStep{T}"/>. Three overlaps, each where it applies:
/// <list type="bullet">
/// <item>Prefetch (a worker thread and more than one batch): the next batch is gathered by the worker threads into the
/// network's spare input and target buffers (<see cref="BatchPrefetcher{T}"/>, started by the forward pass once the first
/// layer is done), and the two buffer pairs are swapped at the start of the next batch.</item>
/// <item>Fused update (float on AVX2 and an optimizer whose step is element-wise, <see cref="IFusedUpdate{T}"/>: SGD,
/// momentum, Nesterov, Adam, AdamW, RMSprop): each weight tile is stepped in the GEMM epilogue that produces its
/// gradient, the biases beside their sums (Network.BackwardAndStep).</item>
/// <item>First layer ahead (both of the above, and no batch callback that uses the network): the first layer's step and
/// its forward pass for the gathered next batch run as one parallel job, and the next forward starts at layer 2.</item>
/// </list>
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
internal sealed class FusedStep<T>(Trainer<T> trainer, bool prefetch) : StepExecution<T>(trainer) where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly BatchPrefetcher<T> _prefetcher = new();

    // This method and the per-step methods below it (the layers' float passes, PackedGemm's jobs, the gather's job, the
    // prefetcher, the worker pool, softmax) are compiled once, optimised, at their first call: tiered, each would be
    // compiled three times (unoptimised, instrumented for PGO, optimised) and the last versions arrived during the
    // first epoch. Their code does not gain from PGO (epochs measure the same with tiered compilation off); the
    // article's one-row path, which does, is left tiered. docs/performance.md, "The first epoch".
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override EpochPass RunEpoch(Dataset<T> data, int[] order, int batchSize, int epoch, CancellationToken cancellation)
    {
        int batches = (data.Count + batchSize - 1) / batchSize;
        IFusedUpdate<T>? fused = Trainer.Optimizer as IFusedUpdate<T>;
        bool fusable = fused is not null && PackedGemm.IsSupported && typeof(T) == typeof(float);
        bool callbackUsesNetwork = Trainer.BatchCompleted is not null && Trainer.BatchCompletedUsesNetwork;
        double lossSum = 0;
        bool gathered = false;
        bool firstLayerDone = false;
        try
        {
            for (int b = 0; b < batches; b++)
            {
                int start = b * batchSize;
                int rows = Math.Min(batchSize, data.Count - start);
                if (gathered)
                {
                    // The rows gathered ahead become the network's input only now, after the batch callback, so that
                    // the callback may run the network on anything it likes.
                    Network.SwapBuffers();
                }
                Span<T> x = Network.InputBuffer(rows);
                Span<T> t = Network.TargetBuffer(rows);
                if (!gathered)
                {
                    data.Gather(order.AsSpan(start, rows), x, t);
                }
                IBlockJob? next = null;
                int nextBlocks = 0;
                int nextRows = 0;
                AlignedBuffer<T> nextX = AlignedBuffer<T>.Empty;
                if (prefetch && b + 1 < batches)
                {
                    nextRows = Math.Min(batchSize, data.Count - start - batchSize);
                    (nextX, AlignedBuffer<T> nextT) = Network.NextBuffers(nextRows);
                    nextBlocks = _prefetcher.Prepare(data, order, start + batchSize, nextRows, nextX, nextT);
                    next = _prefetcher;
                }
                lossSum += Checked(Network.Forward(x, t, rows, next, nextBlocks, firstLayerDone), epoch) * rows;
                firstLayerDone = false;
                if (StopsBeforeLastUpdate(b, batches, lossSum, data.Count))
                {
                    return EpochPass.BelowThreshold(lossSum, data.Count);
                }
                ElementwiseUpdate<T>? update = fusable ? fused!.BeginFusedStep(Network.Parameters.Length) : null;
                if (update is not null)
                {
                    bool ahead = next is not null && !callbackUsesNetwork;
                    Network.BackwardAndStep(update, ahead ? nextX.AsSpan(0, nextRows * data.FeatureCount) : default, ahead ? nextRows : 0);
                    fused!.CompleteFusedStep();
                    firstLayerDone = ahead;
                }
                else
                {
                    Network.Backward();
                    Trainer.Optimizer.Step(Network.Parameters, Network.Gradients);
                }
                gathered = next is not null;
                if (gathered)
                {
                    WorkerPool.WaitForBackground();
                }
                Report(epoch, b, batches, start + rows, lossSum);
                if (cancellation.IsCancellationRequested)
                {
                    return EpochPass.Cancelled(lossSum, start + rows, b == batches - 1);
                }
            }
            return EpochPass.Finished(lossSum, data.Count);
        }
        finally
        {
            // An epoch that ends early (threshold, divergence, cancellation) may leave a gather running.
            WorkerPool.WaitForBackground();
        }
    }
}
