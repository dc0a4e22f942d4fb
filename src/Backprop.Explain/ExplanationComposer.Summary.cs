namespace Backprop.Explain;

// The summary: the step's formulas for any layer l, as the article's last section gives them, with its index slip.
internal sealed partial class ExplanationComposer
{
    private void Summary(Explanation e)
    {
        Heading(2, "summary.heading");
        Say("summary.intro");
        static MathSymbol At(string name, string layer, bool transposed = false, bool gradient = false) =>
            new(name, true, LayerName: layer, Transposed: transposed, Gradient: gradient);
        MathSymbol w = At("W", "l");
        MathSymbol b = At("b", "l");
        MathNode fprime = new MathFunction("f", At("z", "l"), Prime: true);
        Equation(
            Line(At("z", "l+1"), Row(w, At("a", "l"), Op("+"), b)),
            Line(At("a", "l+1"), new MathFunction("f", At("z", "l+1"))),
            Line(At("δ", "l"), Row(new MathParen(Row(At("W", "l", transposed: true), At("δ", "l+1"))), Op("⊙"), fprime)),
            Line(At("W", "l", gradient: true), Row(At("δ", "l+1"), At("a", "l", transposed: true))),
            Line(At("b", "l", gradient: true), At("δ", "l+1")),
            Line(w, Row(w, Op("−"), Eta, At("W", "l", gradient: true)), "←"),
            Line(b, Row(b, Op("−"), Eta, At("b", "l", gradient: true)), "←"));
        int last = e.Sizes.Count;
        Say("summary.output", ("delta", D(last)), ("layers", I(last)));
        if (_options.ArticleNotes)
        {
            _blocks.Add(_p.Paragraph("note.articleIndices", DocTone.Remark,
                ("printed", Row(At("W", "l", gradient: true), Op("="), At("δ", "l"), At("a", "l-1", transposed: true))),
                ("example", Row(GradW(2), Op("="), D(3), A(2, transposed: true))),
                ("right", Row(At("W", "l", gradient: true), Op("="), At("δ", "l+1"), At("a", "l", transposed: true))),
                ("forward", Row(At("z", "l"), Op("="), At("W", "l-1"), At("a", "l-1"), Op("+"), At("b", "l-1")))));
        }
    }
}
