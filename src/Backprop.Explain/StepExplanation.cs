namespace Backprop.Explain;

/// <summary>
/// One real training step of a network, recorded for explanation: <see cref="Record"/> runs it (Forward, Backward and
/// the optimizer's Step, through <see cref="TrainingStep.Run{T}"/>), then <see cref="Compose"/> lays it out in a
/// language and <see cref="Check(string, string, string, int)"/> compares a learner's hand-computed answers with it.
/// </summary>
public sealed class StepExplanation
{
    private readonly Explanation _explanation;

    private StepExplanation(Explanation explanation) => _explanation = explanation;

    /// <summary>The languages explanations are written in ("en", "zh").</summary>
    public static IReadOnlyList<string> Languages => Prose.Languages;

    /// <summary>
    /// Runs one iteration on x (batch, in) and t (batch, out), rows as the engine takes them, and records it.
    /// The network's parameters are updated by <paramref name="optimizer"/>, as in training.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> or <paramref name="optimizer"/> is null.</exception>
    /// <exception cref="ArgumentException">The spans do not hold <paramref name="batch"/> rows.</exception>
    public static StepExplanation Record(Network<double> network, ReadOnlySpan<double> x, ReadOnlySpan<double> t, int batch, IOptimizer<double> optimizer)
        => new(StepRecorder.Record(network, x, t, batch, optimizer));

    /// <summary>The names of the quantities a learner can check or track, in the order the step computes them
    /// (z2, a2, …, loss, delta3, dW2, db2, …, W1', b1', …).</summary>
    public IReadOnlyList<string> QuantityNames => [.. _explanation.Quantities.Select(q => q.Name)];

    /// <summary>
    /// Whether this is the article's example: its network, initial parameters and single sample, the only set-up the
    /// article's printed numbers belong to.
    /// </summary>
    public bool IsArticleExample
    {
        get
        {
            Explanation e = _explanation;
            Network<double> article = ArticleExample.CreateNetwork<double>();
            if (!e.Sizes.SequenceEqual(article.Sizes) || e.Loss.GetType() != article.Loss.GetType() || !e.Activations.SequenceEqual(article.DenseLayers.Select(l => l.Activation))
                || e.BatchSize != 1 || !e.Input.Values.SequenceEqual(ArticleExample.Input) || !e.Target.Values.SequenceEqual(ArticleExample.Target))
            {
                return false;
            }
            for (int l = 0; l < article.DenseLayers.Count; l++)
            {
                if (!e.InitialWeights[l].Values.SequenceEqual(article.DenseLayers[l].Weights.ToArray()) || !e.InitialBiases[l].Values.SequenceEqual(article.DenseLayers[l].Bias.ToArray()))
                {
                    return false;
                }
            }
            return true;
        }
    }

    /// <summary>Whether <paramref name="name"/> names a weight of this network, as "W2[1,1]" (layer, row, column from 1),
    /// or in a 2-2-2 network by Mazur's label "w1" … "w8".</summary>
    public bool HasWeight(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return WeightRef.Parse(name, _explanation.Sizes) is { } w && w.IsIn(_explanation.Sizes);
    }

    /// <summary>The weights of this network, for messages: "W1[1..2,1..3], W2[1..3,1..2]".</summary>
    public string WeightNames => WeightRef.Describe(_explanation.Sizes);

    /// <summary>
    /// The engine's value of a named quantity (one of <see cref="QuantityNames"/>) as rows in the article's notation:
    /// z, a and δ are (units, batch), one column per sample; ∇W and W′ are (out, in); ∇b and b′ are (out, 1); the
    /// loss is 1×1.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not one of <see cref="QuantityNames"/>.</exception>
    public IReadOnlyList<IReadOnlyList<double>> Values(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Matrix m = _explanation.Find(name)?.Value
            ?? throw new ArgumentException($"'{name}' is not a quantity of this step ({string.Join(", ", QuantityNames)})", nameof(name));
        return [.. Enumerable.Range(0, m.Rows).Select(r => (IReadOnlyList<double>)[.. Enumerable.Range(0, m.Columns).Select(c => m[r, c])])];
    }

    /// <summary>
    /// Only the chain rule for one weight, as <see cref="ComposeOptions.Weight"/> adds it to <see cref="Compose"/>'s
    /// page: ∂L/∂w factor by factor, each factor with the engine's number.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="language"/> is not one of <see cref="Languages"/>, or
    /// <paramref name="weight"/> is not a weight of this network (see <see cref="HasWeight"/>).</exception>
    public ExplainPage ComposeChainRule(string language, string weight, int digits)
    {
        ArgumentNullException.ThrowIfNull(weight);
        WeightRef w = WeightRef.Parse(weight, _explanation.Sizes) is { } parsed && parsed.IsIn(_explanation.Sizes)
            ? parsed
            : throw new ArgumentException($"'{weight}' is not a weight of this network ({WeightNames})", nameof(weight));
        return new ExplainPage(ExplanationComposer.ComposeChain(_explanation, Load(language), digits, w));
    }

    /// <summary>
    /// The network of the step as a Graphviz DOT graph: each unit with its z, a and δ, each edge with w and ∇w
    /// (colour by sign, width by size of w); null when a layer has more than 8 units.
    /// </summary>
    /// <param name="digits">Decimals shown (at most 4).</param>
    public string? ToDot(int digits = 4) => NetworkGraph.From(_explanation, digits)?.ToDot();

    /// <summary>The step laid out in <paramref name="language"/>: set-up, forward, loss, backward, update, and what the options add.</summary>
    /// <exception cref="ArgumentException"><paramref name="language"/> is not one of <see cref="Languages"/>, or
    /// <see cref="ComposeOptions.Weight"/> is not a weight of this network.</exception>
    public ExplainPage Compose(string language, ComposeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Weight is { } weight && !HasWeight(weight))
        {
            throw new ArgumentException($"'{weight}' is not a weight of this network ({WeightNames})", nameof(options));
        }
        return new ExplainPage(ExplanationComposer.Compose(_explanation, Load(language), options));
    }

    /// <summary>
    /// A quiz on the step, for <see cref="ExplainPage.ToHtml"/>: its set-up, then a blank for every quantity (z, a, the
    /// loss, δ, ∇W, ∇b, W′, b′) that the page checks in the browser, right or wrong, against the engine's values, which
    /// it carries (the answers are in the page). New or inherited errors and hints come from <see cref="Check(string, string, string, int)"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="language"/> is not one of <see cref="Languages"/>.</exception>
    public ExplainPage ComposeQuiz(string language, ComposeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ExplainPage(ExplanationComposer.ComposeQuiz(_explanation, Load(language), options));
    }

    /// <summary>
    /// Compares an answers file (a JSON object from quantity names to numbers, lists or lists of rows) with the step:
    /// a value agrees when the exact one, rounded to as many decimals as the learner wrote, equals it.
    /// </summary>
    /// <param name="answersJson">The answers file's text.</param>
    /// <param name="source">The file's name, for messages.</param>
    /// <param name="language">The language of the verdicts.</param>
    /// <param name="digits">Decimals shown for the exact values.</param>
    /// <exception cref="InvalidDataException">The JSON is malformed, names an unknown quantity, repeats one, holds
    /// something other than numbers, or a shape disagrees with the step (the message names which).</exception>
    /// <exception cref="ArgumentException"><paramref name="language"/> is not one of <see cref="Languages"/>.</exception>
    public AnswerCheck Check(string answersJson, string source, string language, int digits)
    {
        Prose prose = Load(language);
        return Verdicts(AnswerChecker.Check(_explanation, answersJson, source), prose, digits);
    }

    /// <summary>
    /// Compares answers already taken apart (from a form, say) with the step, by the same rules as
    /// <see cref="Check(string, string, string, int)"/>: each quantity's entries as number texts, row by row in the
    /// step's shape (a vector one entry per unit; with a batch, z, a and δ unit by unit, a column per sample).
    /// </summary>
    /// <param name="answers">Quantity name → its entries as written ("0.7", "1.6e-1").</param>
    /// <param name="source">Where the answers came from, for messages.</param>
    /// <param name="language">The language of the verdicts.</param>
    /// <param name="digits">Decimals shown for the exact values.</param>
    /// <exception cref="InvalidDataException">A name is unknown, a quantity has the wrong number of entries, an entry is not
    /// a number, or there are no answers (the message names which).</exception>
    /// <exception cref="ArgumentException"><paramref name="language"/> is not one of <see cref="Languages"/>.</exception>
    public AnswerCheck Check(IReadOnlyDictionary<string, IReadOnlyList<string>> answers, string source, string language, int digits)
    {
        Prose prose = Load(language);
        return Verdicts(AnswerChecker.Check(_explanation, answers, source), prose, digits);
    }

    private static AnswerCheck Verdicts(CheckReport report, Prose prose, int digits) =>
        new(report.AllAgree, new ExplainPage(ExplanationComposer.ComposeCheck(report, prose, digits)))
        {
            Verdicts = [.. report.Results.SelectMany(r => r.Entries.Select(e =>
                new AnswerVerdict(r.Name, e.Row + 1, e.Column + 1, e.Given, e.Exact, e.Agrees, !r.Agrees && r.Inherited)))],
        };

    private static Prose Load(string language)
    {
        ArgumentNullException.ThrowIfNull(language);
        return Prose.Load(language);
    }
}
