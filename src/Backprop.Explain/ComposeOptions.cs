namespace Backprop.Explain;

/// <summary>What to add to an explanation besides the recorded step.</summary>
internal sealed record ComposeOptions(
    int Digits,
    ParameterSource Source,
    bool ArticleNotes = false,
    FurtherSteps? Further = null,
    ConvergenceSummary? Convergence = null,
    ModelRow? Model = null);
