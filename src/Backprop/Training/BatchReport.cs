namespace Backprop.Training;

/// <summary>Progress inside an epoch, reported after every batch's update (a value type: reporting allocates nothing).</summary>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="Batch">Batches done in this epoch, from 1.</param>
/// <param name="Batches">Batches per epoch.</param>
/// <param name="Rows">Rows done in this epoch.</param>
/// <param name="Loss">Mean training loss of the epoch so far.</param>
public readonly record struct BatchReport(int Epoch, int Batch, int Batches, int Rows, double Loss);
