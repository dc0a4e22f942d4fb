using System.Numerics;

namespace Backprop.Training;

/// <summary>
/// How one epoch's batches are executed: the seam between the trainer's epoch loop and the speed-ups. Chosen once per
/// Fit (<see cref="Choose"/>): <see cref="ReferenceStep{T}"/>, the plain loop (next batch, forward, backward, step), or
/// <see cref="FusedStep{T}"/>, the fast one (the next batch gathered in the background, the optimizer's step fused into the
/// GEMM, the next batch's first layer computed in the same job as the update). The reference step defines the results:
/// the fast step gives the same bits, which the bit-identity tests check.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
internal abstract class StepExecution<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    protected StepExecution(Trainer<T> trainer) => Trainer = trainer;

    protected Trainer<T> Trainer { get; }

    protected Network<T> Network => Trainer.Network;

    /// <summary>
    /// The fast step where it has something to offer (an update the float GEMM can fuse, or a worker thread to gather
    /// the next of several batches on), the reference step otherwise.
    /// </summary>
    public static StepExecution<T> Choose(Trainer<T> trainer, int batches)
    {
        bool fusable = typeof(T) == typeof(float) && PackedGemm.IsSupported && trainer.Optimizer is IFusedUpdate<T>;
        bool prefetch = batches > 1 && WorkerPool.ThreadCount > 1;
        return (fusable || prefetch) && !trainer.UseReferenceStep ? new FusedStep<T>(trainer, prefetch) : new ReferenceStep<T>(trainer);
    }

    /// <summary>Trains on the batches of <paramref name="order"/> (batchSize rows each, the last one shorter) for one epoch.</summary>
    /// <exception cref="TrainingDivergedException">A batch loss became NaN or infinite.</exception>
    public abstract EpochPass RunEpoch(Dataset<T> data, int[] order, int batchSize, int epoch, CancellationToken cancellation);

    /// <summary>
    /// Code outside the trainer ran (a callback, a schedule): the data set's rows may have changed, so rows gathered
    /// before must be gathered again.
    /// </summary>
    public virtual void InputsMayHaveChanged()
    {
    }

    /// <summary>The forward pass's loss as a double, or the divergence it signals.</summary>
    protected static double Checked(T loss, int epoch)
    {
        double value = double.CreateChecked(loss);
        return double.IsFinite(value) ? value : throw new TrainingDivergedException(epoch, value);
    }

    /// <summary>Whether the epoch ends before its last update: the mean loss is below the threshold (the article's stop).</summary>
    protected bool StopsBeforeLastUpdate(int batch, int batches, double lossSum, int rows)
        => batch == batches - 1 && lossSum / rows < Trainer.Options.LossThreshold;

    /// <summary>Reports the batch to <see cref="Trainer{T}.BatchCompleted"/>, if set.</summary>
    protected void Report(int epoch, int batch, int batches, int rows, double lossSum)
        => Trainer.BatchCompleted?.Invoke(new BatchReport(epoch, batch + 1, batches, rows, lossSum / rows));
}

/// <summary>What an epoch's batches came to: the epoch's mean loss, whether every batch ran, and why training stops, if it does.</summary>
internal readonly record struct EpochPass(double Loss, bool Complete, StopReason? Stop)
{
    /// <summary>All batches ran: the loss is their row-weighted mean.</summary>
    public static EpochPass Finished(double lossSum, int rows) => new(lossSum / rows, true, null);

    /// <summary>The last batch's loss was below the threshold, before its update.</summary>
    public static EpochPass BelowThreshold(double lossSum, int rows) => new(lossSum / rows, true, StopReason.LossBelowThreshold);

    /// <summary>Cancelled after the batch that ended at <paramref name="rowsDone"/>; the loss is the mean so far.</summary>
    public static EpochPass Cancelled(double lossSum, int rowsDone, bool lastBatch) => new(lossSum / rowsDone, lastBatch, StopReason.Cancelled);
}
