namespace Backprop.Tests.Explain;

/// <summary>The article's first iteration in float64 (shared/reference/seed-golden.md), matrices row-major.</summary>
internal static class ArticleGolden
{
    public static readonly double[] Z2 = [0.70000000000000007, 1.6000000000000001];
    public static readonly double[] A2 = [0.66818777216816616, 0.83201838513392445];
    public static readonly double[] Z3 = [1.3333461486248559, 1.6333873800852741, 1.9334286115456922];
    public static readonly double[] A3 = [0.23968264890597241, 0.32355107485718998, 0.43676627623683767];
    public const double Loss = 1.4284395268661709;
    public static readonly double[] Delta3 = [-0.76031735109402754, 0.32355107485718998, 0.43676627623683767];
    public static readonly double[] DW2 = [-0.50803475696831968, -0.63259801464655585, 0.21619287189144135, 0.26920044281102473, 0.29184188507687842, 0.36339757183553123];
    public static readonly double[] Delta2 = [0.05308177011753272, 0.033461789403349013];
    public static readonly double[] DW1 = [0.05308177011753272, 0.05308177011753272, 0.05308177011753272, 0.033461789403349013, 0.033461789403349013, 0.033461789403349013];
    public static readonly double[] W1After = [0.094691822988246729, 0.19469182298824675, 0.2946918229882467, 0.39665382105966512, 0.4966538210596651, 0.59665382105966502];
    public static readonly double[] B1After = [0.094691822988246729, 0.096653821059665107];
    public static readonly double[] W2After = [0.75080347569683192, 0.86325980146465564, 0.87838071281085583, 0.97307995571889749, 1.0708158114923123, 1.1636602428164469];
    public static readonly double[] B2After = [0.27603173510940276, 0.167644892514281, 0.15632337237631624];

    /// <summary>Every checkable quantity with its golden values, in the order the step computes them.</summary>
    public static IReadOnlyList<(string Name, double[] Values, int Columns)> Quantities { get; } =
    [
        ("z2", Z2, 1), ("a2", A2, 1), ("z3", Z3, 1), ("a3", A3, 1), ("loss", [Loss], 1), ("delta3", Delta3, 1),
        ("dW2", DW2, 2), ("db2", Delta3, 1), ("delta2", Delta2, 1), ("dW1", DW1, 3), ("db1", Delta2, 1),
        ("W1'", W1After, 3), ("b1'", B1After, 1), ("W2'", W2After, 2), ("b2'", B2After, 1),
    ];
}
