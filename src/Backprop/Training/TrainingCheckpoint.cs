namespace Backprop.Training;

/// <summary>
/// The complete state of a training run between two epochs (see <see cref="Trainer{T}.CreateCheckpoint"/>): resuming from
/// it with the same data, options and seed ends with bit-identical parameters to a run that was never interrupted.
/// Values are held as double, which represents every float and double exactly.
/// </summary>
public sealed class TrainingCheckpoint
{
    /// <summary>Epochs completed.</summary>
    public int Epoch { get; init; }

    /// <summary>Layer sizes, input first.</summary>
    public IReadOnlyList<int> Sizes { get; init; } = [];

    /// <summary>Activation names, one per layer.</summary>
    public IReadOnlyList<string> Activations { get; init; } = [];

    /// <summary>The run's settings as text (written by whoever created the checkpoint), so a resume can check it matches.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>The file it was read from (named in the errors of <see cref="Trainer{T}.Restore"/>); null when made in memory.</summary>
    internal string? Source { get; init; }

    internal double[] Parameters { get; init; } = [];

    internal string OptimizerKind { get; init; } = "";

    internal double LearningRate { get; init; }

    internal double BaseLearningRate { get; init; }

    internal long OptimizerSteps { get; init; }

    internal double[][] OptimizerState { get; init; } = [];

    internal IReadOnlyList<string> OptimizerStateNames { get; init; } = [];

    internal double[][] LayerState { get; init; } = [];

    internal IReadOnlyList<string> LayerStateNames { get; init; } = [];

    internal string? Schedule { get; init; }

    internal double[] ScheduleState { get; init; } = [];

    internal ulong ShuffleState { get; init; }

    internal ulong DropoutState { get; init; }

    internal double BestLoss { get; init; }

    internal int BestEpoch { get; init; }

    internal int Wait { get; init; }

    internal double[]? BestParameters { get; init; }

    internal IReadOnlyList<EpochReport> History { get; init; } = [];

    /// <summary>Writes the checkpoint as JSON (to a temporary file, then renamed over <paramref name="path"/>).</summary>
    public void Save(string path) => CheckpointFile.Save(this, path);

    /// <summary>Reads a checkpoint written by <see cref="Save"/>.</summary>
    /// <exception cref="InvalidDataException">The file is corrupt, truncated, of another format or version, or a field is out
    /// of range: shapes that disagree with the layer sizes, non-finite parameters or optimizer state, a negative step count
    /// or epoch (one line naming the file and the field).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static TrainingCheckpoint Load(string path) => CheckpointFile.Load(path);
}
