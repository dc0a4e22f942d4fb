namespace Backprop.Explain;

// The chain rule written out: for one chosen weight, ∂L/∂w as its factors with each factor's number (Mazur-style),
// and the short derivations behind the output error (δ = a − t for softmax with cross-entropy, the MSE form).
internal sealed partial class ExplanationComposer
{
    private static MathNode Partial(MathNode top, MathNode bottom) => new MathFraction(Row(Op("∂"), top), Row(Op("∂"), bottom));

    private static MathSymbol Entry(string name, int layer, string index) => new(name, Layer: layer, Index: index);

    /// <summary>∂L/∂w for the weight of <see cref="ComposeOptions.Weight"/>, factor by factor, numbers from the recorded step.</summary>
    private void ChainRule(Explanation e, WeightRef w)
    {
        int l = w.Layer;
        int k = l + 1;                       // the layer whose z the weight feeds
        int i = w.Row - 1;
        int j = w.Column - 1;
        string ij = I(w.Row) + "," + I(w.Column);
        MathSymbol weight = Entry("W", l, ij);
        MathSymbol zi = Entry("z", k, I(w.Row));
        MathSymbol di = Entry("δ", k, I(w.Row));
        MathSymbol aj = Entry("a", l, I(w.Column));
        Matrix delta = e.Find("delta" + I(k))!.Value;
        Matrix input = l == 1 ? e.Input : e.Find("a" + I(l))!.Value;
        Matrix gradient = e.Find("dW" + I(l))!.Value;
        int batch = delta.Columns;
        string label = WeightRef.IsMazur(e.Sizes) ? TextMathLayout.Symbol(weight) + " = " + TextMathLayout.Symbol(new MathSymbol("w", Index: I(w.MazurNumber))) : TextMathLayout.Symbol(weight);
        Heading(3, "chain.heading", ("w", label));
        Say("chain.intro", ("w", weight), ("from", I(w.Column)), ("fromLayer", I(l)), ("to", I(w.Row)), ("toLayer", I(k)), ("z", zi),
            ("rule", Row(zi, Op("="), Op("⋯"), Op("+"), weight, aj, Op("+"), Op("⋯"))));
        MathNode product = batch == 1
            ? Row(Operand(delta[i, 0]), Op("×"), Operand(input[j, 0]))
            : Row([.. Enumerable.Range(0, batch).SelectMany(s => (MathNode[])[.. s > 0 ? [Op("+")] : Array.Empty<MathNode>(),
                Operand(delta[i, s]), Op("×"), Operand(input[j, s])])]);
        Equation(
            Line(Partial(LossSymbol, weight), Row(Partial(LossSymbol, zi), Op("·"), Partial(zi, weight))),
            Line(null, batch == 1 ? Row(di, Op("·"), aj) : Row(new MathSum("s"), di, Op("·"), aj)),
            Line(null, product),
            Result(Num(gradient[i, j])));
        if (batch > 1)
        {
            Say("chain.batch", ("batch", I(batch)));
        }
        if (k == e.Sizes.Count)
        {
            Say("chain.outputDelta", ("delta", di));
            OutputDeltaStep output = e.Steps.OfType<OutputDeltaStep>().Single();
            if (output.Derivative is { } slope && batch == 1)
            {
                // Mazur's three factors: ∂L/∂a (display only: 2/(B n) (a − t)) times the engine's f′(z) gives δ.
                MathSymbol aOut = Entry("a", k, I(w.Row));
                double scale = 2.0 / (output.A.Rows * batch);
                Say("chain.outputFactors", ("delta", di));
                Equation(
                    Line(di, Row(Partial(LossSymbol, aOut), Op("·"), Partial(aOut, zi))),
                    Line(null, Row(new MathFraction(Int(2), Int(output.A.Rows * batch)), new MathParen(Row(Num(output.A[i, 0]), Op("−"), Operand(output.Target[i, 0]))),
                        Op("·"), new MathFunction(ActivationSymbol(output.Activation), zi, Prime: true))),
                    Line(null, Row(Operand(scale * (output.A[i, 0] - output.Target[i, 0])), Op("×"), Operand(slope[i, 0]))),
                    Result(Num(delta[i, 0])));
            }
            return;
        }

        // A hidden unit: its δ gathers the errors of every unit of the next layer it feeds.
        int next = k + 1;
        HiddenDeltaStep hidden = e.Steps.OfType<HiddenDeltaStep>().First(s => s.Units == k);
        Matrix nextDelta = e.Find("delta" + I(next))!.Value;
        Matrix nextWeights = e.InitialWeights[k - 1];
        MathSymbol ai = Entry("a", k, I(w.Row));
        MathSymbol zq = Entry("z", next, "k");
        Say("chain.hidden", ("delta", di), ("next", I(next)), ("units", I(nextWeights.Rows)));
        var sumTerms = new List<MathNode>();
        for (int r = 0; r < nextWeights.Rows; r++)
        {
            if (r > 0)
            {
                sumTerms.Add(Op("+"));
            }
            sumTerms.Add(Operand(nextDelta[r, 0]));
            sumTerms.Add(Op("×"));
            sumTerms.Add(Operand(nextWeights[r, i]));
        }
        var lines = new List<EquationLine>
        {
            Line(di, Row(Partial(LossSymbol, zi), Op("="), new MathParen(Row(new MathSum("k"), Partial(LossSymbol, zq), Op("·"), Partial(zq, ai))), Op("·"), Partial(ai, zi))),
            Line(null, Row(new MathParen(Row(new MathSum("k"), Entry("δ", next, "k"), Op("·"), new MathSymbol("W", Layer: k, Index: "k," + I(w.Row)))), Op("·"),
                new MathFunction(ActivationSymbol(hidden.Activation), zi, Prime: true))),
        };
        if (batch == 1)
        {
            lines.Add(Line(null, Row(new MathParen(Row([.. sumTerms])), Op("×"), Operand(hidden.Derivative[i, 0]))));
            lines.Add(Result(Num(delta[i, 0])));
        }
        else
        {
            lines.Add(Result(Cells(1, batch, (_, s) => Num(delta[i, s]))));
        }
        Equation([.. lines]);
    }

    private static string ActivationSymbol(Activation a) => a switch
    {
        Activation.Sigmoid => "σ",
        Activation.Tanh => "tanh",
        Activation.Relu => "ReLU",
        Activation.LeakyRelu => "LeakyReLU",
        _ => "f",
    };

    /// <summary>Why the output error is what it is: δ = a − t for softmax with cross-entropy, the MSE chain otherwise.</summary>
    private void OutputDerivation(OutputDeltaStep s)
    {
        int k = s.Units;
        MathSymbol ai = Entry("a", k, "i");
        MathSymbol zi = Entry("z", k, "i");
        var ti = new MathSymbol("t", Index: "i");
        if (s.Loss is SoftmaxCrossEntropy && s.Activation == Activation.Softmax)
        {
            MathSymbol aq = Entry("a", k, "k");
            var tq = new MathSymbol("t", Index: "k");
            Say("derive.softmax", ("partialA", Row(Partial(LossSymbol, aq), Op("="), Op("−"), new MathFraction(tq, aq))),
                ("partialZ", Row(Partial(aq, zi), Op("="), aq, new MathParen(Row(Op("[k = i]"), Op("−"), ai)))), ("sum", Row(new MathSum("k"), tq, Op("="), Int(1))));
            Equation(
                Line(Entry("δ", k, "i"), Row(Partial(LossSymbol, zi), Op("="), new MathSum("k"), Partial(LossSymbol, aq), Op("·"), Partial(aq, zi))),
                Line(null, Row(new MathSum("k"), new MathParen(Row(Op("−"), new MathFraction(tq, aq))), Op("·"), aq, new MathParen(Row(Op("[k = i]"), Op("−"), ai)))),
                Line(null, Row(Op("−"), ti, Op("+"), ai, new MathSum("k"), tq)),
                Line(null, Row(ai, Op("−"), ti)));
            return;
        }
        if (s.Loss is not SoftmaxCrossEntropy)
        {
            var bn = Row(new MathSymbol("B"), new MathSymbol("n"));
            MathNode fprime = new MathFunction(ActivationSymbol(s.Activation), zi, Prime: true);
            Say("derive.mse", ("partialA", Row(Partial(LossSymbol, ai), Op("="), new MathFraction(Int(2), bn), new MathParen(Row(ai, Op("−"), ti)))),
                ("partialZ", Row(Partial(ai, zi), Op("="), fprime)));
            Equation(
                Line(Entry("δ", k, "i"), Row(Partial(LossSymbol, zi), Op("="), Partial(LossSymbol, ai), Op("·"), Partial(ai, zi))),
                Line(null, Row(new MathFraction(Int(2), bn), new MathParen(Row(ai, Op("−"), ti)), Op("·"), fprime)));
            if (s.A.Rows * s.A.Columns == 2 && s.Activation == Activation.Sigmoid)
            {
                Say("derive.mseHalf");
            }
        }
    }

    /// <summary>The article's chain-rule line for a hidden layer's error, and what each factor is.</summary>
    private void HiddenChainLine(HiddenDeltaStep s)
    {
        int k = s.Units;
        int next = k + 1;
        MathNode fprime = Derivative(s.Activation, Z(k));
        Say("derive.hidden", ("chain", Row(D(k), Op("="), Partial(LossSymbol, Z(next)), Op("·"), Partial(Z(next), A(k)), Op("·"), Partial(A(k), Z(k)))),
            ("dz", Row(Partial(Z(next), A(k)), Op("="), W(k, transposed: true))), ("da", Row(Partial(A(k), Z(k)), Op("="), fprime)),
            ("delta", Row(Partial(LossSymbol, Z(next)), Op("="), D(next))));
    }
}
