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
