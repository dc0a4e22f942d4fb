using System.Globalization;
using System.Text.RegularExpressions;

namespace Backprop.Explain;

/// <summary>
/// One weight of the network in the article's numbering: W^(Layer)[Row, Column], all from 1, as a learner names it
/// ("W2[1,1]": the weight from unit 1 of layer 2 to unit 1 of layer 3).
/// </summary>
internal sealed partial record WeightRef(int Layer, int Row, int Column)
{
    /// <summary>Reads "W2[1,1]" (spaces allowed); null when the text is not of that form.</summary>
    public static WeightRef? Parse(string text)
    {
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
        string.Join(", ", Enumerable.Range(1, sizes.Count - 1).Select(l => string.Create(CultureInfo.InvariantCulture, $"W{l}[1..{sizes[l]},1..{sizes[l - 1]}]")));

    [GeneratedRegex(@"^\s*W\s*(\d+)\s*\[\s*(\d+)\s*,\s*(\d+)\s*\]\s*$")]
    private static partial Regex Pattern();
}
