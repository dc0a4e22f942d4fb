using System.Globalization;

namespace Backprop.Explain;

// Checking arithmetic: remarks on the article's printed numbers, and verdicts on a learner's answers.
internal sealed partial class ExplanationComposer
{
    private void Notes(Explanation e, ExplainStep step)
    {
        if (!_options.ArticleNotes)
        {
            return;
        }
        foreach (ArticleSlip slip in ArticleSlip.All)
        {
            if (SlipValue(e, step, slip) is not (Matrix value, MathNode symbol) || slip.Row >= value.Rows || slip.Column >= value.Columns)
            {
                continue;
            }
            double exact = value[slip.Row, slip.Column];
            int decimals = AnswerChecker.DecimalsOf(slip.Printed);
            string rounded = exact.ToString("F" + I(decimals), CultureInfo.InvariantCulture);
            MathNode entry = EntryOf(symbol, value, slip);
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

    /// <summary>
    /// The value a slip is about when <paramref name="step"/> is where the explanation shows it, with the symbol it is
    /// shown with; null elsewhere. Named quantities are the engine's; the softmax exponentials and their sum are the
    /// display-only terms the forward pass shows, computed the same way.
    /// </summary>
    private static (Matrix Value, MathNode Symbol)? SlipValue(Explanation e, ExplainStep step, ArticleSlip slip)
    {
        static bool Layer(string quantity, string prefix, int units) =>
            quantity.StartsWith(prefix, StringComparison.Ordinal) && int.TryParse(quantity.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k == units;
        switch (step)
        {
            case ActivationStep { Activation: Activation.Softmax } s when Layer(slip.Quantity, ArticleSlip.ExponentialSum, s.Units):
                Matrix exps = s.Z.Map(Math.Exp);
                var sums = new double[exps.Columns];
                for (int c = 0; c < exps.Columns; c++)
                {
                    for (int r = 0; r < exps.Rows; r++)
                    {
                        sums[c] += exps[r, c];
                    }
                }
                return (new Matrix(1, exps.Columns, sums), Row(new MathSum("j"), new MathPower(E, new MathSymbol("z", Layer: s.Units, Index: "j"))));
            case ActivationStep { Activation: Activation.Softmax } s when Layer(slip.Quantity, ArticleSlip.Exponentials, s.Units):
                return (s.Z.Map(Math.Exp), new MathPower(E, Z(s.Units)));
            case HiddenDeltaStep s when Layer(slip.Quantity, ArticleSlip.Derivative, s.Units):
                return (s.Derivative, Derivative(s.Activation, Z(s.Units)));
        }
        NamedQuantity? q = e.Find(slip.Quantity);
        return q is not null && ReferenceEquals(q.Step, step) ? (q.Value, SymbolOf(slip.Quantity)) : null;
    }

    /// <summary>The entry a slip is about: the symbol alone for a number, else with its index ([3] or [3,2]).</summary>
    private static MathNode EntryOf(MathNode symbol, Matrix value, ArticleSlip slip)
    {
        if (value.Count == 1)
        {
            return symbol;
        }
        string where = value.Columns > 1 ? $"[{I(slip.Row + 1)},{I(slip.Column + 1)}]" : $"[{I(slip.Row + 1)}]";
        return Row(symbol, Op(where));
    }

    // ---- checking a learner's answers ----

    private void Check(CheckReport report)
    {
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
                    new DocCell(ok ? _p["check.agrees"] : _p[r.Inherited ? "check.inherited" : "check.new"], Tone: ok ? DocTone.Good : DocTone.Bad),
                    new DocCell(v?.Given ?? ""),
                    new DocCell(v is null ? "" : Fmt(v.Exact)),
                ]);
            }
        }
        _blocks.Add(new DocTable([_p["check.symbol"], _p["check.name"], _p["check.verdict"], _p["check.yours"], _p["check.right"]], rows));
        foreach (CheckResult r in report.Results)
        {
            Teach(r, report);
        }
        CheckResult? first = report.FirstWrong;
        if (first is null)
        {
            _blocks.Add(_p.Paragraph("check.allAgree", DocTone.Good, ("count", I(report.Results.Count))));
        }
        else
        {
            CheckResult firstNew = report.FirstNew ?? first;
            int wrong = report.Results.Count(r => !r.Agrees);
            int inherited = report.Results.Count(r => !r.Agrees && r.Inherited);
            _blocks.Add(_p.Paragraph("check.someDiffer", DocTone.Bad, ("wrong", I(wrong)), ("count", I(report.Results.Count)),
                ("new", I(wrong - inherited)), ("inherited", I(inherited)), ("first", SymbolOf(firstNew.Name)), ("name", firstNew.Name)));
        }
    }

    /// <summary>What a teacher would say about one answer: new or inherited, and the hints for the usual slips.</summary>
    private void Teach(CheckResult r, CheckReport report)
    {
        MathNode symbol = SymbolOf(r.Name);
        if (!r.Agrees && r.Consistent is { } consistent)
        {
            _blocks.Add(_p.Paragraph(r.Inherited ? "check.noteInherited" : "check.noteNew", DocTone.Remark, ("symbol", symbol), ("name", r.Name),
                ("consistent", consistent.Count == 1 ? Num(consistent[0, 0]) : Values(consistent))));
        }
        foreach (AnswerTutor.Hint hint in r.Hints ?? [])
        {
            string key = hint switch
            {
                AnswerTutor.Hint.Sign => "check.hint.sign",
                AnswerTutor.Hint.Transposed => "check.hint.transposed",
                AnswerTutor.Hint.Slope => "check.hint.slope",
                AnswerTutor.Hint.Eta => "check.hint.eta",
                _ => "check.hint.batchMean",
            };
            _blocks.Add(_p.Paragraph(key, DocTone.Remark, ("symbol", symbol), ("shape", string.Create(CultureInfo.InvariantCulture, $"{r.Expected.Columns}×{r.Expected.Rows}")),
                ("right", Shape(r.Expected)), ("eta", Row(Eta, Op("="), Num(report.LearningRate))), ("batch", I(report.BatchSize))));
        }
    }
}
