namespace Backprop.Cli.Commands;

/// <summary>A finished `search` trial: its setting and scores (the mean over the folds when cross-validated).</summary>
internal sealed record SearchTrial(int Number, SearchSetting Setting, CrossValidationResult? CrossValidation, IReadOnlyDictionary<string, double> Scores, string? Note);
