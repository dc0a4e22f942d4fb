using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Optimizers;

/// <summary>
/// Adam (Kingma and Ba): with g = ∇θ (+ λ θ for L2 decay), m ← β₁ m + (1 − β₁) g, v ← β₂ v + (1 − β₂) g²,
/// θ ← θ − η m̂ / (√v̂ + ε) where m̂ = m / (1 − β₁ᵗ) and v̂ = v / (1 − β₂ᵗ).
/// With <see cref="DecoupledWeightDecay"/> (AdamW, Loshchilov and Hutter) the decay is applied to θ directly,
/// θ ← θ − η λ θ, instead of being added to g. The moments are allocated once, on the first step.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed class Adam<T> : IStatefulOptimizer<T>, IFusedUpdate<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[] _m = [];
    private T[] _v = [];
    private KeyValuePair<string, T[]>[] _state = [];
    private long _steps;
    private FusedAdamUpdate? _update;

    /// <summary>Creates Adam (or AdamW with <paramref name="decoupledWeightDecay"/>).</summary>
    /// <param name="learningRate">η, default 0.001.</param>
    /// <param name="beta1">β₁ in [0, 1), default 0.9.</param>
    /// <param name="beta2">β₂ in [0, 1), default 0.999.</param>
    /// <param name="epsilon">ε &gt; 0, default 1e-8.</param>
    /// <param name="weightDecay">λ ≥ 0, default 0.</param>
    /// <param name="decoupledWeightDecay">True for AdamW: decay θ directly rather than through the gradient.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range.</exception>
    public Adam(double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0, bool decoupledWeightDecay = false)
    {
        LearningRate = learningRate;
        if (!(beta1 >= 0 && beta1 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "β₁ must be in [0, 1).");
        }
        if (!(beta2 >= 0 && beta2 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "β₂ must be in [0, 1).");
        }
        if (!(epsilon > 0) || !double.IsFinite(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be a positive finite number.");
        }
        OptimizerChecks.WeightDecay(weightDecay);
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        DecoupledWeightDecay = decoupledWeightDecay;
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

    /// <summary>Decay rate β₁ of the first moment.</summary>
    public double Beta1 { get; }

    /// <summary>Decay rate β₂ of the second moment.</summary>
    public double Beta2 { get; }

    /// <summary>ε, added to √v̂ to avoid division by zero.</summary>
    public double Epsilon { get; }

    /// <summary>The weight decay λ, applied to every parameter (biases included).</summary>
    public double WeightDecay { get; }

    /// <summary>True for AdamW: θ ← θ − η λ θ, separately from the adaptive step.</summary>
    public bool DecoupledWeightDecay { get; }

    /// <summary>"adam" or "adamw".</summary>
    public string Kind => DecoupledWeightDecay ? "adamw" : "adam";

    /// <inheritdoc/>
    public long Steps
    {
        get => _steps;
        set => _steps = value;
    }

    /// <inheritdoc/>
    public void Step(Span<T> parameters, ReadOnlySpan<T> gradients)
    {
        if (parameters.Length != gradients.Length)
        {
            throw new ArgumentException($"{parameters.Length} parameters but {gradients.Length} gradients.", nameof(gradients));
        }
        EnsureState(parameters.Length);
        Span<T> m = _m;
        Span<T> v = _v;
        _steps++;
        AdamKernel.Coefficients<T> coefficients = CoefficientsOfStep(_steps);
        // Vectorised and on all threads, rounded element by element as AdamKernel.StepReference (tested bit for bit).
        AdamKernel.Step(parameters, gradients, m, v, coefficients);
    }

    /// <summary>The next step, element-wise: Adam's update with its bias corrections for step t + 1, m and v at the same offset.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ElementwiseUpdate<T>? BeginFusedStep(int parameterCount)
    {
        EnsureState(parameterCount);
        _update ??= new FusedAdamUpdate(this);
        _update.Coefficients = CoefficientsOfStep(_steps + 1);
        return _update;
    }

    /// <inheritdoc/>
    public void CompleteFusedStep() => _steps++;

    /// <summary>The first and second moment estimates, "m" and "v".</summary>
    public IReadOnlyList<KeyValuePair<string, T[]>> StateBuffers(int parameterCount)
    {
        EnsureState(parameterCount);
        return _state;
    }

    private void EnsureState(int parameterCount)
    {
        if (_m.Length != parameterCount || _state.Length == 0)
        {
            _m = new T[parameterCount];
            _v = new T[parameterCount];
            _state = [new("m", _m), new("v", _v)];
        }
    }

    private AdamKernel.Coefficients<T> CoefficientsOfStep(long step)
        => AdamKernel.CoefficientsOfStep<T>(LearningRate, Beta1, Beta2, Epsilon, WeightDecay, DecoupledWeightDecay, step);

    // Adam's step on a run of the block, rounded as AdamKernel.StepReference.
    private sealed class FusedAdamUpdate(Adam<T> owner) : ElementwiseUpdate<T>
    {
        public AdamKernel.Coefficients<T> Coefficients { get; set; }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void Apply(Span<T> parameters, ReadOnlySpan<T> gradients, int offset)
            => AdamKernel.StepRange(parameters, gradients, owner._m.AsSpan(offset, parameters.Length), owner._v.AsSpan(offset, parameters.Length), Coefficients);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal override unsafe void ApplyTile(T* parameters, T* gradients, int stride, int rows, int columns, int offset)
        {
            if (rows <= 0 || columns <= 0)
            {
                return;
            }
            if (offset < 0 || offset + (long)(rows - 1) * stride + columns > owner._m.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(offset), offset, "The tile lies outside the parameter block.");
            }
            fixed (T* m = owner._m)
            fixed (T* v = owner._v)
            {
                AdamKernel.StepTile(parameters, gradients, m + offset, v + offset, stride, rows, columns, Coefficients);
            }
        }
    }
}
