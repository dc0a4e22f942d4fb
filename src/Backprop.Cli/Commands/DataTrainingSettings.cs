namespace Backprop.Cli.Commands;

/// <summary>The options of `train` on a data set (--dataset/--data), as typed; null where the user gave nothing.</summary>
internal sealed record DataTrainingSettings(
    string? Layers,
    string? Hidden,
    string? Activation,
    string? Optimizer,
    double? LearningRate,
    double Momentum,
    double? WeightDecay,
    string? Schedule,
    int? BatchSize,
    int? Epochs,
    double Dropout,
    string ClassWeights,
    int? Patience,
    long Seed,
    double? Threshold,
    string? Out,
    string? Metrics,
    bool Quiet,
    int CheckpointEvery,
    string? Checkpoint,
    string? Resume,
    string? Plot = null,
    string? Report = null,
    string? InitModel = null,
    bool BatchNorm = false);
