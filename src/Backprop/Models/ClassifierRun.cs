using System.Globalization;

namespace Backprop.Models;

/// <summary>
/// Turns <see cref="ClassifierOptions"/> and (scaled) training data into a network, an optimizer and a trainer, and the
/// trained network into a <see cref="Model"/>. Shared by <see cref="Classifier.Fit"/> and the `train` command.
/// </summary>
internal sealed class ClassifierRun
{
    public ClassifierRun(ClassifierOptions options, Dataset<float> train, IReadOnlyList<int>? sizes)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(train);
        if (!train.IsClassification)
        {
            throw new ArgumentException("A classifier needs data with class labels.", nameof(train));
        }
        if (train.OutputCount < 2)
        {
            throw new ArgumentException($"The data has {train.OutputCount} class; a classifier needs at least two.", nameof(train));
        }
        if (options.BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, "BatchSize must be at least 1.");
        }
        Options = options;
        Network<float>? initial = options.InitialModel?.Network;
        if (initial is not null)
        {
            CheckFits(initial, train, sizes);
            sizes = initial.Sizes;
        }
        Sizes = sizes is null ? [train.FeatureCount, .. options.HiddenLayers, train.OutputCount] : [.. sizes];
        int hidden = Sizes.Length - 2;
        var activations = new Activation[Sizes.Length - 1];
        if (initial is not null)
        {
            for (int l = 0; l < hidden; l++)
            {
                activations[l] = initial.DenseLayers[l].Activation;
            }
        }
        else if (options.Activations.Count == 1)
        {
            Array.Fill(activations, options.Activations[0], 0, hidden);
        }
        else if (options.Activations.Count == hidden)
        {
            for (int l = 0; l < hidden; l++)
            {
                activations[l] = options.Activations[l];
            }
        }
        else
        {
            throw new ArgumentException($"{options.Activations.Count} activations for {hidden} hidden layers; give one, or one per hidden layer.", nameof(options));
        }
        activations[^1] = Activation.Softmax;
        Loss loss = options.ClassWeighting == ClassWeighting.Balanced ? SoftmaxCrossEntropy.Balanced(train) : Loss.CrossEntropy;
        Network = options.Dropout == 0 && !options.BatchNorm
            ? new Network<float>(Sizes, activations, loss)
            : WithHiddenLayers(Sizes, activations, loss, options.Dropout, options.BatchNorm);
        Initializer.Randomize(Network, options.Seed);
        // Dropout layers hold no parameters, so the dense layers' block has the same layout with or without them.
        initial?.Parameters.CopyTo(Network.Parameters);
        double rate = options.EffectiveLearningRate;
        Optimizer = OptimizerNames.Create(options.Optimizer, new OptimizerSettings(rate, options.Momentum, options.WeightDecay));
        TrainingOptions = new TrainingOptions
        {
            MaxEpochs = options.Epochs,
            BatchSize = options.BatchSize,
            Shuffle = true,
            Seed = options.Seed,
            Schedule = options.Schedule,
            Patience = options.Patience,
        };
        Trainer = new Trainer<float>(Network, Optimizer, TrainingOptions);
    }

    // A model to fine-tune reads the data's features and gives its classes, and ends in a softmax as a classifier does.
    private static void CheckFits(Network<float> initial, Dataset<float> train, IReadOnlyList<int>? sizes)
    {
        if (sizes is not null)
        {
            throw new ArgumentException("The layer sizes come from the initial model; give no sizes with it.", nameof(sizes));
        }
        if (initial.Layers.Count != initial.DenseLayers.Count)
        {
            throw new ArgumentException("The initial model's network has layers other than dense ones; fine-tuning reads multilayer perceptrons of dense layers.", nameof(initial));
        }
        if (initial.DenseLayers[^1].Activation != Activation.Softmax)
        {
            throw new ArgumentException($"The initial model's last layer is {initial.DenseLayers[^1].Activation}, not a softmax; a classifier fine-tunes a softmax output.", nameof(initial));
        }
        if (initial.InputSize != train.FeatureCount || initial.OutputSize != train.OutputCount)
        {
            throw new ArgumentException($"The initial model reads {initial.InputSize} features and gives {initial.OutputSize} classes, but the data has {train.FeatureCount} features and {train.OutputCount} classes.", nameof(train));
        }
    }

    // Dense layers with batch norm and/or dropout after every hidden one: Dense, BatchNorm, Dropout, ..., Dense (output).
    private static Network<float> WithHiddenLayers(int[] sizes, Activation[] activations, Loss loss, double rate, bool batchNorm)
    {
        NetworkShape.Validate(sizes, activations, loss);
        var layers = new List<Layer<float>>();
        for (int l = 0; l < activations.Length; l++)
        {
            layers.Add(new Dense<float>(sizes[l + 1], activations[l]));
            if (l < activations.Length - 1 && batchNorm)
            {
                layers.Add(new BatchNorm<float>());
            }
            if (l < activations.Length - 1 && rate > 0)
            {
                layers.Add(new Dropout<float>(rate));
            }
        }
        return new Network<float>(sizes[0], layers, loss);
    }

    public ClassifierOptions Options { get; }

    public int[] Sizes { get; }

    public Network<float> Network { get; }

    public IOptimizer<float> Optimizer { get; }

    public TrainingOptions TrainingOptions { get; }

    public Trainer<float> Trainer { get; }

    /// <summary>The options as text, for the model file.</summary>
    public Dictionary<string, string> Describe()
    {
        static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var d = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["layers"] = string.Join(",", Sizes),
            ["activation"] = string.Join(",", Network.DenseLayers.Take(Network.DenseLayers.Count - 1).Select(l => ActivationFunctions.Name(l.Activation))),
            ["optimizer"] = Options.Optimizer.Trim().ToLowerInvariant(),
            ["learning_rate"] = F(Options.EffectiveLearningRate),
            ["weight_decay"] = F(Options.WeightDecay),
            ["schedule"] = Options.Schedule?.Describe() ?? "constant",
            ["batch_size"] = Options.BatchSize.ToString(CultureInfo.InvariantCulture),
            ["epochs"] = Options.Epochs.ToString(CultureInfo.InvariantCulture),
            ["dropout"] = F(Options.Dropout),
            ["class_weights"] = Options.ClassWeighting == ClassWeighting.Balanced ? "balanced" : "none",
            ["patience"] = Options.Patience?.ToString(CultureInfo.InvariantCulture) ?? "none",
            ["scaling"] = JsonModelFormat.ScalingName(Options.Scaling),
            ["seed"] = Options.Seed.ToString(CultureInfo.InvariantCulture),
        };
        if (Options.BatchNorm)
        {
            d["batch_norm"] = "true";
        }
        if (OptimizerNames.UsesMomentum(Options.Optimizer))
        {
            d["momentum"] = F(Options.Momentum);
        }
        return d;
    }

    /// <summary>The trained model; metrics hold the run's epochs, final training loss and last validation figures.</summary>
    public Model ToModel(TrainingResult result, string labelName, FeatureScaler scaler, IReadOnlyList<string>? featureNames = null, IReadOnlyList<string>? classNames = null,
        IReadOnlyDictionary<string, string>? extraOptions = null)
    {
        Dictionary<string, string> options = Describe();
        foreach ((string key, string value) in extraOptions ?? new Dictionary<string, string>())
        {
            options[key] = value;
        }
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["epochs"] = result.Epochs,
            ["train_loss"] = result.FinalLoss,
        };
        EpochReport? last = result.History.Count > 0 ? result.History[^1] : null;
        EpochReport? chosen = result.BestEpoch is int b ? result.History.FirstOrDefault(h => h.Epoch == b) : last;
        if (chosen?.ValidationLoss is double vl)
        {
            metrics["validation_loss"] = vl;
        }
        if (chosen?.ValidationAccuracy is double va)
        {
            metrics["validation_accuracy"] = va;
        }
        if (result.BestEpoch is int best)
        {
            metrics["best_epoch"] = best;
        }
        var model = new Model(Network, featureNames ?? DefaultNames(Network.InputSize), labelName, classNames ?? DefaultClassNames(Network.OutputSize), scaler, options, metrics)
        {
            History = result.History,
            TrainingResult = result,
        };
        return model;
    }

    private static string[] DefaultNames(int n) => [.. Enumerable.Range(0, n).Select(i => "x" + i.ToString(CultureInfo.InvariantCulture))];

    private static string[] DefaultClassNames(int n) => [.. Enumerable.Range(0, n).Select(i => i.ToString(CultureInfo.InvariantCulture))];
}
