namespace Backprop.Models;

/// <summary>What one fold of a cross-validation measured.</summary>
/// <param name="Fold">The fold, from 1.</param>
/// <param name="TrainRows">Rows the fold's model was trained on.</param>
/// <param name="TestRows">Rows it was scored on (the fold's own rows).</param>
/// <param name="Scores">Each metric's value on the fold's rows, by <see cref="Metric.Name"/>.</param>
public sealed record FoldScore(int Fold, int TrainRows, int TestRows, IReadOnlyDictionary<string, double> Scores);
