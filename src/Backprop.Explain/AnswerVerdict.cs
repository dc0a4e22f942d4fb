namespace Backprop.Explain;

/// <summary>The verdict on one entry of a learner's answer.</summary>
/// <param name="Name">The quantity (z2, a2, loss, delta3, dW2, W2', …).</param>
/// <param name="Row">The entry's row, from 1.</param>
/// <param name="Column">The entry's column, from 1 (the sample, for z, a and δ).</param>
/// <param name="Given">The learner's number as written.</param>
/// <param name="Exact">The engine's value.</param>
/// <param name="Agrees">Whether the exact value, rounded to the decimals written, equals the learner's.</param>
/// <param name="Inherited">For a quantity that differs: whether it follows from the learner's own earlier answers (the
/// error was made earlier); false for a new error.</param>
public sealed record AnswerVerdict(string Name, int Row, int Column, string Given, double Exact, bool Agrees, bool Inherited);
