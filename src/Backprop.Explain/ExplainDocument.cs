namespace Backprop.Explain;

/// <summary>
/// An explanation laid out for reading but not yet for a format: headings, paragraphs of prose with inline
/// formulas, aligned equations and tables. Written by <see cref="ExplanationComposer"/>, read by the three renderers.
/// </summary>
internal sealed record ExplainDocument(string Language, string Title, IReadOnlyList<DocBlock> Blocks);

/// <summary>A block of an <see cref="ExplainDocument"/>.</summary>
internal abstract record DocBlock;

/// <summary>A section heading (level 2 or 3).</summary>
internal sealed record DocHeading(int Level, string Text) : DocBlock;

/// <summary>How a paragraph is emphasised: plain, a remark (the article's slips), good news or bad news (checks).</summary>
internal enum DocTone
{
    Plain,
    Remark,
    Good,
    Bad,
}

/// <summary>Prose with inline formulas.</summary>
internal sealed record DocParagraph(IReadOnlyList<DocInline> Parts, DocTone Tone = DocTone.Plain) : DocBlock;

/// <summary>
/// A chain of displayed equations aligned on the relation: the first line has a left side, the lines after it
/// continue the chain ("= …"). <see cref="EquationLine.Result"/> marks the engine's value at the end of a chain.
/// </summary>
internal sealed record DocEquation(IReadOnlyList<EquationLine> Lines) : DocBlock;

/// <summary>One line of a <see cref="DocEquation"/>: <c>Left Relation Right</c>, Left empty for a continuation.</summary>
internal sealed record EquationLine(MathNode? Left, string Relation, MathNode Right, bool Result = false);

/// <summary>A table of short cells (numbers, names, verdicts); the header comes from the prose resources.</summary>
internal sealed record DocTable(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<DocCell>> Rows) : DocBlock;

/// <summary>A picture of the network with the step's values; drawn in HTML only (text and Markdown leave it out).</summary>
internal sealed record DocDiagram(NetworkGraph Graph, string Caption, DiagramLabels Labels) : DocBlock;

/// <summary>The words of the diagram's stages (forward, loss, backward, update): names, captions and the buttons.</summary>
internal sealed record DiagramLabels(IReadOnlyList<string> Stages, IReadOnlyList<string> Captions, string Previous, string Next);

/// <summary>
/// A form of blanks for the learner's values of the step, one per named quantity, checked in the browser against the
/// engine's values (<see cref="QuizBlank.Exact"/>, carried in the page); drawn in HTML only.
/// </summary>
internal sealed record DocQuiz(IReadOnlyList<QuizBlank> Blanks, QuizLabels Labels) : DocBlock;

/// <summary>One quantity to fill in: its name (as in an answers file), its symbol, and the engine's value.</summary>
internal sealed record QuizBlank(string Name, MathNode Symbol, Matrix Exact);

/// <summary>The words of the quiz form; {right}, {filled}, {wrong} and {count} are filled in by the page's script.</summary>
internal sealed record QuizLabels(string Check, string Right, string Wrong, string Summary, string Json, string NoScript);

/// <summary>A table cell: text or a formula, with a tone for verdicts.</summary>
internal sealed record DocCell(string? Text, MathNode? Math = null, DocTone Tone = DocTone.Plain);

/// <summary>Part of a paragraph.</summary>
internal abstract record DocInline;

/// <summary>Prose from the resources.</summary>
internal sealed record DocText(string Text) : DocInline;

/// <summary>A formula inside a sentence.</summary>
internal sealed record DocMath(MathNode Math) : DocInline;
