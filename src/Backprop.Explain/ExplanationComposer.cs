using System.Globalization;

namespace Backprop.Explain;

/// <summary>
/// Turns a recorded <see cref="Explanation"/> into an <see cref="ExplainDocument"/> in one language: which sentence
/// goes where, which formula shows which recorded values, and where large layers are summarised. Prose comes from
/// <see cref="Prose"/>; numbers are the recorded ones, formatted by <see cref="NumberText"/>. The only arithmetic
/// here is for display of intermediate terms the engine does not keep (each exponential of a softmax, Wᵀδ before
/// f′, η × gradient); every result at the end of a chain is the engine's value.
/// This file holds the entry points, the notation and the number helpers; each stage is laid out in its own file
/// (ExplanationComposer.Setup, .Forward, .Loss, .Backward, .Update, .Summary, .Checks).
/// </summary>
internal sealed partial class ExplanationComposer
{
    /// <summary>Layers with more units than this (or batches with more samples) are summarised.</summary>
    public const int LargeLimit = 8;

    private readonly Prose _p;
    private readonly NumberText _n;
    private readonly ComposeOptions _options;
    private readonly List<DocBlock> _blocks = [];
    private bool _mazur;
    private bool _quiz;

    private ExplanationComposer(Prose prose, ComposeOptions options)
    {
        _p = prose;
        _n = new NumberText(options.Digits);
        _options = options;
    }

    public static ExplainDocument Compose(Explanation e, Prose prose, ComposeOptions options)
    {
        ArgumentNullException.ThrowIfNull(e);
        var c = new ExplanationComposer(prose, options) { _mazur = WeightRef.IsMazur(e.Sizes) };
        c.Setup(e);
        foreach (ExplainStep step in e.Steps)
        {
            c.Step(e, step);
            c.Notes(e, step);
        }
        if (options.Further is { Losses.Count: > 0 } || options.Convergence is not null)
        {
            c.Heading(2, "iterate.heading");
        }
        if (options.Further is { Losses.Count: > 0 } further)
        {
            c.Further(further);
        }
        if (options.Convergence is { } convergence)
        {
            c.Converged(convergence);
        }
        c.Summary(e);
        return new ExplainDocument(prose.Language, prose["title"], c._blocks);
    }

    /// <summary>
    /// A quiz: the set-up of the step (without the diagram, which would give the answers away), then a blank for every
    /// named quantity, in the order the step computes them.
    /// </summary>
    public static ExplainDocument ComposeQuiz(Explanation e, Prose prose, ComposeOptions options)
    {
        ArgumentNullException.ThrowIfNull(e);
        var c = new ExplanationComposer(prose, options) { _mazur = WeightRef.IsMazur(e.Sizes), _quiz = true };
        c.Setup(e);
        c.Heading(2, "quiz.heading");
        c.Say("quiz.intro");
        c._blocks.Add(prose.Paragraph("quiz.local", DocTone.Remark));
        c._blocks.Add(new DocQuiz([.. e.Quantities.Select(q => new QuizBlank(q.Name, SymbolOf(q.Name), q.Value))],
            new QuizLabels(prose["quiz.check"], prose["quiz.right"], prose["quiz.wrong"], prose["quiz.summary"], prose["quiz.json"], prose["quiz.noscript"])));
        return new ExplainDocument(prose.Language, prose["quiz.title"], c._blocks);
    }

    /// <summary>A document holding only the verdicts of an answers file.</summary>
    public static ExplainDocument ComposeCheck(CheckReport report, Prose prose, int digits)
    {
        ArgumentNullException.ThrowIfNull(report);
        var c = new ExplanationComposer(prose, new ComposeOptions(digits, new ParameterSource(ParameterSourceKind.Article)));
        c.Check(report);
        return new ExplainDocument(prose.Language, prose["check.title"], c._blocks);
    }

    // ---- symbols in the article's notation ----

    private static MathSymbol Z(int k) => new("z", true, k);

    private static MathSymbol A(int k) => new("a", true, k);

    private static MathSymbol D(int k) => new("δ", true, k);

    private static MathSymbol W(int l, bool transposed = false) => new("W", true, l, Transposed: transposed);

    private static MathSymbol B(int l) => new("b", true, l);

    private static MathSymbol GradW(int l) => new("W", true, l, Gradient: true);

    private static MathSymbol GradB(int l) => new("b", true, l, Gradient: true);

    private static MathSymbol Target => new("t", true);

    private static MathSymbol LossSymbol => new("L");

    private static MathSymbol Eta => new("η");

    private static MathNode Op(string s) => MathNode.Op(s);

    private static MathNode Row(params MathNode[] items) => MathNode.Row(items);

    private static MathNode Int(int value) => MathNode.Num(value.ToString(CultureInfo.InvariantCulture));

    private static MathNode E => new MathSymbol("e");

    /// <summary>The symbol a named quantity is shown with (z2 → z^(2), dW2 → ∇W^(2), W1' → W^(1)).</summary>
    public static MathNode SymbolOf(string quantity)
    {
        static int N(string s, int skip) => int.Parse(s.AsSpan(skip).TrimEnd('\''), CultureInfo.InvariantCulture);
        return quantity switch
        {
            "loss" => LossSymbol,
            _ when quantity.StartsWith("delta", StringComparison.Ordinal) => D(N(quantity, 5)),
            _ when quantity.StartsWith("dW", StringComparison.Ordinal) => GradW(N(quantity, 2)),
            _ when quantity.StartsWith("db", StringComparison.Ordinal) => GradB(N(quantity, 2)),
            _ when quantity[0] == 'z' => Z(N(quantity, 1)),
            _ when quantity[0] == 'a' => A(N(quantity, 1)),
            _ when quantity[0] == 'W' => new MathSymbol("W", true, N(quantity, 1), Prime: true),
            _ when quantity[0] == 'b' => new MathSymbol("b", true, N(quantity, 1), Prime: true),
            _ => new MathSymbol(quantity),
        };
    }

    // ---- numbers ----

    private string Fmt(double v) => _n.Format(v);

    private MathNode Num(double v) => MathNode.Num(Fmt(v));

    /// <summary>A number as an operand of × or −: negative values in parentheses.</summary>
    private MathNode Operand(double v)
    {
        string text = Fmt(v);
        return text.StartsWith('-') ? new MathParen(MathNode.Num(text)) : MathNode.Num(text);
    }

    private static bool IsLarge(Matrix m) => m.Rows > LargeLimit || m.Columns > LargeLimit;

    private static string Shape(Matrix m) => string.Create(CultureInfo.InvariantCulture, $"{m.Rows}×{m.Columns}");

    /// <summary>A recorded matrix as a bracketed matrix of numbers; a large one shows its corners and ellipses.</summary>
    private MathNode Values(Matrix m)
    {
        int[] rows = Shown(m.Rows);
        int[] columns = Shown(m.Columns);
        var shown = new List<double>();
        foreach (int r in rows)
        {
            foreach (int c in columns)
            {
                if (r >= 0 && c >= 0)
                {
                    shown.Add(m[r, c]);
                }
            }
        }
        string[] text = _n.FormatAligned(shown);
        var cells = new List<MathNode>();
        int i = 0;
        foreach (int r in rows)
        {
            foreach (int c in columns)
            {
                cells.Add((r, c) switch
                {
                    ( < 0, < 0) => Op("⋱"),
                    ( < 0, _) => Op("⋮"),
                    (_, < 0) => Op("⋯"),
                    _ => MathNode.Num(text[i++]),
                });
            }
        }
        return new MathMatrix(rows.Length, columns.Length, cells);
    }

    // Indices shown of a dimension: all up to the limit, else the first three, an ellipsis (-1) and the last.
    private static int[] Shown(int count) => count <= LargeLimit ? [.. Enumerable.Range(0, count)] : [0, 1, 2, -1, count - 1];

    private static MathMatrix Cells(int rows, int columns, Func<int, int, MathNode> cell)
    {
        var cells = new MathNode[rows * columns];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                cells[r * columns + c] = cell(r, c);
            }
        }
        return new MathMatrix(rows, columns, cells);
    }

    private static EquationLine Line(MathNode? left, MathNode right, string relation = "=") => new(left, relation, right);

    private static EquationLine Result(MathNode right) => new(null, "=", right, Result: true);

    private void Equation(params EquationLine[] lines) => _blocks.Add(new DocEquation(lines));

    private void Say(string key, params (string, object)[] values) => _blocks.Add(_p.Paragraph(key, values));

    private void Heading(int level, string key, params (string, string)[] values) => _blocks.Add(new DocHeading(level, _p.Text(key, values)));

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>When a matrix is too large to print, one sentence with its shape, range and norm.</summary>
    private void Summary(MathNode symbol, Matrix m)
    {
        Say("large.summary", ("symbol", symbol), ("shape", Shape(m)), ("min", Fmt(m.Min())), ("max", Fmt(m.Max())), ("norm", Fmt(m.Norm())));
    }

    private string ActivationName(Activation a) => _p["activation." + ActivationFunctions.Name(a)];

    // ---- the steps ----

    private void Step(Explanation e, ExplainStep step)
    {
        switch (step)
        {
            case LinearStep s:
                if (s.Layer == 0)
                {
                    Heading(2, "forward.heading");
                }
                Heading(3, s.Layer == e.Activations.Count - 1 ? "forward.outputHeading" : "forward.hiddenHeading", ("k", I(s.Units)));
                Linear(s);
                break;
            case ActivationStep s:
                Activate(s);
                break;
            case LossStep s:
                Heading(2, "loss.heading");
                LossValue(e, s);
                break;
            case OutputDeltaStep s:
                Heading(2, "backward.heading");
                OutputDelta(e, s);
                OutputDerivation(s);
                break;
            case GradientStep s:
                Gradients(e, s);
                break;
            case HiddenDeltaStep s:
                HiddenDelta(e, s);
                break;
            case UpdateStep s:
                if (s.Layer == 0 && !s.IsBias)
                {
                    if (_options.Weight is { } weight)
                    {
                        ChainRule(e, WeightRef.Parse(weight, e.Sizes) ?? throw new ArgumentException($"unknown weight '{weight}'", nameof(e)));
                    }
                    Heading(2, "update.heading");
                    Say("update.rule", ("rule", Row(new MathSymbol("θ"), Op("←"), new MathSymbol("θ"), Op("−"), Eta, new MathSymbol("θ", Gradient: true))),
                        ("eta", Row(Eta, Op("="), Num(s.LearningRate))));
                }
                Update(s);
                break;
            default:
                throw new InvalidOperationException($"no layout for {step.GetType().Name}");
        }
    }
}
