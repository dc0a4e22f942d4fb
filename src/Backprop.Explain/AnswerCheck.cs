namespace Backprop.Explain;

/// <summary>The verdicts on an answers file: whether every value agrees, and the page that shows each verdict.</summary>
/// <param name="AllAgree">Whether every given value agrees with the step.</param>
/// <param name="Page">The verdicts, laid out.</param>
public sealed record AnswerCheck(bool AllAgree, ExplainPage Page);
