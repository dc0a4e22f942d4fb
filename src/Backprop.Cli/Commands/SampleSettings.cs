namespace Backprop.Cli.Commands;

/// <summary>The options of `train` on one sample (the article's set-up and its variations), as typed.</summary>
internal sealed record SampleSettings(
    string? Layers,
    string Activation,
    string? OutputActivation,
    string Loss,
    double LearningRate,
    double Threshold,
    int MaxEpochs,
    int ReportEvery,
    long? Seed,
    string? Weights,
    string? Input,
    string? Target,
    int Digits);
