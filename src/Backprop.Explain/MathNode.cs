namespace Backprop.Explain;

/// <summary>
/// A small expression tree for the formulas of an explanation. The composer builds it once; the text, LaTeX and
/// MathML writers each turn it into their own notation, so the three formats cannot disagree about a formula.
/// Numbers arrive already formatted (see <see cref="NumberText"/>), so the writers never round anything.
/// </summary>
internal abstract record MathNode
{
    public static MathNode Row(params MathNode[] items) => new MathRow(items);

    public static MathNode Op(string symbol) => new MathOp(symbol);

    public static MathNode Num(string text) => new MathNumber(text);
}

/// <summary>
/// A named quantity in the article's notation: <c>z^(2)</c>, <c>W^(1)ᵀ</c>, <c>a_1^(2)</c>, <c>∇W^(2)</c>.
/// <paramref name="Bold"/> marks vectors and matrices; <paramref name="Layer"/> is the article's layer number, or
/// <paramref name="LayerName"/> a general one ("l", "l+1") in the summary's formulas.
/// </summary>
internal sealed record MathSymbol(string Name, bool Bold = false, int? Layer = null, string? Index = null,
    bool Transposed = false, bool Gradient = false, bool Prime = false, string? LayerName = null) : MathNode
{
    /// <summary>The layer as written inside the parentheses, or null when the symbol has none.</summary>
    public string? LayerText => Layer?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? LayerName;
}

/// <summary>A formatted number, e.g. "0.66818777" or "-0.76031735".</summary>
internal sealed record MathNumber(string Text) : MathNode;

/// <summary>An operator or relation: + − × ⊙ · = ≈ ← / and the ellipses ⋯ ⋮ ⋱.</summary>
internal sealed record MathOp(string Symbol) : MathNode;

/// <summary>A sequence of nodes written one after the other.</summary>
internal sealed record MathRow(IReadOnlyList<MathNode> Items) : MathNode;

/// <summary>Parentheses around a node.</summary>
internal sealed record MathParen(MathNode Inner) : MathNode;

/// <summary>A fraction.</summary>
internal sealed record MathFraction(MathNode Numerator, MathNode Denominator) : MathNode;

/// <summary>A power; e^x is a power of the symbol e.</summary>
internal sealed record MathPower(MathNode Base, MathNode Exponent) : MathNode;

/// <summary>A named function applied to an argument: ln(x), σ(x), σ′(x), tanh(x), ReLU(x).</summary>
internal sealed record MathFunction(string Name, MathNode Argument, bool Prime = false) : MathNode;

/// <summary>A sum sign with an optional index below it.</summary>
internal sealed record MathSum(string? Index) : MathNode;

/// <summary>A matrix in square brackets, cells row-major. A column vector has one column.</summary>
internal sealed record MathMatrix(int Rows, int Columns, IReadOnlyList<MathNode> Cells) : MathNode
{
    public MathNode this[int row, int column] => Cells[row * Columns + column];
}
