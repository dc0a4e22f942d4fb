namespace Backprop.Models;

/// <summary>
/// What <see cref="Classifier.Fit"/> trains: the hidden layers and how to train them. The defaults follow scikit-learn's
/// MLPClassifier where it has one (one hidden layer of 100 ReLU units, Adam with η = 0.001, 200 epochs, standardised
/// features), with mini-batches of 32 and a weight decay λ = 1e-4 that is PyTorch's <c>weight_decay</c>, not
/// scikit-learn's <c>alpha</c> (see <see cref="WeightDecay"/>).
/// </summary>
public sealed record ClassifierOptions
{
    /// <summary>Hidden layer sizes, input side first; empty for a softmax regression. Default [100].</summary>
    public IReadOnlyList<int> HiddenLayers { get; init; } = [100];

    /// <summary>One activation for every hidden layer, or one per hidden layer. Default [ReLU].</summary>
    public IReadOnlyList<Activation> Activations { get; init; } = [Activation.Relu];

    /// <summary>The optimizer's name, one of <see cref="OptimizerNames.All"/> (sgd, momentum, nesterov, adam, adamw, …). Default adam.</summary>
    public string Optimizer { get; init; } = "adam";

    /// <summary>Initial learning rate η₀; null: the optimizer's default (<see cref="OptimizerNames.DefaultLearningRate"/>: 0.001 for Adam and AdamW, 0.01 for the SGD family).</summary>
    public double? LearningRate { get; init; }

    /// <summary>Momentum μ for the optimizers that use one (momentum, nesterov; <see cref="OptimizerNames.UsesMomentum"/>). Default 0.9.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>
    /// Weight decay λ, with the meaning of PyTorch's <c>weight_decay</c>: λ θ is added to the gradient of the mean batch
    /// loss of every parameter, weights and biases alike (SGD, momentum, Nesterov, Adam); AdamW instead decays each
    /// parameter directly, θ ← θ − η λ θ. This is not scikit-learn's <c>alpha</c>: MLPClassifier adds (α / rows in the
    /// batch) W to the weights' gradient and does not decay biases, so its α matches λ = α / batch size on the weights
    /// only, and its default α = 1e-4 at batch 32 decays 32 times less than λ = 1e-4 here. Default 1e-4.
    /// </summary>
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>Learning-rate schedule; null: constant.</summary>
    public LearningRateSchedule? Schedule { get; init; }

    /// <summary>Rows per mini-batch (at most the number of rows). Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Epochs (passes over the training rows). Default 200.</summary>
    public int Epochs { get; init; } = 200;

    /// <summary>Dropout rate on the hidden layers during training. Default 0.</summary>
    public double Dropout { get; init; }

    /// <summary>
    /// Batch normalisation after each hidden dense layer, on its activations (dense layers apply their activation
    /// themselves, so the norm follows it: Dense, BatchNorm, [Dropout], ..., Dense). Default false.
    /// </summary>
    public bool BatchNorm { get; init; }

    /// <summary>How the classes weigh in the cross-entropy loss (<see cref="SoftmaxCrossEntropy.ClassWeights"/>). Default none.</summary>
    public ClassWeighting ClassWeighting { get; init; } = ClassWeighting.None;

    /// <summary>Early stopping patience in epochs (needs validation data); null: off.</summary>
    public int? Patience { get; init; }

    /// <summary>Feature scaling fitted on the training rows and stored in the model. Default standard.</summary>
    public ScalingKind Scaling { get; init; } = ScalingKind.Standard;

    /// <summary>Seed of the initial weights, the shuffles and the dropout masks. Default 0.</summary>
    public long Seed { get; init; }

    /// <summary>
    /// A model to fine-tune, or null (the default) to start from random weights. Training then starts from its
    /// parameters, with its layer sizes and activations (<see cref="HiddenLayers"/> and <see cref="Activations"/> are
    /// not used), and <see cref="Classifier.Fit"/> scales the data with its scaler (<see cref="Scaling"/> is not used).
    /// The data must have the model's features and classes, in the model's order.
    /// </summary>
    public Model? InitialModel { get; init; }

    /// <summary>
    /// Regression: the loss, <see cref="MeanSquaredError"/> or <see cref="Huber"/> (identity outputs); null (the default):
    /// mean squared error. Classification and multi-label runs take their loss from the task and refuse one here.
    /// </summary>
    public Loss? Loss { get; init; }

    /// <summary>Multi-label: a label is predicted when its probability is above this, in (0, 1). Default 0.5.</summary>
    public double DecisionThreshold { get; init; } = 0.5;

    /// <summary>The learning rate actually used: <see cref="LearningRate"/> or the optimizer's default.</summary>
    public double EffectiveLearningRate => LearningRate ?? OptimizerNames.DefaultLearningRate(Optimizer);
}
