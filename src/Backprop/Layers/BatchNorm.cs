using System.Numerics;

namespace Backprop.Layers;

/// <summary>
/// Batch normalisation, per feature j: in training, with the batch's mean μ_j and variance σ²_j (over the B rows),
/// x̂ = (x − μ) / √(σ² + ε) and y = γ x̂ + β, and the running statistics follow the batch's,
/// m ← (1 − p) m + p μ and v ← (1 − p) v + p σ² (p the momentum); outside training, y = γ (x − m) / √(v + ε) + β.
/// x and y are (batch, Inputs); γ and β (Inputs each, in that order) are the layer's parameters, and the running mean
/// and variance its state (<see cref="Layer{T}.StateBuffers"/>), saved in checkpoints. Backward, with g = ∂L/∂y:
/// ∂L/∂γ = Σ_rows g x̂, ∂L/∂β = Σ_rows g, ∂L/∂x = γ / √(σ² + ε) · (g − mean_rows(g) − x̂ mean_rows(g x̂)).
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed class BatchNorm<T> : Layer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[] _normalized = [];
    private T[] _inverseStd = [];
    private T[] _runningMean = [];
    private T[] _runningVariance = [];
    private KeyValuePair<string, T[]>[] _state = [];

    /// <summary>Creates batch normalisation with momentum p in (0, 1] for the running statistics and ε &gt; 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">p or ε is out of range.</exception>
    public BatchNorm(double momentum = 0.1, double epsilon = 1e-5)
    {
        if (!(momentum > 0 && momentum <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "The momentum must be in (0, 1].");
        }
        if (!(epsilon > 0) || !double.IsFinite(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be a positive finite number.");
        }
        Momentum = momentum;
        Epsilon = epsilon;
    }

    /// <summary>p, the weight of each batch's statistics in the running ones.</summary>
    public double Momentum { get; }

    /// <summary>ε, added to the variance.</summary>
    public double Epsilon { get; }

    /// <summary>As many outputs as inputs.</summary>
    public override int Outputs => Inputs;

    /// <summary>γ and β, one each per feature.</summary>
    public override int ParameterCount => 2 * Inputs;

    /// <summary>The running mean m and variance v, "running_mean" and "running_variance".</summary>
    public override IReadOnlyList<KeyValuePair<string, T[]>> StateBuffers => _state;

    /// <summary>γ = 1, β = 0, m = 0, v = 1; draws nothing.</summary>
    public override void Initialize(Func<double> uniform)
    {
        Parameters[..Inputs].Fill(T.One);
        Parameters[Inputs..].Clear();
        _runningMean.AsSpan().Clear();
        _runningVariance.AsSpan().Fill(T.One);
    }

    /// <inheritdoc/>
    public override void Forward(ReadOnlySpan<T> x, Span<T> y, int batch, bool training)
    {
        int n = Inputs;
        ReadOnlySpan<T> gamma = ParameterValues[..n];
        ReadOnlySpan<T> beta = ParameterValues[n..];
        T eps = T.CreateChecked(Epsilon);
        if (!training)
        {
            for (int j = 0; j < n; j++)
            {
                T scale = gamma[j] / T.Sqrt(_runningVariance[j] + eps);
                for (int r = 0; r < batch; r++)
                {
                    y[r * n + j] = (x[r * n + j] - _runningMean[j]) * scale + beta[j];
                }
            }
            return;
        }
        T rows = T.CreateChecked(batch);
        T p = T.CreateChecked(Momentum);
        for (int j = 0; j < n; j++)
        {
            T mean = T.Zero;
            for (int r = 0; r < batch; r++)
            {
                mean += x[r * n + j];
            }
            mean /= rows;
            T variance = T.Zero;
            for (int r = 0; r < batch; r++)
            {
                T d = x[r * n + j] - mean;
                variance += d * d;
            }
            variance /= rows;
            T inverseStd = T.One / T.Sqrt(variance + eps);
            _inverseStd[j] = inverseStd;
            for (int r = 0; r < batch; r++)
            {
                T normalized = (x[r * n + j] - mean) * inverseStd;
                _normalized[r * n + j] = normalized;
                y[r * n + j] = gamma[j] * normalized + beta[j];
            }
            _runningMean[j] = (T.One - p) * _runningMean[j] + p * mean;
            _runningVariance[j] = (T.One - p) * _runningVariance[j] + p * variance;
        }
    }

    /// <inheritdoc/>
    public override void Backward(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> dy, Span<T> dx, int batch)
    {
        int n = Inputs;
        ReadOnlySpan<T> gamma = Parameters[..n];
        Span<T> dGamma = Gradients[..n];
        Span<T> dBeta = Gradients[n..];
        T rows = T.CreateChecked(batch);
        for (int j = 0; j < n; j++)
        {
            T sum = T.Zero;
            T sumNormalized = T.Zero;
            for (int r = 0; r < batch; r++)
            {
                sum += dy[r * n + j];
                sumNormalized += dy[r * n + j] * _normalized[r * n + j];
            }
            dBeta[j] = sum;
            dGamma[j] = sumNormalized;
            if (dx.IsEmpty)
            {
                continue;
            }
            T scale = gamma[j] * _inverseStd[j];
            T meanG = sum / rows;
            T meanGx = sumNormalized / rows;
            for (int r = 0; r < batch; r++)
            {
                dx[r * n + j] = scale * (dy[r * n + j] - meanG - _normalized[r * n + j] * meanGx);
            }
        }
    }

    /// <inheritdoc/>
    protected internal override void Reserve(int rows)
    {
        if (_normalized.Length < rows * Inputs)
        {
            _normalized = new T[rows * Inputs];
        }
    }

    /// <inheritdoc/>
    protected internal override void Bind(Network<T> network, int index, int inputs, int parameterOffset)
    {
        base.Bind(network, index, inputs, parameterOffset);
        _inverseStd = new T[inputs];
        _runningMean = new T[inputs];
        _runningVariance = new T[inputs];
        _runningVariance.AsSpan().Fill(T.One);
        _state = [new("running_mean", _runningMean), new("running_variance", _runningVariance)];
    }
}
