using System.Globalization;
using Backprop.Explain;

namespace Backprop.Cli.Commands;

/// <summary>
/// Runs `explain`: builds the network and batch with <see cref="SampleSetup"/> (so explain and train agree on every
/// option), or from a trained model and one row with <see cref="ExplainModel"/>, records one real step, and renders
/// it, or checks an answers file against it.
/// </summary>
internal static class ExplainRun
{
    public static IReadOnlyList<string> Formats { get; } = ["text", "markdown", "html", "dot"];

    /// <summary>The most units a layer (and samples a batch) may have for --quiz: every value is a blank to fill in by hand.</summary>
    private const int QuizLimit = 8;

    public static int Run(ExplainSettings settings, CliIO io)
    {
        string format = settings.Format.Trim().ToLowerInvariant() switch
        {
            "md" => "markdown",
            var f => f,
        };
        if (!Formats.Contains(format))
        {
            throw new UsageException($"--format: unknown format '{settings.Format}' (expected {string.Join(", ", Formats)})");
        }
        string language = settings.Language.Trim().ToLowerInvariant();
        if (!StepExplanation.Languages.Contains(language))
        {
            throw new UsageException($"--lang: unknown language '{settings.Language}' (expected {string.Join(" or ", StepExplanation.Languages)})");
        }
        if (settings.Steps < 0)
        {
            throw new UsageException($"--steps must be zero or more (got {settings.Steps})");
        }
        if (settings.Track is not null && settings.Steps == 0)
        {
            throw new UsageException("--track shows quantities in the table of --steps; give --steps N too");
        }
        if (format == "dot" && (settings.Check is not null || settings.Steps > 0 || settings.UntilConverged))
        {
            throw new UsageException("--format dot draws the network of one step; leave out --check, --steps and --until-converged");
        }
        if (settings.Check is not null && (settings.Steps > 0 || settings.UntilConverged))
        {
            throw new UsageException("--check compares one step with your answers; leave out --steps and --until-converged");
        }

        if (settings.Quiz is not null && (settings.Check is not null || settings.Steps > 0 || settings.UntilConverged || settings.Weight is not null || settings.FormatGiven))
        {
            throw new UsageException("--quiz writes a page of blanks for one step; leave out --check, --steps, --until-converged, --weight and --format");
        }
        if (settings.Quiz is not null)
        {
            new OutputFiles().Input("--weights", settings.Model is null ? settings.Sample.Weights : null).Input("--model", settings.Model?.Path)
                .Output("--quiz", settings.Quiz).Check();
        }

        if (settings.Model is not null && settings.UntilConverged)
        {
            throw new UsageException("--until-converged trains a network from its initial parameters; a model from --model is already trained (use --steps N)");
        }

        Batch batch;
        ParameterSource source;
        if (settings.Model is { } fromModel)
        {
            if (settings.Sample.Digits is < 0 or > 17)
            {
                throw new UsageException($"--digits must be between 0 and 17 (got {settings.Sample.Digits})");
            }
            batch = BuildModelBatch(fromModel);
            source = new ParameterSource(ParameterSourceKind.Model, fromModel.Path);
        }
        else
        {
            batch = BuildBatch(settings.Sample);
            source = Source(settings.Sample);
        }
        Network<double> network = batch.Network;
        IOptimizer<double> optimizer = new Sgd<double>(batch.LearningRate);
        if (settings.FreezeBiases)
        {
            optimizer = new FrozenBiases(network, optimizer);
        }
        StepExplanation explanation = StepExplanation.Record(network, batch.X, batch.T, batch.Count, optimizer);

        if (settings.Weight is { } weight && !explanation.HasWeight(weight))
        {
            throw new UsageException($"--weight: '{weight}' is not a weight of this network (its weights are {explanation.WeightNames})");
        }
        ExplainPage page;
        int exit = Cli.Ok;
        if (settings.Quiz is { } quizPath)
        {
            if (network.Sizes.Any(s => s > QuizLimit) || batch.Count > QuizLimit)
            {
                throw new UsageException($"--quiz asks for every value by hand, so for networks of at most {QuizLimit} units a layer and {QuizLimit} samples; this one is {string.Join("-", network.Sizes)} with {batch.Count}");
            }
            string html = explanation.ComposeQuiz(language, new ComposeOptions(settings.Sample.Digits, source, Model: batch.Model, FreezeBiases: settings.FreezeBiases)).ToHtml();
            byte[] bytes = System.Text.Encoding.UTF8.GetBytes(html);
            AtomicFile.Write(quizPath, stream => stream.Write(bytes));
            return Cli.Ok;
        }
        if (settings.Check is not null)
        {
            if (!File.Exists(settings.Check))
            {
                throw new FileNotFoundException($"{settings.Check}: no such answers file", settings.Check);
            }
            AnswerCheck check = explanation.Check(File.ReadAllText(settings.Check), settings.Check, language, settings.Sample.Digits);
            page = check.Page;
            exit = check.AllAgree ? Cli.Ok : Cli.Failure;
        }
        else
        {
            string[] tracked = settings.Track is null ? [] : settings.Track.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            foreach (string name in tracked)
            {
                if (!explanation.QuantityNames.Contains(name))
                {
                    throw new UsageException($"--track: unknown quantity '{name}' (this network has {string.Join(", ", explanation.QuantityNames)})");
                }
            }
            FurtherSteps? further = settings.Steps > 0
                ? FurtherSteps.Run(network, batch.X, batch.T, batch.Count, optimizer, settings.Steps, tracked)
                : null;
            ConvergenceSummary? convergence = null;
            if (settings.UntilConverged)
            {
                // A fresh network from the same options, trained exactly as `train` trains it.
                Batch fresh = BuildBatch(settings.Sample);
                convergence = ConvergenceSummary.Run(fresh.Network, fresh.Data, settings.Sample.LearningRate, settings.Sample.Threshold, settings.Sample.MaxEpochs,
                    settings.FreezeBiases);
            }
            bool notes = settings.ArticleNotes ?? explanation.IsArticleExample;
            page = explanation.Compose(language, new ComposeOptions(settings.Sample.Digits, source, notes, further, convergence, batch.Model, settings.Weight, settings.FreezeBiases));
        }

        if (format == "dot")
        {
            io.Out.Write(explanation.ToDot(settings.Sample.Digits)
                ?? throw new UsageException($"--format dot draws networks of at most 8 units a layer; this one is {string.Join("-", network.Sizes)}"));
            io.Out.Flush();
            return exit;
        }
        switch (format)
        {
            case "markdown":
                io.Out.Write(page.ToMarkdown());
                break;
            case "html":
                io.Out.Write(page.ToHtml());
                break;
            default:
                page.WriteText(io.Out, UseColour(io.Out));
                break;
        }
        io.Out.Flush();
        return exit;
    }

    /// <summary>`explain --program LANGUAGE`: the article's training program, written again in our own code.</summary>
    public static int PrintProgram(string language, CliIO io)
    {
        string name = language.Trim().ToLowerInvariant() switch
        {
            "py" => "python",
            "cs" or "c#" => "csharp",
            var l => l,
        };
        if (!ArticleProgram.Languages.Contains(name))
        {
            throw new UsageException($"--program: unknown language '{language}' (expected {string.Join(" or ", ArticleProgram.Languages)})");
        }
        io.Out.Write(ArticleProgram.Source(name));
        io.Out.Flush();
        return Cli.Ok;
    }

    /// <summary>The network and the samples of the step, with its learning rate; <see cref="Model"/> when it comes from --model.</summary>
    internal sealed record Batch(Network<double> Network, double[] X, double[] T, int Count, Dataset<double> Data, double LearningRate, ModelRow? Model = null);

    /// <summary>One row for a trained model, prepared by <see cref="ExplainModel"/>.</summary>
    private static Batch BuildModelBatch(ExplainModelOptions options)
    {
        ModelBatch m = ExplainModel.Build(options);
        var data = new Dataset<double>(m.X, m.X.Length, m.T, m.T.Length);
        return new Batch(m.Network, m.X, m.T, 1, data, m.LearningRate, m.Row);
    }

    /// <summary>The samples of the batch: --input rows separated by ';', each checked by <see cref="SampleSetup"/>.</summary>
    internal static Batch BuildBatch(SampleSettings s)
    {
        string[]? inputs = s.Input?.Split(';', StringSplitOptions.TrimEntries);
        string[]? targets = s.Target?.Split(';', StringSplitOptions.TrimEntries);
        if (inputs is not null && targets is not null && targets.Length != inputs.Length)
        {
            throw new UsageException($"--input has {inputs.Length} samples (separated by ';') but --target has {targets.Length}");
        }
        if (inputs is null && targets is { Length: > 1 })
        {
            throw new UsageException($"--target has {targets.Length} samples but there is one input; give --input with as many samples");
        }
        int count = inputs?.Length ?? 1;
        if (count > 64)
        {
            throw new UsageException($"--input has {count} samples; explain shows a small batch (at most 64)");
        }
        SampleSetup? first = null;
        var x = new List<double>();
        var t = new List<double>();
        for (int i = 0; i < count; i++)
        {
            SampleSetup row;
            try
            {
                row = SampleSetup.Create(s with { Input = inputs?[i], Target = targets?[i] });
            }
            catch (UsageException e) when (count > 1)
            {
                throw new UsageException($"sample {i + 1}: {e.Message}");
            }
            if (row.Network.Loss is not (SoftmaxCrossEntropy or MeanSquaredError))
            {
                throw new UsageException($"--loss {row.Network.Loss.Name}: explain writes out cross-entropy and mse only");
            }
            first ??= row;
            var xi = new double[row.Data.FeatureCount];
            var ti = new double[row.Data.OutputCount];
            row.Data.Row(0).CopyTo(xi);
            if (row.Data.IsClassification)
            {
                ti[row.Data.Labels[0]] = 1;
            }
            else
            {
                row.Data.Targets[..ti.Length].CopyTo(ti);
            }
            x.AddRange(xi);
            t.AddRange(ti);
        }
        double[] xs = [.. x];
        double[] ts = [.. t];
        var data = new Dataset<double>(xs, first!.Data.FeatureCount, ts, first.Data.OutputCount);
        return new Batch(first.Network, xs, ts, count, data, s.LearningRate);
    }

    private static ParameterSource Source(SampleSettings s)
    {
        if (s.Weights is not null)
        {
            return new ParameterSource(ParameterSourceKind.File, SampleSetup.IsInlineWeights(s.Weights) ? "--weights" : s.Weights);
        }
        if (s.Seed is long seed)
        {
            return new ParameterSource(ParameterSourceKind.Seed, seed.ToString(CultureInfo.InvariantCulture));
        }
        bool article = s.Layers is null || OptionValues.Sizes("--layers", s.Layers).SequenceEqual(ArticleExample.Sizes);
        return article ? new ParameterSource(ParameterSourceKind.Article) : new ParameterSource(ParameterSourceKind.Seed, "0");
    }

    private static bool UseColour(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected
        && Environment.GetEnvironmentVariable("NO_COLOR") is null && Environment.GetEnvironmentVariable("TERM") != "dumb";
}
