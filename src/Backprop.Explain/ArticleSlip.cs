namespace Backprop.Explain;

/// <summary>
/// A value the article printed that exact arithmetic does not give: the quantity, the entry (row, column from 0)
/// and the text the article printed. Only remarks use these; nothing is computed from them.
/// </summary>
internal sealed record ArticleSlip(string Quantity, int Row, int Column, string Printed)
{
    /// <summary>
    /// The article's slips: z3[3] (1.9324 for 1.93342861), a3[3] (0.4367 for 0.43676628, which rounds to 0.4368), the
    /// loss (1.434 for 1.42844), ∇W2[3,2] (0.364 for 0.36339757, which rounds to 0.363) and δ2[2] (0.0334 for
    /// 0.0334618, which rounds to 0.0335).
    /// </summary>
    public static IReadOnlyList<ArticleSlip> All { get; } =
    [
        new("z3", 2, 0, "1.93240000"),
        new("a3", 2, 0, "0.4367"),
        new("loss", 0, 0, "1.434"),
        new("dW2", 2, 1, "0.364"),
        new("delta2", 1, 0, "0.0334"),
    ];
}
