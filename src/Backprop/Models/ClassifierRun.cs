using System.Globalization;

namespace Backprop.Models;

/// <summary>
/// A classifier training run taken step by step: what <see cref="Classifier.Fit"/> does in one call, for callers that
/// need the trainer in between (progress, checkpoints and resuming, cancellation) or the settings as text.
/// <code>
/// var run = new ClassifierRun(options, scaledTrain);        // network initialised from options.Seed
/// run.Trainer.BatchCompleted = report => ...;               // or run.Trainer.Restore(checkpoint)
/// TrainingResult result = run.Trainer.Fit(scaledTrain, scaledValidation);
/// Model model = run.ToModel(result, "species", scaler, scaledTrain.FeatureNames, scaledTrain.ClassNames);
/// </code>
/// The run does not scale its data: fit a <see cref="FeatureScaler"/> on the raw training rows, apply it to every split,
/// and hand it to <see cref="ToModel"/>, whose model then scales raw rows itself.
/// </summary>
public sealed class ClassifierRun
{
    /// <summary>
    /// Builds the network (dense layers, softmax output with cross-entropy, class-weighted when the options ask;
    /// dropout after every hidden layer when <see cref="ClassifierOptions.Dropout"/> is above 0), initialises it from
    /// the options' seed (He for ReLU, Xavier otherwise), and creates the optimizer and the trainer.
    /// </summary>
    /// <param name="options">The run's options; <see cref="ClassifierOptions.Scaling"/> is only recorded (see <see cref="Describe"/>).</param>
    /// <param name="train">The (already scaled) training data: its feature and class counts size the network, and
    /// balanced class weights are counted on it.</param>
    /// <param name="sizes">All layer sizes, inputs to classes (e.g. [4, 8, 3]), instead of the options' hidden layers;
    /// null to use <see cref="ClassifierOptions.HiddenLayers"/>.</param>
    /// <exception cref="ArgumentException">The data has no class labels or fewer than two classes, the sizes do not start
    /// with the feature count and end with the class count, or the activations do not fit the hidden layers.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The batch size is below 1.</exception>
    public ClassifierRun(ClassifierOptions options, Dataset<float> train, IReadOnlyList<int>? sizes = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(train);
        if (!train.IsLabelled)
        {
            throw new ArgumentException("Training needs data with class labels or targets.", nameof(train));
        }
        if (train.IsClassification && train.OutputCount < 2)
        {
            throw new ArgumentException($"The data has {train.OutputCount} class; a classifier needs at least two.", nameof(train));
        }
        if (options.BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, "BatchSize must be at least 1.");
        }
        if (sizes is not null && (sizes.Count < 2 || sizes[0] != train.FeatureCount || sizes[^1] != train.OutputCount))
        {
            throw new ArgumentException(
                $"Layer sizes {string.Join(",", sizes)} do not fit the data: they must start with its {train.FeatureCount} features and end with its {train.OutputCount} classes.", nameof(sizes));
        }
        Options = options;
        Task = train.Task;
        Loss loss = TaskLoss(options, train);
        Activation output = Task switch
        {
            LearningTask.Regression => Activation.Identity,
            LearningTask.MultiLabel => Activation.Sigmoid,
            _ => Activation.Softmax,
        };
        Network<float>? initial = options.InitialModel?.Network;
        if (initial is not null)
        {
            CheckFits(initial, train, sizes, output);
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
        activations[^1] = output;
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

    /// <summary>
    /// Runs a short throwaway classifier run of <paramref name="options"/> (its hidden layers, activations, optimizer,
    /// batch size, dropout, batch norm, scaling) on a few synthetic rows of <paramref name="featureCount"/> features and
    /// <paramref name="classCount"/> classes, so that the runtime compiles the code a real run of these options takes
    /// before that run starts: its first epoch then runs at the speed of the others. Meant for a background thread while
    /// the real data loads (what `backprop train --dataset fashion-mnist` does); too slow to be worth it where loading is
    /// quick. It changes no result of any other run: its kernels run on the calling thread alone, apart from the worker
    /// threads and their state, with its own network, optimizer and seed. Stops after the current batch when
    /// <paramref name="cancellation"/> is requested.
    /// </summary>
    /// <param name="options">The real run's options; its schedule, patience, epochs, seed and initial model are not used.</param>
    /// <param name="featureCount">Features of the real data.</param>
    /// <param name="classCount">Classes of the real data.</param>
    /// <param name="imageBytes">Whether the real data is images kept as bytes (Fashion-MNIST, IDX files): batches are
    /// then gathered from bytes, as they will be.</param>
    /// <param name="cancellation">Stops the warm-up early, e.g. when the data has loaded.</param>
    /// <param name="maxSteps">The most training steps it runs (default 600): the per-step methods reach their last
    /// tier after some 60 calls, and more steps give the runtime's background compiler time to catch up on a busy
    /// machine. Where tiered compilation is off, 6 steps reach every method and it runs no more.</param>
    /// <exception cref="ArgumentException">The options do not describe a network for this data (as the constructor).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A count is below 1 (classes: 2), or the batch size or
    /// <paramref name="maxSteps"/> is.</exception>
    public static void WarmUp(ClassifierOptions options, int featureCount, int classCount, bool imageBytes = false, CancellationToken cancellation = default,
        int maxSteps = TrainingWarmUp.MaxSteps)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSteps, 1);
        TrainingWarmUp.Run(options, featureCount, classCount, imageBytes, cancellation, maxSteps);
    }

    // The task's loss: cross-entropy (class-weighted when asked), the options' regression loss (mean squared error by
    // default), or binary cross-entropy for yes/no labels.
    private static Loss TaskLoss(ClassifierOptions options, Dataset<float> train)
    {
        if (train.Task != LearningTask.Classification && options.ClassWeighting != ClassWeighting.None)
        {
            throw new ArgumentException("Class weights apply to classification.", nameof(options));
        }
        if (options.Loss is not null && train.Task != LearningTask.Regression)
        {
            throw new ArgumentException($"The loss is chosen for regression only; {Model.TaskName(train.Task)} uses {(train.Task == LearningTask.MultiLabel ? "binary cross-entropy" : "cross-entropy")}.", nameof(options));
        }
        return train.Task switch
        {
            LearningTask.Regression when options.Loss is not (null or MeanSquaredError or Huber)
                => throw new ArgumentException($"Regression trains with mean squared error or Huber loss, not {options.Loss.Name}.", nameof(options)),
            LearningTask.Regression => options.Loss ?? Loss.MeanSquaredError,
            LearningTask.MultiLabel => new SigmoidBinaryCrossEntropy(),
            _ => options.ClassWeighting == ClassWeighting.Balanced ? SoftmaxCrossEntropy.Balanced(train) : Loss.CrossEntropy,
        };
    }

    // A model to fine-tune reads the data's features and gives its outputs, and ends in the task's output activation.
    private static void CheckFits(Network<float> initial, Dataset<float> train, IReadOnlyList<int>? sizes, Activation output)
    {
        if (sizes is not null)
        {
            throw new ArgumentException("The layer sizes come from the initial model; give no sizes with it.", nameof(sizes));
        }
        if (initial.Layers.Count != initial.DenseLayers.Count)
        {
            throw new ArgumentException("The initial model's network has layers other than dense ones; fine-tuning reads multilayer perceptrons of dense layers.", nameof(initial));
        }
        if (initial.DenseLayers[^1].Activation != output)
        {
            throw new ArgumentException($"The initial model's last layer is {initial.DenseLayers[^1].Activation}, not {output}; a {Model.TaskName(train.Task)} model fine-tunes a {ActivationFunctions.Name(output)} output.", nameof(initial));
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

    internal ClassifierOptions Options { get; }

    /// <summary>What the run learns, from its training data: classes, regression targets or yes/no labels.</summary>
    public LearningTask Task { get; }

    internal int[] Sizes { get; }

    /// <summary>The network being trained: its parameters are the run's current ones.</summary>
    public Network<float> Network { get; }

    internal IOptimizer<float> Optimizer { get; }

    internal TrainingOptions TrainingOptions { get; }

    /// <summary>
    /// The trainer that runs the epochs (<see cref="Trainer{T}.Fit(Dataset{T}, Dataset{T}?, Action{EpochReport}?, CancellationToken)"/>),
    /// reports progress, and writes and restores checkpoints.
    /// </summary>
    public Trainer<float> Trainer { get; }

    /// <summary>
    /// The run's settings as text, as the model file's "training" section records them: layers, activation, optimizer,
    /// learning_rate, weight_decay, schedule, batch_size, epochs, dropout, class_weights, patience, scaling, seed, and
    /// momentum for the optimizers that use it. A new dictionary each call, which the caller may extend.
    /// </summary>
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
        if (Task != LearningTask.Classification)
        {
            d.Remove("class_weights");
            d["task"] = Model.TaskName(Task);
            d["loss"] = LossName(Network.Loss);
        }
        if (OptimizerNames.UsesMomentum(Options.Optimizer))
        {
            d["momentum"] = F(Options.Momentum);
        }
        return d;
    }

    /// <summary>
    /// The trained model: this run's network (shared, not copied) with its names and <paramref name="scaler"/>; its
    /// training options are <see cref="Describe"/> plus <paramref name="extraOptions"/> (which win on equal keys); its
    /// metrics are epochs, train_loss, and validation_loss, validation_accuracy and best_epoch where the run has them
    /// (validation figures from the best epoch when early stopping restored one, else from the last).
    /// </summary>
    /// <param name="result">What <see cref="Trainer"/>'s Fit returned.</param>
    /// <param name="labelName">The name of the label column the model predicts.</param>
    /// <param name="scaler">The scaler the training data was scaled with; the model applies it to raw rows.</param>
    /// <param name="featureNames">One name per feature; null for x0, x1, ….</param>
    /// <param name="classNames">One name per class; null for 0, 1, ….</param>
    /// <param name="extraOptions">More settings to record (e.g. how the data was split); null for none.</param>
    /// <param name="targetScaler">Regression: the scaling the training targets were given (the model un-scales its
    /// predictions with it); null when they were not scaled. For regression and multi-label runs
    /// <paramref name="classNames"/> names the target or label columns.</param>
    /// <exception cref="ArgumentException">The names or the scalers do not match the network's inputs or outputs.</exception>
    public Model ToModel(TrainingResult result, string labelName, FeatureScaler scaler, IReadOnlyList<string>? featureNames = null, IReadOnlyList<string>? classNames = null,
        IReadOnlyDictionary<string, string>? extraOptions = null, FeatureScaler? targetScaler = null)
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
        IReadOnlyList<string> features = featureNames ?? DefaultNames(Network.InputSize);
        IReadOnlyList<string> outputs = classNames ?? (Task == LearningTask.Classification ? DefaultClassNames(Network.OutputSize) : DefaultTargetNames(Network.OutputSize));
        Model model = Task == LearningTask.Classification
            ? new Model(Network, features, labelName, outputs, scaler, options, metrics)
            : new Model(Network, features, Task, outputs, scaler, targetScaler, Options.DecisionThreshold, labelName, options, metrics);
        model.History = result.History;
        model.TrainingResult = result;
        return model;
    }

    private static string[] DefaultNames(int n) => [.. Enumerable.Range(0, n).Select(i => "x" + i.ToString(CultureInfo.InvariantCulture))];

    private static string[] DefaultTargetNames(int n) => [.. Enumerable.Range(0, n).Select(i => "y" + i.ToString(CultureInfo.InvariantCulture))];

    /// <summary>A loss as model files and the training settings name it: cross-entropy, mse, huber:δ, binary-cross-entropy.</summary>
    internal static string LossName(Loss loss)
        => loss is Huber huber ? "huber:" + huber.Threshold.ToString("R", CultureInfo.InvariantCulture) : loss.Name;

    private static string[] DefaultClassNames(int n) => [.. Enumerable.Range(0, n).Select(i => i.ToString(CultureInfo.InvariantCulture))];
}
