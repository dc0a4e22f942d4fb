namespace Backprop.Training;

/// <summary>How <see cref="Trainer{T}"/> runs: epochs, batches, regularisation, schedule, stopping and reporting.</summary>
public sealed record TrainingOptions
{
    /// <summary>The most epochs to run (each epoch is one pass over the training rows). Default 10000.</summary>
    public int MaxEpochs { get; init; } = 10000;

    /// <summary>Rows per batch; 0 means the whole set in one batch (full-batch gradient descent, the article's case).</summary>
    public int BatchSize { get; init; }

    /// <summary>
    /// Stop as soon as an epoch's training loss is below this value. The epoch's loss is the row-weighted mean of its
    /// batch losses, each measured before that batch's update; the check comes before the epoch's last update, so with
    /// one batch per epoch training stops without updating, exactly like the article's program. Null: never.
    /// </summary>
    public double? LossThreshold { get; init; }

    /// <summary>Shuffle the rows before every epoch (with <see cref="Seed"/>). Default true.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Seed of the shuffling and of the dropout masks. Default 0.</summary>
    public long Seed { get; init; }

    /// <summary>Sets the optimizer's learning rate before every epoch from its initial rate; null keeps it constant.</summary>
    public LearningRateSchedule? Schedule { get; init; }

    /// <summary>
    /// Early stopping: stop when the validation loss has not improved for this many epochs, and restore the parameters
    /// of the best epoch (also when training ends for another reason). Needs validation data. Null: off.
    /// </summary>
    public int? Patience { get; init; }
}
