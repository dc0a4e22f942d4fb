namespace Backprop.Explain;

/// <summary>
/// A value the article printed that exact arithmetic does not give: the quantity, the entry (row, column from 0)
/// and the text the article printed. Only remarks use these; nothing is computed from them. Besides the quantities of
/// an answers file, <see cref="Quantity"/> may name an intermediate term the explanation shows: "exp3" (each
/// exponential e^z of layer 3's softmax), "expsum3" (their sum) and "fprime2" (f′(z) of layer 2).
/// </summary>
internal sealed record ArticleSlip(string Quantity, int Row, int Column, string Printed)
{
    /// <summary>The exponentials of a softmax layer, by its number ("exp3").</summary>
    public const string Exponentials = "exp";

    /// <summary>The sum of a softmax layer's exponentials ("expsum3").</summary>
    public const string ExponentialSum = "expsum";

    /// <summary>The activation's derivative f′(z) of a hidden layer ("fprime2").</summary>
    public const string Derivative = "fprime";

    /// <summary>
    /// The article's slips, in the order it prints them: z3[3] (1.9324 for 1.93342861); the exponentials e^z3
    /// (3.793, 5.120, 6.909 for 3.794, 5.121, 6.913 to three decimals) and their sum (15.822 for 15.828); a3[3]
    /// (0.4367 for 0.43676628, which rounds to 0.4368); the loss (1.434 for 1.42844); ∇W2[3,2] (0.364 for 0.36339757,
    /// which rounds to 0.363); σ′(z2)[1] (0.2218 for 0.22171287, which rounds to 0.2217); and δ2[2] (0.0334 for
    /// 0.0334618, which rounds to 0.0335).
    /// </summary>
    public static IReadOnlyList<ArticleSlip> All { get; } =
    [
        new("z3", 2, 0, "1.93240000"),
        new(Exponentials + "3", 0, 0, "3.793"),
        new(Exponentials + "3", 1, 0, "5.120"),
        new(Exponentials + "3", 2, 0, "6.909"),
        new(ExponentialSum + "3", 0, 0, "15.822"),
        new("a3", 2, 0, "0.4367"),
        new("loss", 0, 0, "1.434"),
        new("dW2", 2, 1, "0.364"),
        new(Derivative + "2", 0, 0, "0.2218"),
        new("delta2", 1, 0, "0.0334"),
    ];
}
