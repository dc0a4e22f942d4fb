using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Optimizers;

/// <summary>
/// RMSprop (Hinton): with g = ∇θ + λ θ, a running mean of squared gradients s ← ρ s + (1 − ρ) g², and
/// θ ← θ − η g / (√s + ε): each parameter's step is scaled by the size of its recent gradients. The mean square s
/// (as long as the parameter block) is allocated once, on the first step, and saved in checkpoints as "mean_square".
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed class RmsProp<T> : IStatefulOptimizer<T>, IFusedUpdate<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[] _meanSquare = [];
    private KeyValuePair<string, T[]>[] _state = [];
    private FusedRmsPropUpdate? _update;

    /// <summary>Creates RMSprop.</summary>
    /// <param name="learningRate">η, default 0.001.</param>
    /// <param name="rho">ρ in [0, 1), the decay of the mean square, default 0.9.</param>
    /// <param name="epsilon">ε &gt; 0, default 1e-8.</param>
    /// <param name="weightDecay">λ ≥ 0 added to the gradient as λ θ, default 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range.</exception>
    public RmsProp(double learningRate = 0.001, double rho = 0.9, double epsilon = 1e-8, double weightDecay = 0)
    {
        LearningRate = learningRate;
        if (!(rho >= 0 && rho < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(rho), rho, "ρ must be in [0, 1).");
        }
        if (!(epsilon > 0) || !double.IsFinite(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be a positive finite number.");
        }
        OptimizerChecks.WeightDecay(weightDecay);
        Rho = rho;
        Epsilon = epsilon;
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

    /// <summary>ρ, the decay of the running mean square.</summary>
    public double Rho { get; }

    /// <summary>ε, added to √s.</summary>
    public double Epsilon { get; }

    /// <summary>The L2 weight decay λ, for every parameter (biases included).</summary>
    public double WeightDecay { get; }

    /// <summary>"rmsprop".</summary>
    public string Kind => "rmsprop";

    /// <inheritdoc/>
    public long Steps { get; set; }

    /// <inheritdoc/>
    public void Step(Span<T> parameters, ReadOnlySpan<T> gradients)
    {
        if (parameters.Length != gradients.Length)
        {
            throw new ArgumentException($"{parameters.Length} parameters but {gradients.Length} gradients.", nameof(gradients));
        }
        EnsureState(parameters.Length);
        Span<T> s = _meanSquare;
        Steps++;
        T rho = T.CreateChecked(Rho);
        T oneMinusRho = T.CreateChecked(1 - Rho);
        T eta = T.CreateChecked(LearningRate);
        T eps = T.CreateChecked(Epsilon);
        T lambda = T.CreateChecked(WeightDecay);
        // g = ∇θ + λθ; s = ρ s + (1 − ρ) g g; θ −= η g / (√s + ε): vectorised and on all threads, rounded element by
        // element as RmsPropKernel.StepReference (tested bit for bit).
        RmsPropKernel.Step(parameters, gradients, s, eta, lambda, rho, oneMinusRho, eps);
    }

    /// <summary>The next step, element-wise: RMSprop's update with the mean square at the same offset.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ElementwiseUpdate<T>? BeginFusedStep(int parameterCount)
    {
        EnsureState(parameterCount);
        _update ??= new FusedRmsPropUpdate(this);
        _update.Set(T.CreateChecked(LearningRate), T.CreateChecked(WeightDecay), T.CreateChecked(Rho), T.CreateChecked(1 - Rho), T.CreateChecked(Epsilon));
        return _update;
    }

    /// <inheritdoc/>
    public void CompleteFusedStep() => Steps++;

    /// <summary>The running mean of squared gradients, "mean_square".</summary>
    public IReadOnlyList<KeyValuePair<string, T[]>> StateBuffers(int parameterCount)
    {
        EnsureState(parameterCount);
        return _state;
    }

    private void EnsureState(int parameterCount)
    {
        if (_meanSquare.Length != parameterCount || _state.Length == 0)
        {
            _meanSquare = new T[parameterCount];
            _state = [new("mean_square", _meanSquare)];
        }
    }

    // RMSprop's step on a run of the block, rounded as RmsPropKernel.StepReference.
    private sealed class FusedRmsPropUpdate(RmsProp<T> owner) : ElementwiseUpdate<T>
    {
        private T _eta;
        private T _lambda;
        private T _rho;
        private T _oneMinusRho;
        private T _eps;

        public void Set(T eta, T lambda, T rho, T oneMinusRho, T eps) => (_eta, _lambda, _rho, _oneMinusRho, _eps) = (eta, lambda, rho, oneMinusRho, eps);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void Apply(Span<T> parameters, ReadOnlySpan<T> gradients, int offset)
            => RmsPropKernel.StepRange(parameters, gradients, owner._meanSquare.AsSpan(offset, parameters.Length), _eta, _lambda, _rho, _oneMinusRho, _eps);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal override unsafe void ApplyTile(T* parameters, T* gradients, int stride, int rows, int columns, int offset)
        {
            if (rows <= 0 || columns <= 0)
            {
                return;
            }
            if (offset < 0 || offset + (long)(rows - 1) * stride + columns > owner._meanSquare.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(offset), offset, "The tile lies outside the parameter block.");
            }
            fixed (T* meanSquare = owner._meanSquare)
            {
                RmsPropKernel.StepTile(parameters, gradients, meanSquare + offset, stride, rows, columns, _eta, _lambda, _rho, _oneMinusRho, _eps);
            }
        }
    }
}
