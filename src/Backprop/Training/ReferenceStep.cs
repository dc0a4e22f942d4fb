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
    [MethodImpl(MethodImplOptions.NoInlining)]
    public override EpochPass RunEpoch(Dataset<T> data, int[] order, int batchSize, int epoch, CancellationToken cancellation)
    {
        int batches = (data.Count + batchSize - 1) / batchSize;
        double lossSum = 0;
        for (int b = 0; b < batches; b++)
        {
            int start = b * batchSize;
            int rows = Math.Min(batchSize, data.Count - start);
            // Straight into the network's own input and target buffers: Forward then copies nothing.
            Span<T> x = Network.InputBuffer(rows);
            Span<T> t = Network.TargetBuffer(rows);
            data.Gather(order.AsSpan(start, rows), x, t);
            lossSum += Checked(Network.Forward(x, t, rows), epoch) * rows;
            if (StopsBeforeLastUpdate(b, batches, lossSum, data.Count))
            {
                return EpochPass.BelowThreshold(lossSum, data.Count);
            }
            Network.Backward();
            Trainer.Optimizer.Step(Network.Parameters, Network.Gradients);
            Report(epoch, b, batches, start + rows, lossSum);
            if (cancellation.IsCancellationRequested)
            {
                return EpochPass.Cancelled(lossSum, start + rows, b == batches - 1);
            }
        }
        return EpochPass.Finished(lossSum, data.Count);
    }
}
