namespace Backprop.Explain;

/// <summary>What to add to an explanation besides the recorded step.</summary>
/// <param name="Digits">Decimals shown for each number (0 to 17).</param>
/// <param name="Source">Where the initial parameters came from.</param>
/// <param name="ArticleNotes">Whether to add the remarks on the article's printed arithmetic (for the article's example).</param>
/// <param name="Further">Further steps to tabulate after the explained one.</param>
/// <param name="Convergence">A full training run to summarise at the end.</param>
/// <param name="Model">The context of a row explained from a saved model.</param>
/// <param name="Weight">A weight whose gradient to write out by the chain rule, e.g. "W2[1,1]"
/// (see <see cref="StepExplanation.HasWeight"/>).</param>
/// <param name="FreezeBiases">Whether the step was taken with <see cref="FrozenBiases"/>, which leaves the biases unchanged.</param>
public sealed record ComposeOptions(
    int Digits,
    ParameterSource Source,
    bool ArticleNotes = false,
    FurtherSteps? Further = null,
    ConvergenceSummary? Convergence = null,
    ModelRow? Model = null,
    string? Weight = null,
    bool FreezeBiases = false);
