using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Training;

/// <summary>
/// The plain training step, the reference the fast one (<see cref="FusedStep{T}"/>) matches bit for bit: for each batch,
/// gather its rows, forward (loss), backward (gradients), and the optimizer's step.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
internal sealed class ReferenceStep<T>(Trainer<T> trainer) : StepExecution<T>(trainer) where T : unmanaged, IFloatingPointIeee754<T>
{
    // The set whose single batch the network's buffers hold, at their BufferVersion then; null: none.
    private Dataset<T>? _gathered;
    private long _gatheredVersion;

    /// <inheritdoc/>
    public override void InputsMayHaveChanged() => _gathered = null;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public override EpochPass RunEpoch(Dataset<T> data, int[] order, int batchSize, int epoch, CancellationToken cancellation)
    {
        int batches = (data.Count + batchSize - 1) / batchSize;
        double lossSum = 0;
        for (int b = 0; b < batches; b++)
        {
            int start = b * batchSize;
            int rows = Math.Min(batchSize, data.Count - start);
            // Straight into the network's own input and target buffers: Forward then copies nothing. The whole set as
            // one batch (always in the order of its rows) is gathered once, and again only when the buffers may have
            // changed since (BufferVersion) or code outside the trainer ran (callbacks: InputsMayHaveChanged).
            if (batches > 1 || !ReferenceEquals(_gathered, data) || Network.BufferVersion != _gatheredVersion)
            {
                data.Gather(order.AsSpan(start, rows), Network.InputBuffer(rows), Network.TargetBuffer(rows));
                _gathered = batches == 1 ? data : null;
                _gatheredVersion = Network.BufferVersion;
            }
            lossSum += Checked(Network.Forward(Network.HeldInput(rows), Network.HeldTargets(rows), rows), epoch) * rows;
            if (StopsBeforeLastUpdate(b, batches, lossSum, data.Count))
            {
                return EpochPass.BelowThreshold(lossSum, data.Count);
            }
            Network.Backward();
            Trainer.Optimizer.Step(Network.Parameters, Network.Gradients);
            if (Trainer.BatchCompleted is not null)
            {
                InputsMayHaveChanged();
                Report(epoch, b, batches, start + rows, lossSum);
            }
            if (cancellation.IsCancellationRequested)
            {
                return EpochPass.Cancelled(lossSum, start + rows, b == batches - 1);
            }
        }
        return EpochPass.Finished(lossSum, data.Count);
    }
}
