using System.Globalization;

namespace Backprop.Explain;

/// <summary>
/// What a teacher sees in a wrong answer: each quantity recomputed from the learner's own earlier answers with the
/// engine's formula (z from their a, a from their z, δ from their a and δ, ∇W from their δ and a, W′ from their ∇W),
/// so that an error is marked new (it does not follow from their earlier values) or inherited (it does); and hints
/// for the usual slips: a flipped sign, a transposed matrix, σ′ taken of the wrong variable, η or the batch mean
/// left out. Quantities the learner did not give are taken as exact.
/// </summary>
internal static class AnswerTutor
{
    /// <summary>The hints a wrong answer can get; the prose keys are "check.hint." and the name in lower case.</summary>
    public enum Hint
    {
        Sign,
        Transposed,
        Slope,
        Eta,
        BatchMean,
    }

    /// <summary>The value of <paramref name="name"/> that the learner's own earlier answers lead to, or null when no formula applies.</summary>
    public static Matrix? Consistent(Explanation e, string name, IReadOnlyDictionary<string, Matrix> given)
    {
        Matrix Get(string n) => given.TryGetValue(n, out Matrix? m) ? m : e.Find(n)!.Value;
        int last = e.Sizes.Count;
        int batch = e.BatchSize;
        if (name == "loss")
        {
            Matrix a = Get("a" + I(last));
            double sum = 0;
            for (int r = 0; r < a.Rows; r++)
            {
                for (int c = 0; c < a.Columns; c++)
                {
                    double t = e.Target[r, c];
                    sum += e.Loss is SoftmaxCrossEntropy ? (t == 0 ? 0 : -t * Math.Log(a[r, c])) : (a[r, c] - t) * (a[r, c] - t);
                }
            }
            return Matrix.Scalar(e.Loss is SoftmaxCrossEntropy ? sum / batch : sum / (batch * a.Rows));
        }
        if (name.EndsWith('\''))
        {
            int l = Number(name[1..^1]);
            bool bias = name[0] == 'b';
            Matrix before = bias ? e.InitialBiases[l - 1] : e.InitialWeights[l - 1];
            Matrix exact = e.Find(name)!.Value;
            if (bias && exact.Values.SequenceEqual(before.Values))
            {
                return before; // frozen biases
            }
            Matrix gradient = Get((bias ? "db" : "dW") + I(l));
            return Combine(before, gradient, (p, g) => p - e.LearningRate * g);
        }
        if (name.StartsWith("delta", StringComparison.Ordinal))
        {
            int k = Number(name[5..]);
            Matrix a = Get("a" + I(k));
            Activation f = e.Activations[k - 2];
            if (k == last)
            {
                return e.Loss is SoftmaxCrossEntropy
                    ? Combine(a, e.Target, (x, t) => (x - t) / batch)
                    : Combine(a, e.Target, (x, t) => 2.0 / (batch * a.Rows) * (x - t) * ActivationFunctions.ScalarDerivative(f, x));
            }
            Matrix back = Multiply(e.InitialWeights[k - 1].Transpose(), Get("delta" + I(k + 1)));
            return Combine(back, a, (b, x) => b * ActivationFunctions.ScalarDerivative(f, x));
        }
        if (name.StartsWith("dW", StringComparison.Ordinal))
        {
            int l = Number(name[2..]);
            return Multiply(Get("delta" + I(l + 1)), (l == 1 ? e.Input : Get("a" + I(l))).Transpose());
        }
        if (name.StartsWith("db", StringComparison.Ordinal))
        {
            Matrix delta = Get("delta" + I(Number(name[2..]) + 1));
            return new Matrix(delta.Rows, 1, [.. Enumerable.Range(0, delta.Rows).Select(r => Enumerable.Range(0, delta.Columns).Sum(c => delta[r, c]))]);
        }
        int layer = Number(name[1..]);
        if (name[0] == 'z')
        {
            Matrix input = layer == 2 ? e.Input : Get("a" + I(layer - 1));
            Matrix bias = e.InitialBiases[layer - 2];
            Matrix product = Multiply(e.InitialWeights[layer - 2], input);
            return new Matrix(product.Rows, product.Columns, [.. Enumerable.Range(0, product.Count).Select(i => product.Values[i] + bias[i / product.Columns, 0])]);
        }
        return Activate(e.Activations[layer - 2], Get("z" + I(layer)));
    }

    /// <summary>The usual slips that explain a wrong answer, tried against the value from the learner's own answers.</summary>
    public static IReadOnlyList<Hint> Hints(Explanation e, string name, Matrix answer, IReadOnlyList<int> decimals, Matrix reference,
        IReadOnlyDictionary<string, Matrix> given)
    {
        var hints = new List<Hint>();
        Matrix Get(string n) => given.TryGetValue(n, out Matrix? m) ? m : e.Find(n)!.Value;
        if (Close(answer, reference.Map(v => -v), decimals))
        {
            hints.Add(Hint.Sign);
        }
        if (reference.Rows == reference.Columns && reference.Rows > 1 && Close(answer, reference.Transpose(), decimals))
        {
            hints.Add(Hint.Transposed);
        }
        int batch = e.BatchSize;
        if (batch > 1 && (name == "loss" || name.StartsWith("delta", StringComparison.Ordinal) || name.StartsWith('d'))
            && Close(answer, reference.Map(v => v * batch), decimals))
        {
            hints.Add(Hint.BatchMean);
        }
        if (name.EndsWith('\''))
        {
            int l = Number(name[1..^1]);
            bool bias = name[0] == 'b';
            Matrix before = bias ? e.InitialBiases[l - 1] : e.InitialWeights[l - 1];
            if (Close(answer, Combine(before, Get((bias ? "db" : "dW") + I(l)), (p, g) => p - g), decimals))
            {
                hints.Add(Hint.Eta);
            }
        }
        if (name.StartsWith("delta", StringComparison.Ordinal))
        {
            int k = Number(name[5..]);
            Activation f = e.Activations[k - 2];
            if (f is Activation.Sigmoid or Activation.Tanh)
            {
                Matrix z = Get("z" + I(k));
                Matrix a = Get("a" + I(k));
                // σ′ evaluated at a (σ(a)(1 − σ(a))) or the formula a(1 − a) applied to z: both take the wrong variable.
                Matrix atA = a.Map(x => ActivationFunctions.ScalarDerivative(f, ActivationFunctions.Scalar(f, x)));
                Matrix onZ = z.Map(x => ActivationFunctions.ScalarDerivative(f, x));
                Matrix slope = a.Map(x => ActivationFunctions.ScalarDerivative(f, x));
                foreach (Matrix wrong in new[] { atA, onZ })
                {
                    Matrix candidate = Combine(Combine(reference, slope, (d, s) => s == 0 ? 0 : d / s), wrong, (d, s) => d * s);
                    if (Close(answer, candidate, decimals))
                    {
                        hints.Add(Hint.Slope);
                        break;
                    }
                }
            }
        }
        return hints;
    }

    /// <summary>Whether every entry of the answer is within its written precision (plus a little for rounded inputs) of the candidate.</summary>
    public static bool Close(Matrix answer, Matrix candidate, IReadOnlyList<int> decimals)
    {
        if (answer.Rows != candidate.Rows || answer.Columns != candidate.Columns)
        {
            return false;
        }
        for (int i = 0; i < answer.Count; i++)
        {
            double c = candidate.Values[i];
            if (!(Math.Abs(answer.Values[i] - c) <= Math.Pow(10, -decimals[i]) + 1e-3 * Math.Abs(c)))
            {
                return false;
            }
        }
        return true;
    }

    private static Matrix Activate(Activation f, Matrix z)
    {
        if (f != Activation.Softmax)
        {
            return z.Map(v => ActivationFunctions.Scalar(f, v));
        }
        var values = new double[z.Count];
        for (int c = 0; c < z.Columns; c++)
        {
            double max = Enumerable.Range(0, z.Rows).Max(r => z[r, c]);
            double sum = Enumerable.Range(0, z.Rows).Sum(r => Math.Exp(z[r, c] - max));
            for (int r = 0; r < z.Rows; r++)
            {
                values[r * z.Columns + c] = Math.Exp(z[r, c] - max) / sum;
            }
        }
        return new Matrix(z.Rows, z.Columns, values);
    }

    private static Matrix Multiply(Matrix x, Matrix y)
    {
        var values = new double[x.Rows * y.Columns];
        for (int r = 0; r < x.Rows; r++)
        {
            for (int c = 0; c < y.Columns; c++)
            {
                double sum = 0;
                for (int j = 0; j < x.Columns; j++)
                {
                    sum += x[r, j] * y[j, c];
                }
                values[r * y.Columns + c] = sum;
            }
        }
        return new Matrix(x.Rows, y.Columns, values);
    }

    private static Matrix Combine(Matrix x, Matrix y, Func<double, double, double> f) =>
        new(x.Rows, x.Columns, [.. Enumerable.Range(0, x.Count).Select(i => f(x.Values[i], y.Values[i]))]);

    private static int Number(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
}
