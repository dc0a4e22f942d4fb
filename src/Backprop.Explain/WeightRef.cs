using System.Globalization;
using System.Text.RegularExpressions;

namespace Backprop.Explain;

/// <summary>
/// One weight of the network in the article's numbering: W^(Layer)[Row, Column], all from 1, as a learner names it
/// ("W2[1,1]": the weight from unit 1 of layer 2 to unit 1 of layer 3).
/// </summary>
internal sealed partial record WeightRef(int Layer, int Row, int Column)
{
    /// <summary>Whether a network of these sizes is the 2-2-2 network of Matt Mazur's example, whose weights he calls w1…w8.</summary>
    public static bool IsMazur(IReadOnlyList<int> sizes) => sizes.SequenceEqual([2, 2, 2]);

    /// <summary>
    /// Mazur's label of this weight in a 2-2-2 network: w1…w4 are W1 row by row (w1, w2 into hidden unit 1), w5…w8
    /// are W2 row by row (w5 = W2[1,1], w6 = W2[1,2], w7 = W2[2,1], w8 = W2[2,2]).
    /// </summary>
    public int MazurNumber => (Layer - 1) * 4 + (Row - 1) * 2 + Column;

    /// <summary>Reads "W2[1,1]" (spaces allowed), or in a 2-2-2 network Mazur's "w5"; null when the text is neither.</summary>
    public static WeightRef? Parse(string text, IReadOnlyList<int> sizes)
    {
        if (IsMazur(sizes) && MazurPattern().Match(text) is { Success: true } mazur)
        {
            int n = int.Parse(mazur.Groups[1].Value, CultureInfo.InvariantCulture) - 1;
            return n is >= 0 and < 8 ? new WeightRef(n / 4 + 1, n % 4 / 2 + 1, n % 2 + 1) : null;
        }
        Match m = Pattern().Match(text);
        return m.Success
            ? new WeightRef(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
                int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture))
            : null;
    }

    /// <summary>Whether the weight exists in a network of these sizes (input first).</summary>
    public bool IsIn(IReadOnlyList<int> sizes) =>
        Layer >= 1 && Layer < sizes.Count && Row >= 1 && Row <= sizes[Layer] && Column >= 1 && Column <= sizes[Layer - 1];

    /// <summary>The weights of a network of these sizes, for messages: "W1[1..2,1..3], W2[1..3,1..2]".</summary>
    public static string Describe(IReadOnlyList<int> sizes) =>
        string.Join(", ", Enumerable.Range(1, sizes.Count - 1).Select(l => string.Create(CultureInfo.InvariantCulture, $"W{l}[1..{sizes[l]},1..{sizes[l - 1]}]")))
        + (IsMazur(sizes) ? ", or w1…w8" : "");

    [GeneratedRegex(@"^\s*W\s*(\d+)\s*\[\s*(\d+)\s*,\s*(\d+)\s*\]\s*$")]
    private static partial Regex Pattern();

    [GeneratedRegex(@"^\s*w\s*(\d+)\s*$")]
    private static partial Regex MazurPattern();
}
