namespace Backprop.Explain;

/// <summary>The verdicts on an answers file, in the order the step computes the quantities.</summary>
internal sealed record CheckReport(string Source, IReadOnlyList<CheckResult> Results, double LearningRate = 0, int BatchSize = 1)
{
    public bool AllAgree => Results.All(r => r.Agrees);

    /// <summary>The earliest quantity in the step that disagrees, or null.</summary>
    public CheckResult? FirstWrong => Results.FirstOrDefault(r => !r.Agrees);

    /// <summary>The earliest quantity whose error does not follow from the learner's earlier answers, or null.</summary>
    public CheckResult? FirstNew => Results.FirstOrDefault(r => !r.Agrees && !r.Inherited);
}

/// <summary>
/// One quantity of an answers file: each entry's verdict; the value the learner's own earlier answers lead to
/// (<paramref name="Consistent"/>); whether a wrong answer follows from them (<paramref name="Inherited"/>, so the
/// error is an earlier one), and the hints for the usual slips.
/// </summary>
internal sealed record CheckResult(string Name, Matrix Expected, IReadOnlyList<EntryVerdict> Entries, Matrix? Consistent = null,
    bool Inherited = false, IReadOnlyList<AnswerTutor.Hint>? Hints = null)
{
    public bool Agrees => Entries.All(e => e.Agrees);
}

/// <summary>One entry: the learner's text, the exact value, and whether they agree at the learner's decimals.</summary>
internal sealed record EntryVerdict(int Row, int Column, string Given, double Exact, bool Agrees);
