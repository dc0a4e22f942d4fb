using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Optimizers;

/// <summary>
/// Stochastic gradient descent, optionally with momentum, Nesterov momentum and L2 weight decay λ:
/// g = ∇θ + λ θ; without momentum θ ← θ − η g (the article's update when λ = 0);
/// with momentum μ, v ← μ v + g and θ ← θ − η v, or with Nesterov θ ← θ − η (g + μ v).
/// The velocity v is allocated once, on the first step; a step allocates nothing.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed class Sgd<T> : IStatefulOptimizer<T>, IFusedUpdate<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[] _velocity = [];
    private KeyValuePair<string, T[]>[] _state = [];
    private GradientDescentUpdate<T>? _plainUpdate;
    private MomentumUpdate? _momentumUpdate;

    /// <summary>Creates plain gradient descent with learning rate η.</summary>
    /// <exception cref="ArgumentOutOfRangeException">η is not a positive finite number.</exception>
    public Sgd(double learningRate) : this(learningRate, 0, false, 0)
    {
    }

    /// <summary>Creates gradient descent with learning rate η, momentum μ in [0, 1), Nesterov or not, and weight decay λ ≥ 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">η is not positive and finite, μ is outside [0, 1), λ is negative or not finite,
    /// or Nesterov is asked for without momentum.</exception>
    public Sgd(double learningRate, double momentum, bool nesterov = false, double weightDecay = 0)
    {
        LearningRate = learningRate;
        if (!(momentum >= 0 && momentum < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must be in [0, 1).");
        }
        if (nesterov && momentum == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(nesterov), "Nesterov momentum needs a momentum above 0.");
        }
        OptimizerChecks.WeightDecay(weightDecay);
        Momentum = momentum;
        Nesterov = nesterov;
        WeightDecay = weightDecay;
    }

    /// <inheritdoc/>
    public double LearningRate
    {
        get;
        set
        {
            OptimizerChecks.LearningRate(value);
            field = value;
        }
    }

    /// <summary>The momentum μ (0: none).</summary>
    public double Momentum { get; }

    /// <summary>Whether the update looks ahead along the velocity (Nesterov).</summary>
    public bool Nesterov { get; }

    /// <summary>The L2 weight decay λ added to the gradient as λ θ, for every parameter (biases included).</summary>
    public double WeightDecay { get; }

    /// <summary>"sgd", "momentum" or "nesterov".</summary>
    public string Kind => Momentum == 0 ? "sgd" : Nesterov ? "nesterov" : "momentum";

    /// <inheritdoc/>
    public long Steps { get; set; }

    /// <summary>
    /// The next step, element-wise with or without momentum: θ ← θ − η (∇θ + λ θ) (which the float GEMM applies from
    /// its registers), or the momentum or Nesterov step with the velocity at the same offset.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ElementwiseUpdate<T>? BeginFusedStep(int parameterCount)
    {
        T eta = T.CreateChecked(LearningRate);
        T lambda = T.CreateChecked(WeightDecay);
        if (Momentum == 0)
        {
            return (_plainUpdate ??= new GradientDescentUpdate<T>()).For(eta, lambda);
        }
        EnsureState(parameterCount);
        _momentumUpdate ??= new MomentumUpdate(this);
        _momentumUpdate.Set(eta, lambda, T.CreateChecked(Momentum));
        return _momentumUpdate;
    }

    /// <inheritdoc/>
    public void CompleteFusedStep() => Steps++;

    /// <inheritdoc/>
    public void Step(Span<T> parameters, ReadOnlySpan<T> gradients)
    {
        if (parameters.Length != gradients.Length)
        {
            throw new ArgumentException($"{parameters.Length} parameters but {gradients.Length} gradients.", nameof(gradients));
        }
        T eta = T.CreateChecked(LearningRate);
        T lambda = T.CreateChecked(WeightDecay);
        Steps++;
        if (Momentum == 0)
        {
            if (WeightDecay == 0)
            {
                // θ + (−η) ∇θ rounds exactly as θ − η ∇θ (product first, then the sum; not fused), on all threads.
                ParallelElementwise.MultiplyAdd<T>(gradients, -eta, parameters, parameters);
            }
            else
            {
                // The same rounding as θ − η (g + λ θ) element by element, vectorised and on all threads.
                ParallelElementwise.DecayedStep(parameters, gradients, eta, lambda);
            }
            return;
        }

        EnsureState(parameters.Length);
        // g = ∇θ + λθ; v = μ v + g; θ −= η v, or η (g + μ v) for Nesterov: vectorised and on all threads, rounded
        // element by element as MomentumKernel.StepReference (tested bit for bit).
        MomentumKernel.Step<T>(parameters, gradients, _velocity, eta, lambda, T.CreateChecked(Momentum), Nesterov);
    }

    /// <summary>With momentum, the velocity v ("velocity"); without, none.</summary>
    public IReadOnlyList<KeyValuePair<string, T[]>> StateBuffers(int parameterCount)
    {
        if (Momentum == 0)
        {
            return [];
        }
        EnsureState(parameterCount);
        return _state;
    }

    private void EnsureState(int parameterCount)
    {
        if (_velocity.Length != parameterCount || _state.Length == 0)
        {
            _velocity = new T[parameterCount];
            _state = [new("velocity", _velocity)];
        }
    }

    // The momentum or Nesterov step on a run of the block, rounded as MomentumKernel.StepReference.
    private sealed class MomentumUpdate(Sgd<T> owner) : ElementwiseUpdate<T>
    {
        private T _eta;
        private T _lambda;
        private T _mu;

        public void Set(T eta, T lambda, T mu) => (_eta, _lambda, _mu) = (eta, lambda, mu);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void Apply(Span<T> parameters, ReadOnlySpan<T> gradients, int offset)
            => MomentumKernel.StepRange(parameters, gradients, owner._velocity.AsSpan(offset, parameters.Length), _eta, _lambda, _mu, owner.Nesterov);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal override unsafe void ApplyTile(T* parameters, T* gradients, int stride, int rows, int columns, int offset)
        {
            if (rows <= 0 || columns <= 0)
            {
                return;
            }
            if (offset < 0 || offset + (long)(rows - 1) * stride + columns > owner._velocity.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(offset), offset, "The tile lies outside the parameter block.");
            }
            fixed (T* velocity = owner._velocity)
            {
                MomentumKernel.StepTile(parameters, gradients, velocity + offset, stride, rows, columns, _eta, _lambda, _mu, owner.Nesterov);
            }
        }
    }
}
