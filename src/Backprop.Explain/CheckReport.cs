namespace Backprop.Explain;

/// <summary>The verdicts on an answers file, in the order the step computes the quantities.</summary>
internal sealed record CheckReport(string Source, IReadOnlyList<CheckResult> Results)
{
    public bool AllAgree => Results.All(r => r.Agrees);

    /// <summary>The earliest quantity in the step that disagrees, or null.</summary>
    public CheckResult? FirstWrong => Results.FirstOrDefault(r => !r.Agrees);
}

/// <summary>One quantity of an answers file: each entry's verdict.</summary>
internal sealed record CheckResult(string Name, Matrix Expected, IReadOnlyList<EntryVerdict> Entries)
{
    public bool Agrees => Entries.All(e => e.Agrees);
}

/// <summary>One entry: the learner's text, the exact value, and whether they agree at the learner's decimals.</summary>
internal sealed record EntryVerdict(int Row, int Column, string Given, double Exact, bool Agrees);
