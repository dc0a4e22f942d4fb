namespace Backprop.Explain;

// The loss of the batch, from the output layer's a and the targets t.
internal sealed partial class ExplanationComposer
{
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
}
