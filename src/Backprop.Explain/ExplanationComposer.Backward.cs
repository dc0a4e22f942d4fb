namespace Backprop.Explain;

// The backward pass: δ of the output layer, the gradients of each layer, and δ of each hidden layer.
internal sealed partial class ExplanationComposer
{
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

    private void HiddenDelta(Explanation e, HiddenDeltaStep s)
    {
        int k = s.Units;
        int next = k + 1;
        int l = k;
        Heading(3, "backward.hiddenHeading", ("k", I(k)));
        MathNode rule = Row(D(k), Op("="), new MathParen(Row(W(l, transposed: true), D(next))), Op("⊙"), Derivative(s.Activation, Z(k)));
        string nextName = next == e.Sizes.Count ? _p["layer.output"] : _p.Text("layer.numbered", ("k", I(next)));
        Say("backward.hidden", ("rule", rule), ("Wt", W(l, transposed: true)), ("fprime", Derivative(s.Activation, Z(k))), ("deltaNext", D(next)),
            ("nextName", nextName));
        HiddenChainLine(s);

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
}
