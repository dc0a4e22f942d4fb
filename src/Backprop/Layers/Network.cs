using System.Numerics;

namespace Backprop;

/// <summary>
/// A multilayer perceptron: a sequence of <see cref="Dense{T}"/> layers and a <see cref="Backprop.Loss"/>.
/// All parameters live in one block (<see cref="Parameters"/>) and all gradients in another (<see cref="Gradients"/>),
/// so an optimizer step is one loop over two spans. Activations are allocated once per batch size and reused.
/// </summary>
/// <remarks>
/// A network is not thread-safe: <see cref="Forward(ReadOnlySpan{T}, ReadOnlySpan{T}, int)"/>, <see cref="Backward"/>
/// and <see cref="Predict"/> share its work buffers. Use one network per thread.
/// </remarks>
/// <typeparam name="T">float (speed) or double (exact reproduction, explanations, gradient checks).</typeparam>
public sealed class Network<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Dense<T>[] _layers;
    private T[][] _z = [];
    private T[][] _a = [];
    private T[][] _delta = [];
    private T[] _input = [];
    private T[] _target = [];
    private int _capacity;
    private int _batch;
    private bool _hasTargets;

    /// <summary>
    /// Creates a network with layer sizes <paramref name="sizes"/> (input first, at least two entries) and one
    /// activation per non-input layer. Parameters start at zero; see <see cref="Initializer"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A size is below 1, there are fewer than two sizes, the number of
    /// activations is not sizes − 1, or softmax and the loss disagree.</exception>
    public Network(IReadOnlyList<int> sizes, IReadOnlyList<Activation> activations, Loss loss)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentNullException.ThrowIfNull(activations);
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
        {
            throw new NotSupportedException($"Network<{typeof(T).Name}> is not supported: use float or double.");
        }
        NetworkShape.Validate(sizes, activations, loss);
        Loss = loss;
        _layers = new Dense<T>[sizes.Count - 1];
        int offset = 0;
        for (int l = 0; l < _layers.Length; l++)
        {
            _layers[l] = new Dense<T>(this, l, sizes[l], sizes[l + 1], activations[l], offset);
            offset += _layers[l].ParameterCount;
        }
        ParameterArray = new T[offset];
        GradientArray = new T[offset];
    }

    /// <summary>The layers, input side first.</summary>
    public IReadOnlyList<Dense<T>> Layers => _layers;

    /// <summary>The loss minimised by training.</summary>
    public Loss Loss { get; }

    /// <summary>Number of inputs of the first layer.</summary>
    public int InputSize => _layers[0].Inputs;

    /// <summary>Number of outputs of the last layer.</summary>
    public int OutputSize => _layers[^1].Outputs;

    /// <summary>Layer sizes, input first: [in, hidden…, out].</summary>
    public int[] Sizes => [InputSize, .. _layers.Select(l => l.Outputs)];

    /// <summary>Total number of weights and biases.</summary>
    public int ParameterCount => ParameterArray.Length;

    /// <summary>All parameters, layer by layer: W (row-major) then b.</summary>
    public Span<T> Parameters => ParameterArray;

    /// <summary>Gradients of the mean batch loss, laid out like <see cref="Parameters"/>; filled by <see cref="Backward"/>.</summary>
    public Span<T> Gradients => GradientArray;

    internal T[] ParameterArray { get; }

    internal T[] GradientArray { get; }

    /// <summary>Rows of the last forward pass.</summary>
    internal int BatchSize => _batch;

    /// <summary>The input of the last <see cref="Forward(ReadOnlySpan{T}, ReadOnlySpan{T}, int)"/> (batch, InputSize).</summary>
    internal ReadOnlySpan<T> Input => _input.AsSpan(0, _batch * InputSize);

    /// <summary>The last forward pass's targets (batch, OutputSize).</summary>
    internal ReadOnlySpan<T> Target => _target.AsSpan(0, _batch * OutputSize);

    /// <summary>z of layer <paramref name="layer"/> in the last forward pass, (batch, Outputs).</summary>
    internal ReadOnlySpan<T> Z(int layer) => _z[layer].AsSpan(0, _batch * _layers[layer].Outputs);

    /// <summary>a = f(z) of layer <paramref name="layer"/> in the last forward pass, (batch, Outputs).</summary>
    internal ReadOnlySpan<T> A(int layer) => _a[layer].AsSpan(0, _batch * _layers[layer].Outputs);

    /// <summary>δ = ∂L/∂z of layer <paramref name="layer"/> in the last backward pass, (batch, Outputs).</summary>
    internal ReadOnlySpan<T> Delta(int layer) => _delta[layer].AsSpan(0, _batch * _layers[layer].Outputs);

    /// <summary>
    /// Runs the batch forward and returns its loss, the mean over rows: x is (batch, InputSize) and t is
    /// (batch, OutputSize), one-hot rows for cross-entropy. Keeps what <see cref="Backward"/> needs.
    /// </summary>
    /// <exception cref="ArgumentException">The spans are shorter than batch rows.</exception>
    public T Forward(ReadOnlySpan<T> x, ReadOnlySpan<T> t, int batch)
    {
        if (t.Length < batch * OutputSize)
        {
            throw new ArgumentException($"targets hold {t.Length} values; {batch} rows of {OutputSize} need {batch * OutputSize}.", nameof(t));
        }
        RunForward(x, batch);
        t[..(batch * OutputSize)].CopyTo(_target);
        _hasTargets = true;
        return ComputeLoss();
    }

    /// <summary>
    /// Computes a = network(x) for x of shape (batch, InputSize) into <paramref name="output"/> (batch, OutputSize):
    /// class probabilities for cross-entropy, the output activation otherwise.
    /// </summary>
    public void Predict(ReadOnlySpan<T> x, int batch, Span<T> output)
    {
        if (output.Length < batch * OutputSize)
        {
            throw new ArgumentException($"output holds {output.Length} values; {batch} rows of {OutputSize} need {batch * OutputSize}.", nameof(output));
        }
        RunForward(x, batch, keepInput: false);
        _hasTargets = false;
        A(_layers.Length - 1).CopyTo(output);
    }

    /// <summary>
    /// Fills <see cref="Gradients"/> with the gradients of the last forward pass's mean loss:
    /// δ_L = a − t (cross-entropy) or 2 (a − t) / (B n) ⊙ f'(z) (MSE), then for each layer from the top
    /// ∇W = δᵀ a_prev, ∇b = Σ_rows δ and δ_prev = (δ W) ⊙ f'(z_prev).
    /// </summary>
    /// <exception cref="InvalidOperationException">No forward pass with targets came before.</exception>
    public void Backward()
    {
        if (!_hasTargets)
        {
            throw new InvalidOperationException("Backward needs a Forward with targets first.");
        }
        int last = _layers.Length - 1;
        int n = OutputSize;
        Span<T> deltaL = _delta[last].AsSpan(0, _batch * n);
        if (Loss == Backprop.Loss.CrossEntropy)
        {
            SoftmaxCrossEntropy.Delta<T>(A(last), Target, deltaL, _batch);
        }
        else
        {
            MeanSquaredError.OutputGradient<T>(A(last), Target, deltaL);
            ActivationFunctions.MultiplyByDerivative(_layers[last].Activation, A(last), deltaL);
        }
        for (int l = last; l >= 0; l--)
        {
            Dense<T> layer = _layers[l];
            ReadOnlySpan<T> x = l == 0 ? Input : A(l - 1);
            Span<T> inputDelta = l == 0 ? [] : _delta[l - 1].AsSpan(0, _batch * layer.Inputs);
            if (l > 0)
            {
                // δ_prev = (δ W) ⊙ f'(a_prev), fused where the kernels allow.
                layer.Backward(x, Delta(l), inputDelta, _batch, _layers[l - 1].Activation, A(l - 1));
            }
            else
            {
                layer.Backward(x, Delta(l), inputDelta, _batch);
            }
        }
    }

    // keepInput copies x for Backward and the Input observer; prediction reads x in place.
    private void RunForward(ReadOnlySpan<T> x, int batch, bool keepInput = true)
    {
        if (batch < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch, "A batch needs at least one row.");
        }
        if (x.Length < batch * InputSize)
        {
            throw new ArgumentException($"inputs hold {x.Length} values; {batch} rows of {InputSize} need {batch * InputSize}.", nameof(x));
        }
        EnsureCapacity(batch);
        _batch = batch;
        ReadOnlySpan<T> current = x[..(batch * InputSize)];
        if (keepInput)
        {
            current.CopyTo(_input);
            current = Input;
        }
        for (int l = 0; l < _layers.Length; l++)
        {
            _layers[l].Forward(current, _z[l], _a[l], batch);
            current = A(l);
        }
    }

    private T ComputeLoss()
    {
        int last = _layers.Length - 1;
        return Loss == Backprop.Loss.CrossEntropy
            ? SoftmaxCrossEntropy.Loss<T>(Z(last), Target, OutputSize)
            : MeanSquaredError.Loss<T>(A(last), Target);
    }

    private void EnsureCapacity(int batch)
    {
        if (batch <= _capacity)
        {
            return;
        }
        _z = new T[_layers.Length][];
        _a = new T[_layers.Length][];
        _delta = new T[_layers.Length][];
        for (int l = 0; l < _layers.Length; l++)
        {
            _z[l] = new T[batch * _layers[l].Outputs];
            _a[l] = new T[batch * _layers[l].Outputs];
            _delta[l] = new T[batch * _layers[l].Outputs];
        }
        _input = new T[batch * InputSize];
        _target = new T[batch * OutputSize];
        _capacity = batch;
    }
}
