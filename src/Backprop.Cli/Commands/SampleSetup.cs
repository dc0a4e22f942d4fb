using System.Globalization;

namespace Backprop.Cli.Commands;

/// <summary>
/// Turns <see cref="SampleSettings"/> into a network with its initial parameters and a one-row data set, checking
/// every option against the others. Shared by `train` and `explain`.
/// </summary>
internal sealed class SampleSetup
{
    private SampleSetup(Network<double> network, Dataset<double> data, string initialParameters)
    {
        Network = network;
        Data = data;
        InitialParameters = initialParameters;
    }

    public Network<double> Network { get; }

    public Dataset<double> Data { get; }

    /// <summary>Where the initial parameters came from, in words.</summary>
    public string InitialParameters { get; }

    public static SampleSetup Create(SampleSettings s)
    {
        OptionValues.Positive("--lr", s.LearningRate);
        if (!(s.Threshold >= 0) || !double.IsFinite(s.Threshold))
        {
            throw new UsageException($"--threshold must be zero or a positive number (got {s.Threshold.ToString(CultureInfo.InvariantCulture)})");
        }
        OptionValues.AtLeast("--max-epochs", s.MaxEpochs, 1);
        OptionValues.AtLeast("--report-every", s.ReportEvery, 1);
        if (s.Digits is < 0 or > 17)
        {
            throw new UsageException($"--digits must be between 0 and 17 (got {s.Digits})");
        }
        if (s.Seed is not null && s.Weights is not null)
        {
            throw new UsageException("--seed and --weights both set the initial parameters; give one of them");
        }

        int[] sizes = s.Layers is null ? [.. ArticleExample.Sizes] : OptionValues.Sizes("--layers", s.Layers);
        if (sizes.Length < 2)
        {
            throw new UsageException($"--layers needs at least two sizes (inputs and outputs); got '{s.Layers}'");
        }
        Loss loss = OptionValues.Loss("--loss", s.Loss);
        Activation[] hidden = OptionValues.Activations("--activation", s.Activation);
        int hiddenCount = sizes.Length - 2;
        var activations = new Activation[sizes.Length - 1];
        if (hidden.Length == 1)
        {
            Array.Fill(activations, hidden[0], 0, hiddenCount);
        }
        else if (hidden.Length == hiddenCount)
        {
            hidden.CopyTo(activations, 0);
        }
        else
        {
            throw new UsageException($"--activation lists {hidden.Length} activations but --layers {string.Join(",", sizes)} has {hiddenCount} hidden layers; give one, or one per hidden layer");
        }
        if (loss.FusedActivation is Activation fused)
        {
            if (s.OutputActivation is not null)
            {
                throw new UsageException($"--output-activation applies to --loss mse; {loss.Name} always uses a {fused.ToString().ToLowerInvariant()} output");
            }
            if (loss is SoftmaxCrossEntropy && sizes[^1] < 2)
            {
                throw new UsageException($"--loss cross-entropy needs at least two outputs (classes); --layers ends with {sizes[^1]}");
            }
            activations[^1] = fused;
        }
        else
        {
            activations[^1] = s.OutputActivation is null ? hidden[^1] : OptionValues.Activations("--output-activation", s.OutputActivation)[0];
        }

        NetworkSize.Check<double>("--layers", sizes);
        var network = new Network<double>(sizes, activations, loss);
        string initial;
        if (s.Weights is not null && IsInlineWeights(s.Weights))
        {
            WeightsFile.Parse(s.Weights, network, "--weights");
            initial = "given with --weights";
        }
        else if (s.Weights is not null)
        {
            WeightsFile.Load(s.Weights, network);
            initial = s.Weights;
        }
        else if (s.Seed is long seed)
        {
            Initializer.Randomize(network, seed);
            initial = $"random, seed {seed}";
        }
        else if (sizes.SequenceEqual(ArticleExample.Sizes))
        {
            WeightsFile.Parse(ArticleExample.WeightsJson, network, "article weights");
            initial = "the article's";
        }
        else
        {
            Initializer.Randomize(network, 0);
            initial = "random, seed 0";
        }

        double[] x = s.Input is null ? DefaultInput(sizes) : OptionValues.Numbers("--input", s.Input);
        if (x.Length != sizes[0])
        {
            throw new UsageException($"--input has {x.Length} values but the network has {sizes[0]} inputs (--layers {string.Join(",", sizes)})");
        }
        Dataset<double> data = BuildData(x, s.Target, sizes[^1], loss);
        return new SampleSetup(network, data, initial);
    }

    /// <summary>Whether --weights holds the JSON itself ({"W1": …}) rather than a file name.</summary>
    public static bool IsInlineWeights(string weights) => weights.AsSpan().TrimStart().StartsWith("{", StringComparison.Ordinal);

    private static double[] DefaultInput(int[] sizes)
    {
        if (sizes[0] != ArticleExample.Sizes[0])
        {
            throw new UsageException($"--input is needed: the article's sample has {ArticleExample.Sizes[0]} inputs but the network has {sizes[0]}");
        }
        return [.. ArticleExample.Input];
    }

    private static Dataset<double> BuildData(double[] x, string? targetText, int outputs, Loss loss)
    {
        if (targetText is null)
        {
            if (loss is SoftmaxCrossEntropy)
            {
                return new Dataset<double>(x, x.Length, [0], outputs);
            }
            if (outputs != ArticleExample.Sizes[^1])
            {
                throw new UsageException($"--target is needed: the article's target has {ArticleExample.Sizes[^1]} values but the network has {outputs} outputs");
            }
            return new Dataset<double>(x, x.Length, [.. ArticleExample.Target], outputs);
        }

        double[] t = OptionValues.Numbers("--target", targetText);
        bool classIndex = t.Length == 1 && outputs > 1;
        if (classIndex)
        {
            double c = t[0];
            if (c != Math.Floor(c) || c < 0 || c >= outputs)
            {
                throw new UsageException($"--target: class index {targetText} is out of range; the network has {outputs} classes, 0 to {outputs - 1}");
            }
            return loss is SoftmaxCrossEntropy
                ? new Dataset<double>(x, x.Length, [(int)c], outputs)
                : new Dataset<double>(x, x.Length, OneHot((int)c, outputs), outputs);
        }
        if (t.Length != outputs)
        {
            throw new UsageException($"--target has {t.Length} values but the network has {outputs} outputs");
        }
        if (loss is SoftmaxCrossEntropy)
        {
            double sum = t.Sum();
            if (t.Any(v => v < 0) || Math.Abs(sum - 1) > 1e-9)
            {
                throw new UsageException($"--target '{targetText}' is not a probability vector (non-negative, summing to 1), as cross-entropy needs");
            }
        }
        return new Dataset<double>(x, x.Length, t, outputs);
    }

    private static double[] OneHot(int index, int length)
    {
        var v = new double[length];
        v[index] = 1;
        return v;
    }
}
