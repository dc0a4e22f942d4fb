namespace Backprop.Explain;

// The update θ ← θ − η ∇θ, and what follows it: further steps and the run until convergence.
internal sealed partial class ExplanationComposer
{
    private void Update(UpdateStep s)
    {
        int l = s.Parameters;
        MathSymbol theta = s.IsBias ? B(l) : W(l);
        MathSymbol gradient = s.IsBias ? GradB(l) : GradW(l);
        // Display only: η × gradient; the new values at the end are the optimizer's.
        Matrix step = s.Gradient.Map(g => s.LearningRate * g);
        if (s.IsBias && _options.FreezeBiases)
        {
            Say("update.frozen", ("b", theta));
            Equation(Line(theta, theta, "←"), Result(Values(s.After)));
            return;
        }
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
        if (_mazur && !s.IsBias)
        {
            // Mazur's way: each weight by its label, w⁺ = w − η ∂L/∂w.
            var lines = new List<EquationLine>();
            for (int r = 0; r < 2; r++)
            {
                for (int c = 0; c < 2; c++)
                {
                    int n = new WeightRef(l, r + 1, c + 1).MazurNumber;
                    lines.Add(Line(new MathSymbol("w", Index: I(n)), Row(Num(s.Before[r, c]), Op("−"), Num(s.LearningRate), Op("×"), Operand(s.Gradient[r, c])), "←"));
                    lines.Add(Result(Num(s.After[r, c])));
                }
            }
            Equation([.. lines]);
        }
    }

    // ---- further steps ----

    private void Further(FurtherSteps further)
    {
        Heading(3, "steps.heading");
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
        Heading(3, "converged.heading");
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
}
