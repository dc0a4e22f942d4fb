namespace Backprop.Explain;

/// <summary>The verdicts on an answers file: whether every value agrees, and the page that shows each verdict.</summary>
/// <param name="AllAgree">Whether every given value agrees with the step.</param>
/// <param name="Page">The verdicts, laid out.</param>
public sealed record AnswerCheck(bool AllAgree, ExplainPage Page)
{
    /// <summary>Every entry's verdict, in the order the step computes the quantities.</summary>
    public IReadOnlyList<AnswerVerdict> Verdicts { get; init; } = [];
}
