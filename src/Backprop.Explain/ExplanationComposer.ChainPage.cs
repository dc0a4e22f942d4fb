namespace Backprop.Explain;

// The chain rule for one weight on a page of its own (for a page that shows it when an edge of the diagram is chosen).
internal sealed partial class ExplanationComposer
{
    /// <summary>A document holding only the chain rule for <paramref name="weight"/>, titled with its heading.</summary>
    public static ExplainDocument ComposeChain(Explanation e, Prose prose, int digits, WeightRef weight)
    {
        ArgumentNullException.ThrowIfNull(e);
        var c = new ExplanationComposer(prose, new ComposeOptions(digits, new ParameterSource(ParameterSourceKind.Article))) { _mazur = WeightRef.IsMazur(e.Sizes) };
        c.ChainRule(e, weight);
        var heading = (DocHeading)c._blocks[0];
        return new ExplainDocument(prose.Language, heading.Text, c._blocks[1..]);
    }
}
