using System.Globalization;
using Backprop.Cli.Commands;
using Backprop.Explain;

namespace Backprop.Cli.Serve;

/// <summary>
/// Answers the live page: checks a posted <see cref="LiveState"/> (small networks only, finite numbers, lengths that
/// agree), turns it into the options of `backprop explain` and runs exactly what that command runs
/// (<see cref="ExplainRun"/>), so the page is the command's page and the numbers are the engine's. Nothing here
/// computes a step itself.
/// </summary>
internal static class LiveExplain
{
    /// <summary>At most this many units in a layer: the largest network whose diagram is drawn.</summary>
    public const int MaxUnits = 8;

    /// <summary>At most this many layers, input and output included.</summary>
    public const int MaxLayers = 6;

    /// <summary>At most this many samples in the batch.</summary>
    public const int MaxSamples = 8;

    /// <summary>Every posted number lies within ± this.</summary>
    public const double MaxMagnitude = 1e6;

    private static readonly string[] Losses = ["cross-entropy", "mse"];

    /// <summary>Runs the step of <paramref name="state"/> and lays it out as `explain --format html` does.</summary>
    /// <exception cref="InvalidDataException">A field is missing its shape, out of range or not a finite number (the message names it).</exception>
    /// <exception cref="UsageException">explain refuses the set-up (the message names the option).</exception>
    public static LiveResult Explain(LiveState state)
    {
        (LiveState v, SampleSettings settings) = Prepare(state);
        var page = new StringWriter(CultureInfo.InvariantCulture);
        ExplainRun.Run(Explain(settings, v.Lang!, v.Weight), new CliIO(page, TextWriter.Null));

        ExplainRun.Batch batch = ExplainRun.BuildBatch(settings);
        Network<double> network = batch.Network;
        LiveState filled = v with
        {
            Weights = [.. network.DenseLayers.Select(l => Rows(l.Weights.ToArray(), l.Outputs, l.Inputs))],
            Biases = [.. network.DenseLayers.Select(l => l.Bias.ToArray())],
            Inputs = Rows(batch.X, batch.Count, network.InputSize),
            Targets = Rows(batch.T, batch.Count, network.OutputSize),
        };
        StepExplanation step = StepExplanation.Record(network, batch.X, batch.T, batch.Count, new Sgd<double>(batch.LearningRate));
        LiveQuantity[] quantities = [.. step.QuantityNames.Select(n => new LiveQuantity(n, step.Values(n)))];
        string html = page.ToString();
        return new LiveResult(MainOf(html), ExplainCommandLine.Format(ExplainCommandLine.Arguments(settings, v.Lang!, v.Weight)), filled, quantities) { Page = html };
    }

    /// <summary>The chain rule for <paramref name="weight"/> ("W2[1,1]") in the step of <paramref name="state"/>.</summary>
    /// <exception cref="UsageException"><paramref name="weight"/> is not a weight of the network.</exception>
    public static LiveChain Chain(LiveState state, string weight)
    {
        (LiveState v, SampleSettings settings) = Prepare(state);
        if (weight.Length > 40)
        {
            throw new InvalidDataException("weight: expected a name such as W2[1,1]");
        }
        ExplainRun.Batch batch = ExplainRun.BuildBatch(settings);
        StepExplanation step = StepExplanation.Record(batch.Network, batch.X, batch.T, batch.Count, new Sgd<double>(batch.LearningRate));
        if (!step.HasWeight(weight))
        {
            throw new UsageException($"weight: '{weight}' is not a weight of this network (its weights are {step.WeightNames})");
        }
        string html = MainOf(step.ComposeChainRule(v.Lang!, weight, v.Digits!.Value).ToHtml());
        return new LiveChain(weight.Trim(), html, ExplainCommandLine.Format(ExplainCommandLine.Arguments(settings, v.Lang!, weight.Trim())));
    }

    /// <summary>
    /// Checks a learner's answers (the JSON of an `explain --check` file) against the step of <paramref name="state"/>
    /// with the checker `explain --check` uses.
    /// </summary>
    /// <exception cref="InvalidDataException">The answers are malformed, name an unknown quantity or have the wrong shape.</exception>
    public static LiveCheck Check(LiveState state, string answersJson)
    {
        (LiveState v, SampleSettings settings) = Prepare(state);
        ExplainRun.Batch batch = ExplainRun.BuildBatch(settings);
        StepExplanation step = StepExplanation.Record(batch.Network, batch.X, batch.T, batch.Count, new Sgd<double>(batch.LearningRate));
        AnswerCheck check = step.Check(answersJson, "answers", v.Lang!, v.Digits!.Value);
        return new LiveCheck(check.AllAgree, MainOf(check.Page.ToHtml()));
    }

    /// <summary>
    /// The state checked and completed with explain's defaults, and the explain options that reproduce it: --weights
    /// with the values when they differ from those explain would start from, and not otherwise.
    /// </summary>
    public static (LiveState State, SampleSettings Settings) Prepare(LiveState state)
    {
        LiveState v = Validate(state);
        SampleSettings settings = new(
            Layers: string.Join(",", v.Layers!.Select(I)),
            Activation: string.Join(",", v.Activation!),
            OutputActivation: v.OutputActivation,
            Loss: v.Loss!,
            LearningRate: v.Lr!.Value,
            Threshold: ArticleExample.LossThreshold,
            MaxEpochs: ArticleExample.MaxEpochs,
            ReportEvery: ArticleExample.ReportEvery,
            Seed: v.Seed,
            Weights: null,
            Input: v.Inputs is null ? null : string.Join(";", v.Inputs.Select(x => string.Join(",", x.Select(N)))),
            Target: v.Targets is null ? null : string.Join(";", v.Targets.Select(TargetText)),
            Digits: v.Digits!.Value);
        if (v.Weights is not null && !SameAsDefault(ExplainRun.BuildBatch(settings).Network, v))
        {
            settings = settings with { Weights = WeightsJson(v), Seed = null };
        }
        return (v, settings);
    }

    /// <summary>Checks every field and fills in the defaults of the ones left out.</summary>
    /// <exception cref="InvalidDataException">The first field that is wrong, by its name.</exception>
    public static LiveState Validate(LiveState s)
    {
        ArgumentNullException.ThrowIfNull(s);
        int[] layers = s.Layers ?? [.. ArticleExample.Sizes];
        if (layers.Length is < 2 or > MaxLayers)
        {
            throw Invalid($"layers: give 2 to {MaxLayers} sizes, input first (got {layers.Length})");
        }
        for (int i = 0; i < layers.Length; i++)
        {
            if (layers[i] is < 1 or > MaxUnits)
            {
                throw Invalid($"layers: size {i + 1} is {layers[i]}; the live page shows layers of 1 to {MaxUnits} units");
            }
        }
        string[] activation = s.Activation ?? ["sigmoid"];
        int hidden = layers.Length - 2;
        if (activation.Length != 1 && activation.Length != hidden)
        {
            throw Invalid($"activation: give one activation, or one per hidden layer ({hidden}); got {activation.Length}");
        }
        for (int i = 0; i < activation.Length; i++)
        {
            CheckActivation(activation[i], $"activation[{i}]");
        }
        string loss = (s.Loss ?? "cross-entropy").Trim().ToLowerInvariant();
        if (!Losses.Contains(loss))
        {
            throw Invalid($"loss: '{Short(s.Loss!)}' is not cross-entropy or mse");
        }
        if (s.OutputActivation is not null)
        {
            if (loss != "mse")
            {
                throw Invalid("outputActivation: applies to the mse loss; cross-entropy always uses softmax");
            }
            CheckActivation(s.OutputActivation, "outputActivation");
        }
        double lr = s.Lr ?? ArticleExample.LearningRate;
        Finite(lr, "lr");
        if (!(lr > 0))
        {
            throw Invalid($"lr: η must be positive (got {N(lr)})");
        }
        if ((s.Weights is null) != (s.Biases is null))
        {
            throw Invalid("weights and biases: give both, or neither (then explain chooses them)");
        }
        if (s.Weights is not null)
        {
            if (s.Weights.Length != layers.Length - 1 || s.Biases!.Length != layers.Length - 1)
            {
                throw Invalid($"weights and biases: give one per layer ({layers.Length - 1}); got {s.Weights.Length} and {s.Biases!.Length}");
            }
            for (int l = 0; l < s.Weights.Length; l++)
            {
                Shape(s.Weights[l], layers[l + 1], layers[l], $"weights[{l}]", $"W{l + 1}");
                Vector(s.Biases[l], layers[l + 1], $"biases[{l}]", $"b{l + 1}");
            }
        }
        if (s.Inputs is not null)
        {
            if (s.Inputs.Length is < 1 or > MaxSamples)
            {
                throw Invalid($"inputs: give 1 to {MaxSamples} samples (got {s.Inputs.Length})");
            }
            for (int i = 0; i < s.Inputs.Length; i++)
            {
                Vector(s.Inputs[i], layers[0], $"inputs[{i}]", "an input");
            }
        }
        if (s.Targets is not null)
        {
            int samples = s.Inputs?.Length ?? 1;
            if (s.Targets.Length != samples)
            {
                throw Invalid($"targets: give one per sample ({samples}); got {s.Targets.Length}");
            }
            for (int i = 0; i < s.Targets.Length; i++)
            {
                Vector(s.Targets[i], layers[^1], $"targets[{i}]", "a target");
            }
        }
        int digits = s.Digits ?? 8;
        if (digits is < 0 or > 17)
        {
            throw Invalid($"digits: give 0 to 17 decimals (got {digits})");
        }
        string lang = (s.Lang ?? "en").Trim().ToLowerInvariant();
        if (!StepExplanation.Languages.Contains(lang))
        {
            throw Invalid($"lang: '{Short(s.Lang!)}' is not {string.Join(" or ", StepExplanation.Languages)}");
        }
        string? weight = string.IsNullOrWhiteSpace(s.Weight) ? null : s.Weight.Trim();
        if (weight is { Length: > 40 })
        {
            throw Invalid("weight: expected a name such as W2[1,1]");
        }
        return s with { Layers = layers, Activation = activation, Loss = loss, Lr = lr, Digits = digits, Lang = lang, Weight = weight };
    }

    /// <summary>The options of `explain --format html` for these settings.</summary>
    private static ExplainSettings Explain(SampleSettings settings, string language, string? weight) =>
        new(settings, Format: "html", Language: language, Steps: 0, Track: null, UntilConverged: false, Check: null, ArticleNotes: null, Weight: weight);

    /// <summary>The content of the page's main element: the explanation without the page around it.</summary>
    internal static string MainOf(string page)
    {
        int start = page.IndexOf("<main>", StringComparison.Ordinal);
        int end = page.LastIndexOf("</main>", StringComparison.Ordinal);
        if (start < 0 || end < start)
        {
            throw new InvalidOperationException("the explanation's HTML has no main element");
        }
        return page[(start + "<main>".Length)..end].Trim('\n');
    }

    private static bool SameAsDefault(Network<double> network, LiveState v)
    {
        for (int l = 0; l < network.DenseLayers.Count; l++)
        {
            Dense<double> layer = network.DenseLayers[l];
            ReadOnlySpan<double> w = layer.Weights;
            ReadOnlySpan<double> b = layer.Bias;
            for (int r = 0; r < layer.Outputs; r++)
            {
                if (b[r] != v.Biases![l][r] || !w.Slice(r * layer.Inputs, layer.Inputs).SequenceEqual(v.Weights![l][r]))
                {
                    return false;
                }
            }
        }
        return true;
    }

    /// <summary>The parameters as a weights file: {"W1": [[…]], "b1": […], …}, every number written so that it reads back exactly.</summary>
    internal static string WeightsJson(LiveState v)
    {
        var sb = new System.Text.StringBuilder("{");
        for (int l = 0; l < v.Weights!.Length; l++)
        {
            sb.Append(l > 0 ? ", " : "").Append(CultureInfo.InvariantCulture, $"\"W{l + 1}\": [");
            sb.AppendJoin(", ", v.Weights[l].Select(row => "[" + string.Join(", ", row.Select(N)) + "]"));
            sb.Append(CultureInfo.InvariantCulture, $"], \"b{l + 1}\": [").AppendJoin(", ", v.Biases![l].Select(N)).Append(']');
        }
        return sb.Append('}').ToString();
    }

    /// <summary>A target as explain takes it: the class index when it is one-hot, else the vector.</summary>
    private static string TargetText(double[] t)
    {
        int ones = t.Count(x => x == 1);
        int zeros = t.Count(x => x == 0);
        return t.Length > 1 && ones == 1 && ones + zeros == t.Length ? I(Array.IndexOf(t, 1.0)) : string.Join(",", t.Select(N));
    }

    private static double[][] Rows(IReadOnlyList<double> values, int rows, int columns) =>
        [.. Enumerable.Range(0, rows).Select(r => values.Skip(r * columns).Take(columns).ToArray())];

    private static void Shape(double[][]? rows, int count, int columns, string field, string name)
    {
        if (rows is null || rows.Length != count)
        {
            throw Invalid($"{field}: {name} needs {count} rows of {columns} (got {rows?.Length.ToString(CultureInfo.InvariantCulture) ?? "none"})");
        }
        for (int r = 0; r < rows.Length; r++)
        {
            Vector(rows[r], columns, $"{field}[{r}]", $"a row of {name}");
        }
    }

    private static void Vector(double[]? values, int length, string field, string what)
    {
        if (values is null || values.Length != length)
        {
            throw Invalid($"{field}: {what} needs {length} numbers (got {values?.Length.ToString(CultureInfo.InvariantCulture) ?? "none"})");
        }
        for (int i = 0; i < values.Length; i++)
        {
            Finite(values[i], $"{field}[{i}]");
        }
    }

    private static void Finite(double value, string field)
    {
        if (!double.IsFinite(value) || Math.Abs(value) > MaxMagnitude)
        {
            throw Invalid($"{field}: {N(value)} is not a finite number between -1e6 and 1e6");
        }
    }

    private static void CheckActivation(string? name, string field)
    {
        if (name is null || !ActivationFunctions.TryParse(name, out Activation a) || a == Activation.Softmax)
        {
            throw Invalid($"{field}: '{Short(name ?? "")}' is not sigmoid, tanh, relu, leaky-relu or identity");
        }
    }

    private static string Short(string text) => text.Length > 40 ? text[..40] + "…" : text;

    private static InvalidDataException Invalid(string message) => new(message);

    internal static string N(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);
}
