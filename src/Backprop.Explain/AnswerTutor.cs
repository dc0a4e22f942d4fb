using System.Globalization;

namespace Backprop.Explain;

/// <summary>
/// What a teacher sees in a wrong answer: each quantity recomputed from the learner's own earlier answers with the
/// engine's formula (z from their a, a from their z, δ from their a and δ, ∇W from their δ and a, W′ from their ∇W),
/// so that an error is marked new (it does not follow from their earlier values) or inherited (it does); and hints
/// for the usual slips: a flipped sign, a transposed matrix, σ′ taken of the wrong variable, η or the batch mean
/// left out. Quantities the learner did not give are taken as exact. The maths is the engine's (<see cref="EngineFormulas"/>);
/// only the hints' guesses at a slip are written here.
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

    /// <summary>
    /// The value of <paramref name="name"/> that the learner's own earlier answers lead to, computed by the engine
    /// (<see cref="EngineFormulas"/>) with the step's weights; null when no formula applies.
    /// </summary>
    public static Matrix? Consistent(Explanation e, string name, IReadOnlyDictionary<string, Matrix> given)
    {
        Matrix Get(string n) => given.TryGetValue(n, out Matrix? m) ? m : e.Find(n)!.Value;
        int last = e.Sizes.Count;
        if (name == "loss")
        {
            return EngineFormulas.LossValue(e.Loss, e.Activations[^1], Get("a" + I(last)), e.Target) is double loss ? Matrix.Scalar(loss) : null;
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
            return EngineFormulas.Update(before, Get((bias ? "db" : "dW") + I(l)), e.LearningRate);
        }
        if (name.StartsWith("delta", StringComparison.Ordinal))
        {
            int k = Number(name[5..]);
            Matrix a = Get("a" + I(k));
            Activation f = e.Activations[k - 2];
            if (k == last)
            {
                return EngineFormulas.OutputDelta(e.Loss, f, a, e.Target);
            }
            Matrix back = EngineFormulas.Backward(e.InitialWeights[k - 1], a, Get("delta" + I(k + 1))).Back;
            return EngineFormulas.TimesSlope(f, back, a);
        }
        if (name.StartsWith("dW", StringComparison.Ordinal) || name.StartsWith("db", StringComparison.Ordinal))
        {
            int l = Number(name[2..]);
            (_, Matrix weights, Matrix biases) = EngineFormulas.Backward(e.InitialWeights[l - 1], l == 1 ? e.Input : Get("a" + I(l)), Get("delta" + I(l + 1)));
            return name[1] == 'W' ? weights : biases;
        }
        int layer = Number(name[1..]);
        if (name[0] == 'z')
        {
            return EngineFormulas.Linear(e.InitialWeights[layer - 2], e.InitialBiases[layer - 2], layer == 2 ? e.Input : Get("a" + I(layer - 1)));
        }
        return EngineFormulas.Activate(e.Activations[layer - 2], Get("z" + I(layer)));
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
            if (Close(answer, EngineFormulas.Update(before, Get((bias ? "db" : "dW") + I(l)), 1), decimals))
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

    private static Matrix Combine(Matrix x, Matrix y, Func<double, double, double> f) =>
        new(x.Rows, x.Columns, [.. Enumerable.Range(0, x.Count).Select(i => f(x.Values[i], y.Values[i]))]);

    private static int Number(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
}
