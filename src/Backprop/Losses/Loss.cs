using System.Numerics;

namespace Backprop.Losses;

/// <summary>
/// The loss a network is trained to minimise. A batch's loss is the mean of its rows' losses (or a weighted mean), and
/// <see cref="Delta{T}"/> is its gradient with respect to the output layer's pre-activation z: the δ that backward
/// starts from. A loss either works after any element-wise output activation (δ = ∂L/∂a ⊙ f'(z)) or is fused with
/// the one output activation it names in <see cref="FusedActivation"/> (softmax with cross-entropy: δ = (a − t) / B).
/// </summary>
/// <remarks>
/// Losses hold no per-batch state, so one instance may be shared by networks on different threads. To add a loss,
/// derive from this class and register its command-line name in <see cref="LossNames"/>.
/// </remarks>
public abstract class Loss
{
    /// <summary>Softmax with cross-entropy, all classes weighing the same.</summary>
    public static SoftmaxCrossEntropy CrossEntropy { get; } = new();

    /// <summary>Mean squared error over outputs and batch.</summary>
    public static MeanSquaredError MeanSquaredError { get; } = MeanSquaredError.Instance;

    /// <summary>The name users type on the command line (<c>--loss</c>) and see in model files.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// The output activation this loss is fused with and requires (softmax for cross-entropy), or null when the loss
    /// works after any element-wise activation.
    /// </summary>
    public virtual Activation? FusedActivation => null;

    /// <summary>
    /// Checks that the network's output layer (<paramref name="outputs"/> units with <paramref name="activation"/>) suits
    /// this loss. The base checks the fused activation both ways; derived losses add their own conditions.
    /// </summary>
    /// <exception cref="ArgumentException">The output layer does not suit the loss.</exception>
    public virtual void Validate(int outputs, Activation activation)
    {
        if (FusedActivation is Activation fused && activation != fused)
        {
            throw new ArgumentException($"The {Name} loss needs a {ActivationFunctions.Name(fused)} output layer.", nameof(activation));
        }
        if (FusedActivation is null && activation == Activation.Softmax)
        {
            throw new ArgumentException($"A softmax output is only supported with cross-entropy; use another output activation with {Name}.", nameof(activation));
        }
    }

    /// <summary>
    /// The batch's loss L from the output layer's values and the targets (<see cref="OutputBatch{T}"/>: z, a and t
    /// are (batch, n)).
    /// </summary>
    public abstract T Value<T>(in OutputBatch<T> output) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>
    /// Writes δ = ∂L/∂z, (batch, n), the gradient of <see cref="Value{T}"/> with respect to the output layer's z, into
    /// <paramref name="delta"/>.
    /// </summary>
    public abstract void Delta<T>(in OutputBatch<T> output, Span<T> delta) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <inheritdoc/>
    public override string ToString() => Name;
}
