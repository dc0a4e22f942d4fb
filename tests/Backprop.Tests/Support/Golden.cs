namespace Backprop.Tests.Support;

/// <summary>
/// The article's network as its numpy program computes it (float64), from shared/reference/seed-golden.md.
/// Matrices are row-major, (outputs, inputs).
/// </summary>
internal static class Golden
{
    public static readonly double[] Z2 = [0.70000000000000007, 1.6000000000000001];
    public static readonly double[] A2 = [0.66818777216816616, 0.83201838513392445];
    public static readonly double[] Z3 = [1.3333461486248559, 1.6333873800852741, 1.9334286115456922];
    public static readonly double[] A3 = [0.23968264890597241, 0.32355107485718998, 0.43676627623683767];

    /// <summary>The program's loss, −ln(a + 1e-12): it adds 1e-12 inside the logarithm.</summary>
    public const double ProgramLoss = 1.4284395268661709;

    public static readonly double[] Delta3 = [-0.76031735109402754, 0.32355107485718998, 0.43676627623683767];
    public static readonly double[] DW2 =
    [
        -0.50803475696831968, -0.63259801464655585,
        0.21619287189144135, 0.26920044281102473,
        0.29184188507687842, 0.36339757183553123,
    ];
    public static readonly double[] Delta2 = [0.05308177011753272, 0.033461789403349013];
    public static readonly double[] DW1 =
    [
        0.05308177011753272, 0.05308177011753272, 0.05308177011753272,
        0.033461789403349013, 0.033461789403349013, 0.033461789403349013,
    ];

    public static readonly double[] W1AfterOne =
    [
        0.094691822988246729, 0.19469182298824675, 0.2946918229882467,
        0.39665382105966512, 0.4966538210596651, 0.59665382105966502,
    ];
    public static readonly double[] B1AfterOne = [0.094691822988246729, 0.096653821059665107];
    public static readonly double[] W2AfterOne =
    [
        0.75080347569683192, 0.86325980146465564,
        0.87838071281085583, 0.97307995571889749,
        1.0708158114923123, 1.1636602428164469,
    ];
    public static readonly double[] B2AfterOne = [0.27603173510940276, 0.167644892514281, 0.15632337237631624];

    public const int StopEpoch = 278;

    /// <summary>The program's final loss, again with 1e-12 inside the logarithm.</summary>
    public const double ProgramFinalLoss = 0.0099695912419886876;

    public static readonly double[] W1Final =
    [
        0.26795053259112828, 0.36795053259112825, 0.4679505325911284,
        0.53841587401358548, 0.63841587401358624, 0.7384158740135861,
    ];
    public static readonly double[] B1Final = [0.26795053259112828, 0.23841587401358585];
    public static readonly double[] W2Final =
    [
        1.8665409098651078, 2.2185564389462344,
        0.35795836539707726, 0.34155588109982876,
        0.4755007247378143, 0.43988767995393929,
    ];
    public static readonly double[] B2Final = [1.868405430583812, -0.57380661990778015, -0.69459881067603335];

    /// <summary>Every quantity of the first step with its values, in the order the step computes them (name, values, columns).</summary>
    public static IReadOnlyList<(string Name, double[] Values, int Columns)> Quantities { get; } =
    [
        ("z2", Z2, 1), ("a2", A2, 1), ("z3", Z3, 1), ("a3", A3, 1), ("loss", [ProgramLoss], 1), ("delta3", Delta3, 1),
        ("dW2", DW2, 2), ("db2", Delta3, 1), ("delta2", Delta2, 1), ("dW1", DW1, 3), ("db1", Delta2, 1),
        ("W1'", W1AfterOne, 3), ("b1'", B1AfterOne, 1), ("W2'", W2AfterOne, 2), ("b2'", B2AfterOne, 1),
    ];
}
