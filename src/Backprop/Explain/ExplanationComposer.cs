using System.Globalization;

namespace Backprop.Explain;

/// <summary>What to add to an explanation besides the recorded step.</summary>
internal sealed record ComposeOptions(
    int Digits,
    ParameterSource Source,
    bool ArticleNotes = false,
    FurtherSteps? Further = null,
    ConvergenceSummary? Convergence = null,
    ModelRow? Model = null);

/// <summary>
/// Turns a recorded <see cref="Explanation"/> into an <see cref="ExplainDocument"/> in one language: which sentence
/// goes where, which formula shows which recorded values, and where large layers are summarised. Prose comes from
/// <see cref="Prose"/>; numbers are the recorded ones, formatted by <see cref="NumberText"/>. The only arithmetic
/// here is for display of intermediate terms the engine does not keep (each exponential of a softmax, Wᵀδ before
/// f′, η × gradient); every result at the end of a chain is the engine's value.
/// </summary>
internal sealed class ExplanationComposer
{
    /// <summary>Layers with more units than this (or batches with more samples) are summarised.</summary>
    public const int LargeLimit = 8;

    private readonly Prose _p;
    private readonly NumberText _n;
    private readonly ComposeOptions _options;
    private readonly List<DocBlock> _blocks = [];

    private ExplanationComposer(Prose prose, ComposeOptions options)
    {
        _p = prose;
        _n = new NumberText(options.Digits);
        _options = options;
    }

    public static ExplainDocument Compose(Explanation e, Prose prose, ComposeOptions options)
    {
        ArgumentNullException.ThrowIfNull(e);
        var c = new ExplanationComposer(prose, options);
        c.Setup(e);
        foreach (ExplainStep step in e.Steps)
        {
            c.Step(e, step);
            c.Notes(e, step);
        }
        if (options.Further is { Losses.Count: > 0 } further)
        {
            c.Further(further);
        }
        if (options.Convergence is { } convergence)
        {
            c.Converged(convergence);
        }
        return new ExplainDocument(prose.Language, prose["title"], c._blocks);
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

    // ---- the set-up ----

    private void Setup(Explanation e)
    {
        Heading(2, "setup.heading");
        string sizes = string.Join("-", e.Sizes.Select(I));
        string loss = _p[e.Loss is SoftmaxCrossEntropy ? "lossName.crossEntropy" : "lossName.mse"];
        Say("setup.network", ("sizes", sizes), ("loss", loss), ("eta", Row(Eta, Op("="), Num(e.LearningRate))));
        if (_options.Model is { } model)
        {
            LearningRateOrigin(model, e.LearningRate);
        }
        Say("setup.inputLayer", ("units", I(e.Sizes[0])), ("a", A(1)));
        for (int l = 0; l < e.Activations.Count; l++)
        {
            string key = l == e.Activations.Count - 1 ? "setup.outputLayer" : "setup.hiddenLayer";
            Say(key, ("k", I(l + 2)), ("units", I(e.Sizes[l + 1])), ("activation", ActivationName(e.Activations[l])),
                ("W", W(l + 1)), ("wShape", Shape(e.InitialWeights[l])), ("b", B(l + 1)), ("bShape", Shape(e.InitialBiases[l])));
        }
        if (_options.Model is { } row)
        {
            ModelSample(row);
        }
        else if (e.BatchSize == 1)
        {
            Say("setup.sample", ("a", A(1)), ("t", Target));
        }
        else
        {
            Say("setup.batch", ("batch", I(e.BatchSize)), ("a", A(1)), ("t", Target));
        }
        Equation(Line(A(1), Values(e.Input)), Line(Target, Values(e.Target)));

        string source = _options.Source.Kind switch
        {
            ParameterSourceKind.Article => _p["source.article"],
            ParameterSourceKind.File => _p.Text("source.file", ("path", _options.Source.Detail ?? "")),
            ParameterSourceKind.Model => _p.Text("source.model", ("path", _options.Source.Detail ?? "")),
            _ => _p.Text("source.seed", ("seed", _options.Source.Detail ?? "")),
        };
        Say("setup.parameters", ("source", source));
        var lines = new List<EquationLine>();
        for (int l = 0; l < e.InitialWeights.Count; l++)
        {
            lines.Add(Line(W(l + 1), Values(e.InitialWeights[l])));
            lines.Add(Line(B(l + 1), Values(e.InitialBiases[l])));
        }
        Equation([.. lines]);
        foreach (Matrix m in e.InitialWeights.Where(IsLarge))
        {
            Summary(W(e.InitialWeights.ToList().IndexOf(m) + 1), m);
        }
    }

    // ---- a row explained from a saved model ----

    private void LearningRateOrigin(ModelRow m, double eta)
    {
        string key = m.LearningRate switch
        {
            Explain.LearningRateOrigin.Option => "model.lrOption",
            Explain.LearningRateOrigin.Model => "model.lrModel",
            _ => "model.lrDefault",
        };
        Say(key, ("eta", Row(Eta, Op("="), Num(eta))), ("path", m.ModelPath));
        if (m.TrainingExtras.Count > 0)
        {
            _blocks.Add(_p.Paragraph("model.extras", DocTone.Remark, ("settings", string.Join("; ", m.TrainingExtras))));
        }
    }

    /// <summary>Where the row came from, its rescaling by the model's scaler (a table, one feature per row), and its class.</summary>
    private void ModelSample(ModelRow m)
    {
        (string key, (string, object)[] values) = m.Origin switch
        {
            RowOrigin.Input => ("model.rowInput", Array.Empty<(string, object)>()),
            RowOrigin.DataFile => ("model.rowData", [("row", I(m.Row)), ("count", I(m.RowCount)), ("source", m.SourceName)]),
            RowOrigin.Dataset => ("model.rowDataset", [("row", I(m.Row)), ("count", I(m.RowCount)), ("source", m.SourceName)]),
            RowOrigin.DatasetSplit => ("model.rowDatasetSplit", [("row", I(m.Row)), ("count", I(m.RowCount)), ("source", m.SourceName),
                ("seed", (m.SplitSeed ?? 0).ToString(CultureInfo.InvariantCulture))]),
            _ => ("model.rowDatasetTest", [("row", I(m.Row)), ("count", I(m.RowCount)), ("source", m.SourceName)]),
        };
        Say(key, values);

        var x = new MathSymbol("x");
        var scaled = new MathSymbol("x", Prime: true);
        string[] header;
        IReadOnlyList<double>[] columns;
        switch (m.Scaler.Kind)
        {
            case ScalingKind.Standard:
                Say("model.scaleStandard", ("formula", Row(scaled, Op("="), new MathFraction(Row(x, Op("−"), new MathSymbol("μ")), new MathSymbol("σ")))),
                    ("a", A(1)));
                header = [_p["model.feature"], _p["model.raw"], _p["model.mean"], _p["model.sd"], _p["model.scaled"]];
                columns = [m.Raw, m.Scaler.Offset, m.Scaler.Scale, m.Scaled];
                break;
            case ScalingKind.MinMax:
                var min = new MathSymbol("x", Index: "min");
                Say("model.scaleMinMax", ("formula", Row(scaled, Op("="), new MathFraction(Row(x, Op("−"), min),
                    Row(new MathSymbol("x", Index: "max"), Op("−"), min)))), ("a", A(1)));
                header = [_p["model.feature"], _p["model.raw"], _p["model.min"], _p["model.range"], _p["model.scaled"]];
                columns = [m.Raw, m.Scaler.Offset, m.Scaler.Scale, m.Scaled];
                break;
            default:
                Say("model.scaleNone", ("a", A(1)));
                header = [_p["model.feature"], _p["model.scaled"]];
                columns = [m.Scaled];
                break;
        }
        string[][] text = [.. columns.Select(c => _n.FormatAligned(c))];
        var rows = new List<IReadOnlyList<DocCell>>();
        foreach (int j in Shown(m.FeatureNames.Count))
        {
            rows.Add(j < 0
                ? [.. Enumerable.Repeat(new DocCell("⋮"), header.Length)]
                : [new DocCell(m.FeatureNames[j]), .. text.Select(c => new DocCell(c[j]))]);
        }
        _blocks.Add(new DocTable(header, rows));

        Say(m.TargetFromLabel ? "model.targetLabel" : "model.targetOption",
            ("index", I(m.ClassIndex)), ("name", m.ClassName), ("a", A(1)), ("t", Target));
    }

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
                break;
            case GradientStep s:
                Gradients(e, s);
                break;
            case HiddenDeltaStep s:
                HiddenDelta(s);
                break;
            case UpdateStep s:
                if (s.Layer == 0 && !s.IsBias)
                {
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

    private void Linear(LinearStep s)
    {
        int k = s.Units;
        int l = s.Parameters;
        Say("forward.linear", ("z", Z(k)), ("equation", Row(Z(k), Op("="), W(l), A(k - 1), Op("+"), B(l))),
            ("W", W(l)), ("wShape", Shape(s.Weights)), ("a", A(k - 1)), ("aShape", Shape(s.Input)), ("b", B(l)), ("zShape", Shape(s.Z)));
        if (IsLarge(s.Weights) || IsLarge(s.Input))
        {
            Equation(Line(Z(k), Row(W(l), A(k - 1), Op("+"), B(l))), Result(Values(s.Z)));
            Summary(Z(k), s.Z);
            return;
        }
        Say("forward.linearEach");
        MathNode expanded = Cells(s.Z.Rows, s.Z.Columns, (r, c) =>
        {
            var terms = new List<MathNode>();
            for (int j = 0; j < s.Weights.Columns; j++)
            {
                if (j > 0)
                {
                    terms.Add(Op("+"));
                }
                terms.Add(Operand(s.Weights[r, j]));
                terms.Add(Op("×"));
                terms.Add(Operand(s.Input[j, c]));
            }
            terms.Add(Op("+"));
            terms.Add(Operand(s.Bias[r, 0]));
            return Row([.. terms]);
        });
        Equation(
            Line(Z(k), Row(W(l), A(k - 1), Op("+"), B(l))),
            Line(null, Row(Values(s.Weights), Values(s.Input), Op("+"), Values(s.Bias))),
            Line(null, expanded),
            Result(Values(s.Z)));
    }

    private void Activate(ActivationStep s)
    {
        int k = s.Units;
        var x = new MathSymbol("x");
        bool large = IsLarge(s.Z);
        switch (s.Activation)
        {
            case Activation.Softmax:
                Softmax(s, large);
                return;
            case Activation.Sigmoid:
                Say("forward.sigmoid", ("equation", Row(A(k), Op("="), new MathFunction("σ", Z(k)))),
                    ("formula", Row(new MathFunction("σ", x), Op("="), new MathFraction(Int(1), Row(Int(1), Op("+"), new MathPower(E, Row(Op("−"), x)))))));
                break;
            case Activation.Tanh:
                Say("forward.tanh", ("equation", Row(A(k), Op("="), new MathFunction("tanh", Z(k)))));
                break;
            case Activation.Relu:
                Say("forward.relu", ("equation", Row(A(k), Op("="), new MathFunction("max", Row(Int(0), Op(","), Z(k))))));
                break;
            case Activation.LeakyRelu:
                Say("forward.leakyRelu", ("a", A(k)), ("slope", Num(ActivationFunctions.LeakySlope)));
                break;
            default:
                Say("forward.identity", ("equation", Row(A(k), Op("="), Z(k))));
                break;
        }
        if (large)
        {
            Equation(Line(A(k), ActivationOf(s.Activation, Z(k))), Result(Values(s.A)));
            Summary(A(k), s.A);
            return;
        }
        MathNode cells = Cells(s.Z.Rows, s.Z.Columns, (r, c) =>
        {
            double z = s.Z[r, c];
            return s.Activation switch
            {
                Activation.Sigmoid => new MathFraction(Int(1), Row(Int(1), Op("+"), new MathPower(E, Num(-z)))),
                Activation.Tanh => new MathFunction("tanh", Num(z)),
                Activation.Relu => new MathFunction("max", Row(Int(0), Op(","), Num(z))),
                Activation.LeakyRelu => z > 0 ? Num(z) : Row(Num(ActivationFunctions.LeakySlope), Op("×"), Operand(z)),
                _ => Num(z),
            };
        });
        Equation(Line(A(k), ActivationOf(s.Activation, Z(k))), Line(null, cells), Result(Values(s.A)));
    }

    private static MathNode ActivationOf(Activation activation, MathNode z) => activation switch
    {
        Activation.Sigmoid => new MathFunction("σ", z),
        Activation.Tanh => new MathFunction("tanh", z),
        Activation.Relu => new MathFunction("ReLU", z),
        Activation.LeakyRelu => new MathFunction("LeakyReLU", z),
        Activation.Softmax => new MathFunction("softmax", z),
        _ => z,
    };

    private static MathNode Derivative(Activation activation, MathNode z) => activation switch
    {
        Activation.Sigmoid => new MathFunction("σ", z, Prime: true),
        Activation.Tanh => new MathFunction("tanh", z, Prime: true),
        Activation.Relu => new MathFunction("ReLU", z, Prime: true),
        Activation.LeakyRelu => new MathFunction("LeakyReLU", z, Prime: true),
        _ => new MathFunction("f", z, Prime: true),
    };

    private void Softmax(ActivationStep s, bool large)
    {
        int k = s.Units;
        var i = new MathSymbol("a", Layer: k, Index: "i");
        MathNode formula = Row(i, Op("="), new MathFraction(new MathPower(E, new MathSymbol("z", Layer: k, Index: "i")),
            Row(new MathSum("j"), new MathPower(E, new MathSymbol("z", Layer: k, Index: "j")))));
        Say("forward.softmax", ("a", A(k)), ("formula", formula));
        if (large)
        {
            Equation(Line(A(k), ActivationOf(Activation.Softmax, Z(k))), Result(Values(s.A)));
            Summary(A(k), s.A);
            return;
        }
        // Display only: each exponential and each column's sum; the probabilities shown at the end are the engine's.
        Matrix exps = s.Z.Map(Math.Exp);
        var sums = new double[s.Z.Columns];
        for (int c = 0; c < s.Z.Columns; c++)
        {
            for (int r = 0; r < s.Z.Rows; r++)
            {
                sums[c] += exps[r, c];
            }
        }
        string[] expText = _n.FormatAligned(exps.Values);
        string[] sumText = _n.FormatAligned(sums);
        MathNode Exp(int r, int c) => MathNode.Num(expText[r * s.Z.Columns + c]);
        Say("forward.softmaxExp");
        Equation(
            Line(new MathPower(E, Z(k)), Cells(s.Z.Rows, s.Z.Columns, (r, c) => new MathPower(E, Num(s.Z[r, c])))),
            Result(Values(exps)));
        var sumLines = new List<EquationLine>();
        for (int c = 0; c < s.Z.Columns; c++)
        {
            var terms = new List<MathNode>();
            for (int r = 0; r < s.Z.Rows; r++)
            {
                if (r > 0)
                {
                    terms.Add(Op("+"));
                }
                terms.Add(Exp(r, c));
            }
            MathNode left = s.Z.Columns == 1 ? Row(new MathSum("j"), new MathPower(E, new MathSymbol("z", Layer: k, Index: "j")))
                : Row(new MathSum("j"), new MathPower(E, new MathSymbol("z", Layer: k, Index: "j," + I(c + 1))));
            sumLines.Add(Line(left, Row([.. terms])));
            sumLines.Add(Result(MathNode.Num(sumText[c])));
        }
        Say("forward.softmaxSum");
        Equation([.. sumLines]);
        Say("forward.softmaxDivide");
        Equation(
            Line(A(k), Cells(s.Z.Rows, s.Z.Columns, (r, c) => new MathFraction(Exp(r, c), MathNode.Num(sumText[c])))),
            Result(Values(s.A)));
    }

    private void LossValue(Explanation e, LossStep s)
    {
        int k = s.Units;
        int batch = s.A.Columns;
        bool large = IsLarge(s.A);
        var ti = new MathSymbol("t", Index: "i");
        var ai = new MathSymbol("a", Layer: k, Index: "i");
        if (s.Loss is SoftmaxCrossEntropy)
        {
            MathNode formula = Row(LossSymbol, Op("="), Op("−"), new MathSum("i"), ti, new MathFunction("ln", ai));
            Say(batch == 1 ? "loss.crossEntropy" : "loss.crossEntropyBatch", ("formula", formula), ("batch", I(batch)));
            if (large)
            {
                Equation(Line(LossSymbol, Num(s.Value)));
                return;
            }
            var terms = new List<MathNode>();
            var shortTerms = new List<MathNode>();
            for (int c = 0; c < batch; c++)
            {
                for (int r = 0; r < s.A.Rows; r++)
                {
                    double t = s.Target[r, c];
                    if (batch > 1 && t == 0)
                    {
                        continue;
                    }
                    if (terms.Count > 0)
                    {
                        terms.Add(Op("+"));
                    }
                    terms.Add(Row(Num(t), Op("×"), new MathFunction("ln", Num(s.A[r, c]))));
                    if (t != 0)
                    {
                        if (shortTerms.Count > 0)
                        {
                            shortTerms.Add(Op("+"));
                        }
                        shortTerms.Add(t == 1 ? new MathFunction("ln", Num(s.A[r, c])) : Row(Num(t), Op("×"), new MathFunction("ln", Num(s.A[r, c]))));
                    }
                }
            }
            MathNode scale = batch == 1 ? Op("−") : Row(Op("−"), new MathFraction(Int(1), Int(batch)));
            var lines = new List<EquationLine>
            {
                Line(LossSymbol, Row(scale, new MathParen(Row([.. terms])))),
            };
            if (batch == 1 && shortTerms.Count != terms.Count)
            {
                lines.Add(Line(null, Row(scale, shortTerms.Count == 1 ? shortTerms[0] : new MathParen(Row([.. shortTerms])))));
            }
            lines.Add(Result(Num(s.Value)));
            Equation([.. lines]);
        }
        else
        {
            int n = s.A.Rows;
            MathNode formula = Row(LossSymbol, Op("="), new MathFraction(Int(1), Row(new MathSymbol("B"), new MathSymbol("n"))), new MathSum(null),
                new MathPower(new MathParen(Row(ai, Op("−"), ti)), Int(2)));
            Say(batch == 1 ? "loss.mse" : "loss.mseBatch", ("formula", formula), ("batch", I(batch)), ("n", I(n)));
            if (large)
            {
                Equation(Line(LossSymbol, Num(s.Value)));
                return;
            }
            var terms = new List<MathNode>();
            for (int c = 0; c < batch; c++)
            {
                for (int r = 0; r < n; r++)
                {
                    if (terms.Count > 0)
                    {
                        terms.Add(Op("+"));
                    }
                    terms.Add(new MathPower(new MathParen(Row(Num(s.A[r, c]), Op("−"), Operand(s.Target[r, c]))), Int(2)));
                }
            }
            Equation(
                Line(LossSymbol, Row(new MathFraction(Int(1), Int(batch * n)), new MathParen(Row([.. terms])))),
                Result(Num(s.Value)));
        }
    }

    private void OutputDelta(Explanation e, OutputDeltaStep s)
    {
        int k = s.Units;
        int batch = s.A.Columns;
        bool large = IsLarge(s.A);
        if (s.Loss is SoftmaxCrossEntropy)
        {
            MathNode rule = batch == 1
                ? Row(D(k), Op("="), new MathFraction(Op("∂L"), Row(Op("∂"), Z(k))), Op("="), A(k), Op("−"), Target)
                : Row(D(k), Op("="), new MathFraction(Row(A(k), Op("−"), Target), new MathSymbol("B")));
            Say("backward.outputCrossEntropy", ("rule", rule));
            if (batch > 1)
            {
                Say("backward.batch", ("batch", I(batch)));
            }
            if (large)
            {
                Equation(Line(D(k), Row(A(k), Op("−"), Target)), Result(Values(s.Delta)));
                Summary(D(k), s.Delta);
                return;
            }
            MathNode cells = Cells(s.A.Rows, batch, (r, c) =>
            {
                MathNode diff = Row(Num(s.A[r, c]), Op("−"), Operand(s.Target[r, c]));
                return batch == 1 ? diff : new MathFraction(diff, Int(batch));
            });
            Equation(Line(D(k), batch == 1 ? Row(A(k), Op("−"), Target) : new MathFraction(Row(A(k), Op("−"), Target), Int(batch))),
                Line(null, cells), Result(Values(s.Delta)));
            return;
        }

        int n = s.A.Rows;
        Matrix derivative = s.Derivative!;
        MathNode chain = Row(D(k), Op("="), new MathFraction(Op("∂L"), Row(Op("∂"), A(k))), Op("⊙"), Derivative(s.Activation, Z(k)),
            Op("="), new MathFraction(Int(2), Row(new MathSymbol("B"), new MathSymbol("n"))), new MathParen(Row(A(k), Op("−"), Target)), Op("⊙"),
            Derivative(s.Activation, Z(k)));
        Say("backward.outputMse", ("rule", chain), ("batch", I(batch)), ("n", I(n)));
        if (batch > 1)
        {
            Say("backward.batch", ("batch", I(batch)));
        }
        DerivativeLines(s.Activation, k, s.A, derivative, large);
        if (large)
        {
            Equation(Line(D(k), Row(new MathFraction(Int(2), Int(batch * n)), new MathParen(Row(A(k), Op("−"), Target)), Op("⊙"), Derivative(s.Activation, Z(k)))),
                Result(Values(s.Delta)));
            Summary(D(k), s.Delta);
            return;
        }
        string[] slope = _n.FormatAligned(derivative.Values);
        MathNode expanded = Cells(n, batch, (r, c) => Row(new MathFraction(Int(2), Int(batch * n)), Op("×"),
            new MathParen(Row(Num(s.A[r, c]), Op("−"), Operand(s.Target[r, c]))), Op("×"), MathNode.Num(slope[r * batch + c])));
        Equation(
            Line(D(k), Row(new MathFraction(Int(2), Int(batch * n)), new MathParen(Row(A(k), Op("−"), Target)), Op("⊙"), Derivative(s.Activation, Z(k)))),
            Line(null, expanded),
            Result(Values(s.Delta)));
    }

    /// <summary>f′(z) written out from a, e.g. σ′(z) = a (1 − a); the values are the engine's derivative.</summary>
    private void DerivativeLines(Activation activation, int k, Matrix a, Matrix derivative, bool large)
    {
        var x = new MathSymbol("a");
        MathNode? formula = activation switch
        {
            Activation.Sigmoid => Row(x, new MathParen(Row(Int(1), Op("−"), x))),
            Activation.Tanh => Row(Int(1), Op("−"), new MathPower(x, Int(2))),
            _ => null,
        };
        string key = activation switch
        {
            Activation.Sigmoid => "backward.derivativeSigmoid",
            Activation.Tanh => "backward.derivativeTanh",
            Activation.Relu => "backward.derivativeRelu",
            Activation.LeakyRelu => "backward.derivativeLeakyRelu",
            _ => "backward.derivativeIdentity",
        };
        Say(key, ("fprime", Derivative(activation, Z(k))), ("formula", formula ?? Int(1)), ("slope", Num(ActivationFunctions.LeakySlope)));
        if (large || formula is null)
        {
            Equation(Line(Derivative(activation, Z(k)), Values(derivative)));
            return;
        }
        MathNode cells = Cells(a.Rows, a.Columns, (r, c) => activation == Activation.Sigmoid
            ? Row(Num(a[r, c]), Op("×"), new MathParen(Row(Int(1), Op("−"), Num(a[r, c]))))
            : Row(Int(1), Op("−"), new MathPower(Operand(a[r, c]), Int(2))));
        Equation(Line(Derivative(activation, Z(k)), cells), Result(Values(derivative)));
    }

    private void Gradients(Explanation e, GradientStep s)
    {
        int k = s.Units;
        int l = s.Parameters;
        int batch = s.Delta.Columns;
        Heading(3, "backward.gradientHeading", ("dW", TextMathLayout.Symbol(GradW(l))), ("db", TextMathLayout.Symbol(GradB(l))));
        Say(batch == 1 ? "backward.gradients" : "backward.gradientsBatch", ("dW", GradW(l)), ("db", GradB(l)), ("delta", D(k)),
            ("rule", Row(GradW(l), Op("="), D(k), A(k - 1, transposed: true))), ("batch", I(batch)));
        if (IsLarge(s.WeightGradient) || batch > LargeLimit)
        {
            Equation(Line(GradW(l), Row(D(k), A(k - 1, transposed: true))), Result(Values(s.WeightGradient)));
            Summary(GradW(l), s.WeightGradient);
            Equation(Line(GradB(l), Values(s.BiasGradient)));
            return;
        }
        MathNode products = Cells(s.WeightGradient.Rows, s.WeightGradient.Columns, (r, c) =>
        {
            var terms = new List<MathNode>();
            for (int b = 0; b < batch; b++)
            {
                if (b > 0)
                {
                    terms.Add(Op("+"));
                }
                terms.Add(Operand(s.Delta[r, b]));
                terms.Add(Op("×"));
                terms.Add(Operand(s.Input[c, b]));
            }
            return Row([.. terms]);
        });
        Equation(
            Line(GradW(l), Row(D(k), A(k - 1, transposed: true))),
            Line(null, Row(Values(s.Delta), Values(s.Input.Transpose()))),
            Line(null, products),
            Result(Values(s.WeightGradient)));
        if (batch == 1)
        {
            Equation(Line(GradB(l), D(k)), Result(Values(s.BiasGradient)));
        }
        else
        {
            MathNode sums = Cells(s.Delta.Rows, 1, (r, _) =>
            {
                var terms = new List<MathNode>();
                for (int b = 0; b < batch; b++)
                {
                    if (b > 0)
                    {
                        terms.Add(Op("+"));
                    }
                    terms.Add(Operand(s.Delta[r, b]));
                }
                return Row([.. terms]);
            });
            Equation(Line(GradB(l), Row(new MathSum("s"), D(k))), Line(null, sums), Result(Values(s.BiasGradient)));
        }
    }

    private static MathSymbol A(int k, bool transposed) => new("a", true, k, Transposed: transposed);

    private void HiddenDelta(HiddenDeltaStep s)
    {
        int k = s.Units;
        int next = k + 1;
        int l = k;
        Heading(3, "backward.hiddenHeading", ("k", I(k)));
        MathNode rule = Row(D(k), Op("="), new MathParen(Row(W(l, transposed: true), D(next))), Op("⊙"), Derivative(s.Activation, Z(k)));
        Say("backward.hidden", ("rule", rule), ("Wt", W(l, transposed: true)), ("fprime", Derivative(s.Activation, Z(k))));

        // Display only: Wᵀ δ before f′; δ itself, at the end, is the engine's.
        Matrix wt = s.NextWeights.Transpose();
        var product = new double[wt.Rows * s.NextDelta.Columns];
        for (int r = 0; r < wt.Rows; r++)
        {
            for (int c = 0; c < s.NextDelta.Columns; c++)
            {
                double sum = 0;
                for (int j = 0; j < wt.Columns; j++)
                {
                    sum += wt[r, j] * s.NextDelta[j, c];
                }
                product[r * s.NextDelta.Columns + c] = sum;
            }
        }
        var back = new Matrix(wt.Rows, s.NextDelta.Columns, product);
        bool large = IsLarge(wt) || IsLarge(s.NextDelta);
        MathNode wtDelta = Row(W(l, transposed: true), D(next));
        if (large)
        {
            Equation(Line(wtDelta, Values(back)));
        }
        else
        {
            MathNode expanded = Cells(back.Rows, back.Columns, (r, c) =>
            {
                var terms = new List<MathNode>();
                for (int j = 0; j < wt.Columns; j++)
                {
                    if (j > 0)
                    {
                        terms.Add(Op("+"));
                    }
                    terms.Add(Operand(wt[r, j]));
                    terms.Add(Op("×"));
                    terms.Add(Operand(s.NextDelta[j, c]));
                }
                return Row([.. terms]);
            });
            Equation(Line(wtDelta, Row(Values(wt), Values(s.NextDelta))), Line(null, expanded), Result(Values(back)));
        }
        DerivativeLines(s.Activation, k, s.A, s.Derivative, IsLarge(s.A));
        if (IsLarge(s.Delta))
        {
            Equation(Line(D(k), Row(new MathParen(wtDelta), Op("⊙"), Derivative(s.Activation, Z(k)))), Result(Values(s.Delta)));
            Summary(D(k), s.Delta);
            return;
        }
        string[] backText = _n.FormatAligned(back.Values);
        string[] slope = _n.FormatAligned(s.Derivative.Values);
        static MathNode Signed(string text) => text.StartsWith('-') ? new MathParen(MathNode.Num(text)) : MathNode.Num(text);
        MathNode cells = Cells(s.Delta.Rows, s.Delta.Columns, (r, c) =>
            Row(Signed(backText[r * back.Columns + c]), Op("×"), Signed(slope[r * back.Columns + c])));
        Equation(
            Line(D(k), Row(new MathParen(wtDelta), Op("⊙"), Derivative(s.Activation, Z(k)))),
            Line(null, Row(Values(back), Op("⊙"), Values(s.Derivative))),
            Line(null, cells),
            Result(Values(s.Delta)));
    }

    private void Update(UpdateStep s)
    {
        int l = s.Parameters;
        MathSymbol theta = s.IsBias ? B(l) : W(l);
        MathSymbol gradient = s.IsBias ? GradB(l) : GradW(l);
        // Display only: η × gradient; the new values at the end are the optimizer's.
        Matrix step = s.Gradient.Map(g => s.LearningRate * g);
        var rule = Line(theta, Row(theta, Op("−"), Eta, gradient), "←");
        if (IsLarge(s.Before))
        {
            Equation(rule, Result(Values(s.After)));
            Summary(new MathSymbol(theta.Name, true, l, Prime: true), s.After);
            return;
        }
        Equation(
            rule,
            Line(null, Row(Values(s.Before), Op("−"), Num(s.LearningRate), Op("×"), Values(s.Gradient))),
            Line(null, Row(Values(s.Before), Op("−"), Values(step))),
            Result(Values(s.After)));
    }

    // ---- remarks on the article's arithmetic ----

    private void Notes(Explanation e, ExplainStep step)
    {
        if (!_options.ArticleNotes)
        {
            return;
        }
        foreach (ArticleSlip slip in ArticleSlip.All)
        {
            NamedQuantity? q = e.Find(slip.Quantity);
            if (q is null || !ReferenceEquals(q.Step, step) || slip.Row >= q.Value.Rows || slip.Column >= q.Value.Columns)
            {
                continue;
            }
            double exact = q.Value[slip.Row, slip.Column];
            int decimals = AnswerChecker.DecimalsOf(slip.Printed);
            string rounded = exact.ToString("F" + I(decimals), CultureInfo.InvariantCulture);
            string where = q.Value.Columns > 1 ? $"[{I(slip.Row + 1)},{I(slip.Column + 1)}]" : $"[{I(slip.Row + 1)}]";
            MathNode entry = q.Value.Count == 1 ? SymbolOf(slip.Quantity) : Row(SymbolOf(slip.Quantity), Op(where));
            _blocks.Add(_p.Paragraph(rounded == Fmt(exact) ? "note.articleSlipExact" : "note.articleSlip", DocTone.Remark, ("entry", entry), ("printed", slip.Printed),
                ("exact", Fmt(exact)), ("rounded", rounded), ("decimals", I(decimals))));
            if (slip.Quantity == "loss")
            {
                _blocks.Add(_p.Paragraph("note.articleLog", DocTone.Remark,
                    ("formula", Row(Op("−"), new MathFunction("ln", Row(new MathSymbol("a"), Op("+"), new MathPower(Int(10), Row(Op("−"), Int(12))))))),
                    ("exact", Row(Op("−"), new MathFunction("ln", new MathSymbol("a"))))));
            }
        }
    }

    // ---- further steps ----

    private void Further(FurtherSteps further)
    {
        Heading(2, "steps.heading");
        Say("steps.intro", ("count", I(further.Losses.Count)));
        var rows = new List<IReadOnlyList<DocCell>>();
        string[] losses = _n.FormatAligned(further.Losses);
        for (int i = 0; i < further.Losses.Count; i++)
        {
            var row = new List<DocCell> { new(I(i + 2)), new(losses[i]) };
            row.AddRange(further.Tracked[i].Select(m => new DocCell(null,
                IsLarge(m) ? Row(Op("‖"), Op("·"), Op("‖"), Op("="), Num(m.Norm())) : m.Count == 1 ? Num(m[0, 0]) : Values(m))));
            rows.Add(row);
        }
        _blocks.Add(new DocTable([_p["steps.step"], _p["steps.loss"], .. further.Names], rows));
        if (further.Names.Count > 0)
        {
            Say("steps.tracked");
        }
    }

    private void Converged(ConvergenceSummary c)
    {
        Heading(2, "converged.heading");
        int updates = c.Converged ? c.Epochs - 1 : c.Epochs;
        if (c.Converged)
        {
            Say("converged.below", ("threshold", Fmt(c.Threshold)), ("epochs", I(c.Epochs)), ("updates", I(updates)), ("loss", Fmt(c.FinalLoss)));
        }
        else
        {
            Say("converged.limit", ("threshold", Fmt(c.Threshold)), ("epochs", I(c.Epochs)), ("loss", Fmt(c.FinalLoss)));
        }
        var lines = new List<EquationLine>();
        for (int l = 0; l < c.Weights.Count; l++)
        {
            lines.Add(Line(W(l + 1), Values(c.Weights[l])));
            lines.Add(Line(B(l + 1), Values(c.Biases[l])));
        }
        Equation([.. lines]);
    }

    // ---- checking a learner's answers ----

    private void Check(CheckReport report)
    {
        Heading(2, "check.heading");
        Say("check.intro", ("path", report.Source), ("count", I(report.Results.Count)));
        var rows = new List<IReadOnlyList<DocCell>>();
        foreach (CheckResult r in report.Results)
        {
            foreach (EntryVerdict? v in r.Entries.Where(v => !v.Agrees).DefaultIfEmpty())
            {
                bool ok = r.Agrees;
                string where = v is null || r.Expected.Count == 1 ? "" : r.Expected.Columns == 1
                    ? $"[{I(v.Row + 1)}]" : $"[{I(v.Row + 1)},{I(v.Column + 1)}]";
                rows.Add([
                    new DocCell(null, Row(SymbolOf(r.Name), where.Length > 0 ? Op(where) : Row())),
                    new DocCell(r.Name + where),
                    new DocCell(ok ? _p["check.agrees"] : _p["check.differs"], Tone: ok ? DocTone.Good : DocTone.Bad),
                    new DocCell(v?.Given ?? ""),
                    new DocCell(v is null ? "" : Fmt(v.Exact)),
                ]);
            }
        }
        _blocks.Add(new DocTable([_p["check.symbol"], _p["check.name"], _p["check.verdict"], _p["check.yours"], _p["check.right"]], rows));
        CheckResult? first = report.FirstWrong;
        if (first is null)
        {
            _blocks.Add(_p.Paragraph("check.allAgree", DocTone.Good, ("count", I(report.Results.Count))));
        }
        else
        {
            _blocks.Add(_p.Paragraph("check.someDiffer", DocTone.Bad, ("wrong", I(report.Results.Count(r => !r.Agrees))),
                ("count", I(report.Results.Count)), ("first", SymbolOf(first.Name)), ("name", first.Name)));
        }
    }
}
