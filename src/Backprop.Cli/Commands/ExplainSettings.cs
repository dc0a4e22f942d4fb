namespace Backprop.Cli.Commands;

/// <summary>
/// The options of `explain`, as typed: the network and sample options shared with `train`, then its own; with
/// --model, the model and row options (which replace the network options).
/// </summary>
internal sealed record ExplainSettings(
    SampleSettings Sample,
    string Format,
    string Language,
    int Steps,
    string? Track,
    bool UntilConverged,
    string? Check,
    bool? ArticleNotes,
    ExplainModelOptions? Model = null,
    string? Weight = null,
    bool FreezeBiases = false,
    string? Quiz = null,
    bool FormatGiven = false);
