namespace Backprop.Explain;

/// <summary>
/// An optimizer that leaves every bias where it is, as Matt Mazur's 2-2-2 example does: it hands the wrapped
/// optimizer the gradients with the biases' entries set to zero, then puts the biases back, so neither a plain step
/// (θ − η·0 = θ) nor momentum or weight decay moves them. The weights are updated by the wrapped optimizer as usual.
/// It reads the parameter block's documented layout: each layer's W (out × in), then its b (out), in layer order.
/// </summary>
public sealed class FrozenBiases : IOptimizer<double>
{
    private readonly IOptimizer<double> _inner;
    private readonly (int Offset, int Length)[] _biases;
    private readonly double[] _saved;
    private double[] _gradients = [];

    /// <summary>Wraps <paramref name="inner"/> for <paramref name="network"/>, whose biases stay fixed.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public FrozenBiases(Network<double> network, IOptimizer<double> inner)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        var biases = new List<(int, int)>();
        int offset = 0;
        foreach (Dense<double> layer in network.DenseLayers)
        {
            offset += layer.Outputs * layer.Inputs;
            biases.Add((offset, layer.Outputs));
            offset += layer.Outputs;
        }
        _biases = [.. biases];
        _saved = new double[offset];
    }

    /// <inheritdoc/>
    public double LearningRate
    {
        get => _inner.LearningRate;
        set => _inner.LearningRate = value;
    }

    /// <inheritdoc/>
    public void Step(Span<double> parameters, ReadOnlySpan<double> gradients)
    {
        if (parameters.Length != _saved.Length || gradients.Length != _saved.Length)
        {
            throw new ArgumentException($"expected {_saved.Length} parameters and gradients, got {parameters.Length} and {gradients.Length}", nameof(parameters));
        }
        if (_gradients.Length != gradients.Length)
        {
            _gradients = new double[gradients.Length];
        }
        gradients.CopyTo(_gradients);
        foreach ((int offset, int length) in _biases)
        {
            _gradients.AsSpan(offset, length).Clear();
            parameters.Slice(offset, length).CopyTo(_saved.AsSpan(offset, length));
        }
        _inner.Step(parameters, _gradients);
        foreach ((int offset, int length) in _biases)
        {
            _saved.AsSpan(offset, length).CopyTo(parameters.Slice(offset, length));
        }
    }
}
