using System.Text.Json.Serialization;

namespace Backprop.Cli.Serve;

/// <summary>
/// What the live page edits, as JSON: the network (layer sizes from the input, one activation per hidden layer or
/// one for all, the output activation with mse, the loss), its initial parameters (W as out × in rows, b as lists,
/// one per layer; null for the values `explain` would choose), the samples and their targets (one full target
/// vector per sample), η, and how the page is written (decimals, language, a weight whose chain rule to add).
/// Null fields take `explain`'s defaults.
/// </summary>
internal sealed record LiveState(
    int[]? Layers = null,
    string[]? Activation = null,
    string? OutputActivation = null,
    string? Loss = null,
    double? Lr = null,
    double[][][]? Weights = null,
    double[][]? Biases = null,
    double[][]? Inputs = null,
    double[][]? Targets = null,
    long? Seed = null,
    int? Digits = null,
    string? Lang = null,
    string? Weight = null);

/// <summary>A named quantity of the step with the engine's values, as rows (see StepExplanation.Values).</summary>
internal sealed record LiveQuantity(string Name, IReadOnlyList<IReadOnlyList<double>> Rows);

/// <summary>
/// The answer to a state: the explanation's HTML (the content of `explain --format html`'s page), the `backprop
/// explain` command that reproduces it, the state with every default filled in, and every named quantity's values.
/// </summary>
internal sealed record LiveResult(string Html, string Command, LiveState State, IReadOnlyList<LiveQuantity> Quantities)
{
    /// <summary>The whole page of `explain --format html` (for the first request; not sent with the answers).</summary>
    [JsonIgnore]
    public string Page { get; init; } = "";
}

/// <summary>The chain rule for one weight: its HTML and the command that adds it to the page.</summary>
internal sealed record LiveChain(string Weight, string Html, string Command);

/// <summary>A learner's answers checked against the step, as `explain --check` checks them: whether all agree, and the report.</summary>
internal sealed record LiveCheck(bool AllAgree, string Html);

/// <summary>A refused request: one line saying what is wrong.</summary>
internal sealed record LiveError(string Error);

/// <summary>Source-generated JSON for the live page's API (no reflection, so Native AOT keeps working).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    MaxDepth = 8)]
[JsonSerializable(typeof(LiveState))]
[JsonSerializable(typeof(LiveResult))]
[JsonSerializable(typeof(LiveChain))]
[JsonSerializable(typeof(LiveCheck))]
[JsonSerializable(typeof(LiveError))]
internal sealed partial class LiveJsonContext : JsonSerializerContext;
