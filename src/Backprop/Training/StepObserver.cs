using System.Numerics;

namespace Backprop.Training;

// The public way to watch one real training step: what `explain` and other tools build on, without reaching into the
// network's buffers. The step itself is the plain reference step (Forward, Backward, the optimizer's Step).

/// <summary>
/// Watches one training step run by <see cref="TrainingStep.Run{T}"/>: called once after forward and backward (the
/// gradients are ready and the parameters are not yet updated) and once after the optimizer's update.
/// </summary>
/// <typeparam name="T">The network's number type.</typeparam>
public interface IStepObserver<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Called after forward and backward, before the update: <see cref="StepView{T}.Parameters"/> still hold the values
    /// the forward pass used, and <see cref="StepView{T}.Gradients"/> hold ∂L/∂θ of this batch.
    /// </summary>
    /// <param name="step">The step; valid only during this call.</param>
    void AfterBackward(StepView<T> step);

    /// <summary>
    /// Called after the optimizer's update: <see cref="StepView{T}.Parameters"/> hold the updated values; z, a, δ and
    /// the gradients are still those of this step.
    /// </summary>
    /// <param name="step">The step; valid only during this call.</param>
    void AfterUpdate(StepView<T> step);
}

/// <summary>
/// A read-only view of one training step of a <see cref="Network{T}"/>: the batch, every layer's z, a = f(z) and
/// δ = ∂L/∂z as (batch, units) rows, the loss, and the flat parameter and gradient blocks. The spans point into the
/// network's own buffers, so a view is valid only during the observer call that receives it; copy what you keep.
/// </summary>
/// <typeparam name="T">The network's number type.</typeparam>
public sealed class StepView<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Network<T> _network;

    internal StepView(Network<T> network, IOptimizer<T> optimizer, int batchSize, T loss)
    {
        _network = network;
        Optimizer = optimizer;
        BatchSize = batchSize;
        Loss = loss;
    }

    /// <summary>
    /// The network being trained: its layers give each layer's sizes, activation and parameter views. Read it only;
    /// changing its parameters inside an observer call changes the step.
    /// </summary>
    public Network<T> Network => _network;

    /// <summary>The optimizer that makes (or made) the update, with its learning rate η.</summary>
    public IOptimizer<T> Optimizer { get; }

    /// <summary>Rows in the batch.</summary>
    public int BatchSize { get; }

    /// <summary>The number of layers: <see cref="Z"/>, <see cref="A"/> and <see cref="Delta"/> take 0 to LayerCount − 1.</summary>
    public int LayerCount => _network.Layers.Count;

    /// <summary>The batch mean of the loss, measured in the forward pass (before the update).</summary>
    public T Loss { get; }

    /// <summary>True in <see cref="IStepObserver{T}.AfterUpdate"/>: <see cref="Parameters"/> are the updated ones.</summary>
    public bool IsUpdated { get; internal set; }

    /// <summary>The input x of the step, (batch, InputSize) rows.</summary>
    public ReadOnlySpan<T> Input => _network.Input;

    /// <summary>The targets t of the step, (batch, OutputSize) rows.</summary>
    public ReadOnlySpan<T> Target => _network.Target;

    /// <summary>z = a_prev W^T + b of layer <paramref name="layer"/>, (batch, units) rows.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="layer"/> is not a layer.</exception>
    public ReadOnlySpan<T> Z(int layer) => _network.Z(CheckLayer(layer));

    /// <summary>a = f(z) of layer <paramref name="layer"/>, (batch, units) rows.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="layer"/> is not a layer.</exception>
    public ReadOnlySpan<T> A(int layer) => _network.A(CheckLayer(layer));

    /// <summary>δ = ∂L/∂z of layer <paramref name="layer"/>, (batch, units) rows.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="layer"/> is not a layer.</exception>
    public ReadOnlySpan<T> Delta(int layer) => _network.Delta(CheckLayer(layer));

    /// <summary>The flat parameter block θ (each layer's W then b, in layer order): before the update in
    /// <see cref="IStepObserver{T}.AfterBackward"/>, after it in <see cref="IStepObserver{T}.AfterUpdate"/>.</summary>
    public ReadOnlySpan<T> Parameters => _network.Parameters;

    /// <summary>The flat gradient block ∂L/∂θ of this batch, laid out as <see cref="Parameters"/>.</summary>
    public ReadOnlySpan<T> Gradients => _network.Gradients;

    private int CheckLayer(int layer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layer);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(layer, LayerCount);
        return layer;
    }
}

/// <summary>One real training step, run in the open so that an <see cref="IStepObserver{T}"/> can watch it.</summary>
public static class TrainingStep
{
    /// <summary>
    /// Runs one step on a batch exactly as the reference training step does: loss = Forward(x, t), Backward(), then
    /// <paramref name="optimizer"/>.Step(θ, ∂L/∂θ); calls <paramref name="observer"/> after backward and after the update.
    /// </summary>
    /// <param name="network">The network to train; its parameters are updated.</param>
    /// <param name="optimizer">The optimizer that makes the update.</param>
    /// <param name="x">The inputs, (batch, InputSize) rows.</param>
    /// <param name="t">The targets, (batch, OutputSize) rows.</param>
    /// <param name="batch">Rows in the batch, 1 or more.</param>
    /// <param name="observer">Watches the step; null runs it unobserved.</param>
    /// <returns>The batch mean of the loss before the update.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> or <paramref name="optimizer"/> is null.</exception>
    /// <exception cref="ArgumentException">The batch and the spans' lengths do not match the network.</exception>
    public static T Run<T>(Network<T> network, IOptimizer<T> optimizer, ReadOnlySpan<T> x, ReadOnlySpan<T> t, int batch, IStepObserver<T>? observer = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(optimizer);
        T loss = network.Forward(x, t, batch);
        network.Backward();
        var view = observer is null ? null : new StepView<T>(network, optimizer, batch, loss);
        if (view is not null)
        {
            observer!.AfterBackward(view);
        }
        optimizer.Step(network.Parameters, network.Gradients);
        if (view is not null)
        {
            view.IsUpdated = true;
            observer!.AfterUpdate(view);
        }
        return loss;
    }
}
