namespace Backprop.Explain;

// The forward pass: z = W a + b, then a = f(z) for each layer (softmax shown term by term).
internal sealed partial class ExplanationComposer
{
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
}
