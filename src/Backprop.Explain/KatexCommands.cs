namespace Backprop.Explain;

/// <summary>
/// Every TeX command and environment the Markdown output may use. Each is supported by KaTeX (and MathJax, and
/// GitHub's math); the tests check every formula of every rendering against this list.
/// </summary>
internal static class KatexCommands
{
    public static IReadOnlySet<string> Commands { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        @"\mathbf", @"\boldsymbol", @"\delta", @"\eta", @"\theta", @"\mu", @"\sigma", @"\top", @"\prime", @"\nabla",
        @"\times", @"\odot", @"\cdot", @"\leftarrow", @"\approx", @"\cdots", @"\vdots", @"\ddots", @"\partial",
        @"\frac", @"\left", @"\right", @"\ln", @"\tanh", @"\max", @"\operatorname", @"\sum",
        @"\begin", @"\end", @"\,", @"\\", @"\cr",
    };

    public static IReadOnlySet<string> Environments { get; } = new HashSet<string>(StringComparer.Ordinal) { "bmatrix", "aligned" };
}
