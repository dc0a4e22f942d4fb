using System.Globalization;

namespace Backprop.Cli.Commands;

/// <summary>
/// The training matrix of `backprop bench --matrix`, our side of bench/peers/compare.py --matrix: by default the rows
/// that script runs (a base row, 784-128-10 ReLU, Adam η = 0.001, batch 64, λ = 0, varied one factor at a time, under
/// the same keys and settings), with <c>--full</c> every combination of optimizer (SGD, momentum, Nesterov, Adam,
/// AdamW), hidden activation (ReLU, sigmoid, tanh), hidden layers (128; 512,256), batch (16, 64, 256) and weight decay
/// (0, 10⁻⁴). Each row trains a fresh network on the synthetic Fashion-MNIST-shaped data in process.
/// </summary>
internal static class BenchMatrix
{
    /// <summary>One training configuration; momentum and Nesterov use μ = 0.9, as compare.py passes to every program.</summary>
    internal sealed record Config(string Key, string Optimizer, double LearningRate, Activation Activation, string Hidden, int BatchSize, double WeightDecay)
    {
        /// <summary>The hidden layer sizes, e.g. [512, 256].</summary>
        public int[] HiddenSizes => [.. Hidden.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))];

        /// <summary>The row as the peers' command line spells it.</summary>
        public string Describe() => string.Create(CultureInfo.InvariantCulture,
            $"784-{Hidden.Replace(',', '-')}-10 {Activation.ToString().ToLowerInvariant()}, {Optimizer} {LearningRate}, batch {BatchSize}, wd {WeightDecay}");
    }

    /// <summary>compare.py's BASE.</summary>
    private static readonly Config Base = new("adam", "adam", 0.001, Activation.Relu, "128", 64, 0);

    /// <summary>compare.py's TRAINING_ROWS, in its order and under its keys.</summary>
    public static IReadOnlyList<Config> Rows { get; } =
    [
        Base,
        Base with { Key = "sgd", Optimizer = "sgd", LearningRate = 0.1 },
        Base with { Key = "sgd-wd", Optimizer = "sgd", LearningRate = 0.1, WeightDecay = 1e-4 },
        Base with { Key = "momentum", Optimizer = "momentum", LearningRate = 0.01 },
        Base with { Key = "nesterov", Optimizer = "nesterov", LearningRate = 0.01 },
        Base with { Key = "adamw", Optimizer = "adamw", WeightDecay = 1e-4 },
        Base with { Key = "sigmoid", Activation = Activation.Sigmoid },
        Base with { Key = "tanh", Activation = Activation.Tanh },
        Base with { Key = "wide", Hidden = "512,256" },
        Base with { Key = "batch16", BatchSize = 16 },
        Base with { Key = "batch256", BatchSize = 256 },
        Base with { Key = "wd", WeightDecay = 1e-4 },
    ];

    /// <summary>
    /// Every combination the targets name (180 rows), keyed optimizer-activation-hidden-batch-decay, e.g.
    /// "adam-relu-128-b64-wd0"; each optimizer with the matrix's learning rate (SGD 0.1, momentum and Nesterov 0.01,
    /// Adam and AdamW 0.001).
    /// </summary>
    public static IEnumerable<Config> Full()
    {
        foreach (string optimizer in new[] { "sgd", "momentum", "nesterov", "adam", "adamw" })
        {
            double rate = optimizer == "sgd" ? 0.1 : optimizer is "momentum" or "nesterov" ? 0.01 : 0.001;
            foreach (Activation activation in new[] { Activation.Relu, Activation.Sigmoid, Activation.Tanh })
            {
                foreach (string hidden in new[] { "128", "512,256" })
                {
                    foreach (int batch in new[] { 16, 64, 256 })
                    {
                        foreach (double decay in new[] { 0.0, 1e-4 })
                        {
                            string key = string.Create(CultureInfo.InvariantCulture,
                                $"{optimizer}-{activation.ToString().ToLowerInvariant()}-{hidden.Replace(',', '-')}-b{batch}-wd{decay}");
                            yield return new Config(key, optimizer, rate, activation, hidden, batch, decay);
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Trains a fresh network of <paramref name="config"/> on <paramref name="data"/> for one warm-up epoch and
    /// <paramref name="epochs"/> timed ones, and returns the median of the timed epochs in seconds.
    /// </summary>
    public static double MedianEpoch(Config config, Dataset<float> data, int epochs)
    {
        int[] hidden = config.HiddenSizes;
        Activation[] activations = [.. hidden.Select(_ => config.Activation), Activation.Softmax];
        var network = new Network<float>([BenchWorkloads.Inputs, .. hidden, BenchWorkloads.Classes], activations, Loss.CrossEntropy);
        Initializer.Randomize(network, seed: 1);
        IOptimizer<float> optimizer = OptimizerNames.Create(config.Optimizer, new OptimizerSettings(config.LearningRate, 0.9, config.WeightDecay));
        var trainer = new Trainer<float>(network, optimizer, new TrainingOptions { MaxEpochs = epochs + 1, BatchSize = config.BatchSize, Shuffle = true, Seed = 1 });
        double[] seconds = [.. trainer.Fit(data).History.Skip(1).Select(e => e.Seconds).Order()];
        return seconds.Length == 0 ? double.NaN : seconds[seconds.Length / 2];
    }
}
