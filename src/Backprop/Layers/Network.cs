using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Layers;

/// <summary>
/// A multilayer perceptron: a sequence of <see cref="Dense{T}"/> layers and a <see cref="Losses.Loss"/>.
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
    private readonly T[] _parameters;
    private readonly T[] _gradients;
    private readonly int _parameterStart;
    private readonly int _gradientStart;
    private readonly int _parameterCount;
    private T[][] _z = [];
    private T[][] _a = [];
    private T[][] _delta = [];
    private T[][] _mask = [];
    private T[][] _dropped = [];
    private T[] _input = [];
    private T[] _target = [];
    private T[] _nextInput = [];
    private T[] _nextTarget = [];
    private T[] _logSumExp = [];
    private int _capacity;
    private int _batch;
    private bool _hasTargets;
    private bool _droppedOut;

    // Rows of the next batch whose first layer the last BackwardAndStep already computed (0: none); see
    // BackwardAndStep. Any forward pass consumes it.
    private int _firstLayerReady;

    /// <summary>How many forward passes started at the second layer because BackwardAndStep had computed the first.</summary>
    internal long FirstLayersComputedAhead { get; private set; }

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
        // Parameters and gradients start on a cache line: the rows of W (784 floats) then all do, and the fused step's
        // vector loads and stores of W and ∇W never straddle two lines (measured: ∇W = δᵀ x with its step, 784-128-10,
        // batch 64, about 35 → 33 µs per thread).
        _parameterCount = offset;
        _parameters = AlignedArray.Allocate<T>(offset, out _parameterStart);
        _gradients = AlignedArray.Allocate<T>(offset, out _gradientStart);
    }

    /// <summary>The layers, input side first.</summary>
    public IReadOnlyList<Dense<T>> Layers => _layers;

    /// <summary>The loss minimised by training.</summary>
    public Loss Loss { get; }

    /// <summary>Number of inputs of the first layer.</summary>
    public int InputSize => _layers[0].Inputs;

    /// <summary>Number of outputs of the last layer.</summary>
    public int OutputSize
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _layers[^1].Outputs;
    }

    /// <summary>Layer sizes, input first: [in, hidden…, out].</summary>
    public int[] Sizes => [InputSize, .. _layers.Select(l => l.Outputs)];

    /// <summary>Total number of weights and biases.</summary>
    public int ParameterCount => _parameterCount;

    /// <summary>All parameters, layer by layer: W (row-major) then b.</summary>
    public Span<T> Parameters
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _parameters.AsSpan(_parameterStart, _parameterCount);
    }

    /// <summary>Gradients of the mean batch loss, laid out like <see cref="Parameters"/>; filled by <see cref="Backward"/>.</summary>
    public Span<T> Gradients
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _gradients.AsSpan(_gradientStart, _parameterCount);
    }

    /// <summary><see cref="Parameters"/>[offset .. offset + length].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Span<T> ParameterSlice(int offset, int length) => _parameters.AsSpan(_parameterStart + offset, length);

    /// <summary><see cref="Gradients"/>[offset .. offset + length].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Span<T> GradientSlice(int offset, int length) => _gradients.AsSpan(_gradientStart + offset, length);

    /// <summary>
    /// The buffer <see cref="Forward(ReadOnlySpan{T}, ReadOnlySpan{T}, int)"/> keeps its input in, (batch, InputSize):
    /// a caller that gathers its batch here and passes this span saves the copy.
    /// </summary>
    internal Span<T> InputBuffer(int batch)
    {
        EnsureCapacity(batch);
        return _input.AsSpan(0, batch * InputSize);
    }

    /// <summary>The buffer Forward keeps its targets in, (batch, OutputSize); see <see cref="InputBuffer"/>.</summary>
    internal Span<T> TargetBuffer(int batch)
    {
        EnsureCapacity(batch);
        return _target.AsSpan(0, batch * OutputSize);
    }

    /// <summary>
    /// A second pair of input and target buffers, (batch, InputSize) and (batch, OutputSize), that the trainer fills
    /// with the next batch while the network works on the current one; <see cref="SwapBuffers"/> then makes them the
    /// network's own. Allocated on first use.
    /// </summary>
    internal (T[] X, T[] T) NextBuffers(int batch)
    {
        EnsureCapacity(batch);
        if (_nextInput.Length < _input.Length)
        {
            _nextInput = new T[_input.Length];
            _nextTarget = new T[_target.Length];
        }
        return (_nextInput, _nextTarget);
    }

    /// <summary>
    /// Makes the rows in the pair of <see cref="NextBuffers"/> the network's input and targets: the two pairs are
    /// exchanged, or, if the network grew since (a larger batch in between), the rows are copied over.
    /// </summary>
    internal void SwapBuffers()
    {
        if (_nextInput.Length == _input.Length && _nextTarget.Length == _target.Length)
        {
            (_input, _nextInput) = (_nextInput, _input);
            (_target, _nextTarget) = (_nextTarget, _target);
            return;
        }
        _nextInput.AsSpan(0, Math.Min(_nextInput.Length, _input.Length)).CopyTo(_input);
        _nextTarget.AsSpan(0, Math.Min(_nextTarget.Length, _target.Length)).CopyTo(_target);
    }

    /// <summary>Rows of the last forward pass.</summary>
    internal int BatchSize => _batch;

    /// <summary>The input of the last <see cref="Forward(ReadOnlySpan{T}, ReadOnlySpan{T}, int)"/> (batch, InputSize).</summary>
    internal ReadOnlySpan<T> Input => _input.AsSpan(0, _batch * InputSize);

    /// <summary>The last forward pass's targets (batch, OutputSize).</summary>
    internal ReadOnlySpan<T> Target
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _target.AsSpan(0, _batch * OutputSize);
    }

    /// <summary>z of layer <paramref name="layer"/> in the last forward pass, (batch, Outputs).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ReadOnlySpan<T> Z(int layer) => _z[layer].AsSpan(0, _batch * _layers[layer].Outputs);

    /// <summary>a = f(z) of layer <paramref name="layer"/> in the last forward pass, (batch, Outputs).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ReadOnlySpan<T> A(int layer) => _a[layer].AsSpan(0, _batch * _layers[layer].Outputs);

    /// <summary>δ = ∂L/∂z of layer <paramref name="layer"/> in the last backward pass, (batch, Outputs).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ReadOnlySpan<T> Delta(int layer) => _delta[layer].AsSpan(0, _batch * _layers[layer].Outputs);

    /// <summary>
    /// Inverted dropout on the hidden layers during <see cref="Forward(ReadOnlySpan{T}, ReadOnlySpan{T}, int)"/> (never in
    /// <see cref="Predict"/>): each hidden output is kept with probability 1 − p and then scaled by 1 / (1 − p), so the
    /// expected input of the next layer is unchanged. 0 turns it off. The mask comes from <see cref="DropoutRng"/>.
    /// </summary>
    internal double DropoutRate { get; private set; }

    /// <summary>The generator of the dropout masks (its state goes into checkpoints).</summary>
    internal Rng? DropoutRng { get; private set; }

    /// <summary>Reuse the last mask instead of drawing a new one (gradient checks need a fixed mask).</summary>
    internal bool FreezeDropoutMask { get; set; }

    /// <summary>Turns dropout on with rate p in [0, 1) and masks drawn from <paramref name="seed"/>, or off with p = 0.</summary>
    internal void SetDropout(double rate, long seed)
    {
        if (!(rate >= 0 && rate < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "The dropout rate must be in [0, 1).");
        }
        DropoutRate = rate;
        DropoutRng = rate > 0 ? new Rng(seed) : null;
        FreezeDropoutMask = false;
    }

    /// <summary>
    /// Runs the batch forward and returns its loss, the mean over rows: x is (batch, InputSize) and t is
    /// (batch, OutputSize), one-hot rows for cross-entropy. Keeps what <see cref="Backward"/> needs.
    /// </summary>
    /// <exception cref="ArgumentException">The spans are shorter than batch rows.</exception>
    public T Forward(ReadOnlySpan<T> x, ReadOnlySpan<T> t, int batch) => Forward(x, t, batch, null, 0);

    /// <summary>
    /// <see cref="Forward(ReadOnlySpan{T}, ReadOnlySpan{T}, int)"/>, handing <paramref name="background"/> to the worker
    /// threads (<see cref="WorkerPool.RunInBackground"/>) once the first layer is done: the rest of the pass is small
    /// products on this thread, which the job then runs beside.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal T Forward(ReadOnlySpan<T> x, ReadOnlySpan<T> t, int batch, IBlockJob? background, int backgroundBlocks, bool firstLayerDone = false)
    {
        if (t.Length < batch * OutputSize)
        {
            throw new ArgumentException($"targets hold {t.Length} values; {batch} rows of {OutputSize} need {batch * OutputSize}.", nameof(t));
        }
        RunForward(x, batch, training: true, background: background, backgroundBlocks: backgroundBlocks, firstLayerDone: firstLayerDone);
        ReadOnlySpan<T> targets = t[..(batch * OutputSize)];
        if (!Unsafe.AreSame(ref MemoryMarshal.GetReference(targets), ref MemoryMarshal.GetArrayDataReference(_target)))
        {
            targets.CopyTo(_target);
        }
        _hasTargets = true;
        return Loss.Value(OutputValues());
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
        RunForward(x, batch, training: false, keepInput: false);
        _hasTargets = false;
        A(_layers.Length - 1).CopyTo(output);
    }

    /// <summary>
    /// Fills <see cref="Gradients"/> with the gradients of the last forward pass's mean loss:
    /// δ_L = ∂L/∂z from the loss (<see cref="Loss.Delta{T}"/>: (a − t) / B for cross-entropy), then for each layer from the top
    /// ∇W = δᵀ a_prev, ∇b = Σ_rows δ and δ_prev = (δ W) ⊙ f'(z_prev).
    /// </summary>
    /// <exception cref="InvalidOperationException">No forward pass with targets came before.</exception>
    public void Backward() => RunBackward(T.Zero, T.Zero);

    /// <summary>
    /// <see cref="Backward()"/> followed by the gradient-descent step of <paramref name="sgd"/> without momentum,
    /// θ ← θ + (−η) ∇θ, or with weight decay λ, θ ← θ + (−η) (∇θ + λ θ), with the same bits as
    /// <see cref="Sgd{T}.Step"/> after <see cref="Backward()"/>. On the float path each layer's weights are stepped
    /// tile by tile as their gradient is produced, so the gradients are not read back from memory;
    /// <see cref="Gradients"/> is filled all the same.
    /// </summary>
    /// <remarks>
    /// With <paramref name="nextInput"/> (the next batch's <paramref name="nextBatch"/> rows, already gathered) the
    /// first layer's step and that layer's forward pass for the next batch run as one parallel job where the kernels
    /// allow it (<see cref="Dense{T}.StepThenForward"/>); the next <see cref="Forward(ReadOnlySpan{T}, ReadOnlySpan{T}, int, IBlockJob?, int, bool)"/>
    /// of exactly those rows, with firstLayerDone, then starts at the second layer. z and a of the first layer then
    /// hold the next batch's values.
    /// </remarks>
    internal void BackwardAndStep(Sgd<T> sgd, ReadOnlySpan<T> nextInput = default, int nextBatch = 0)
    {
        if (sgd.Momentum != 0)
        {
            throw new ArgumentException("Only the step without momentum is fused with the backward pass.", nameof(sgd));
        }
        T eta = T.CreateChecked(sgd.LearningRate);
        T lambda = T.CreateChecked(sgd.WeightDecay);
        T step = -eta;
        Span<bool> stepped = stackalloc bool[_layers.Length];
        RunBackward(step, lambda, stepped, nextInput, nextBatch);
        foreach (Dense<T> layer in _layers)
        {
            if (stepped[layer.Index])
            {
                continue; // the backward pass stepped the weights and the biases
            }
            Span<T> parameters = ParameterSlice(layer.WeightOffset, layer.ParameterCount);
            ReadOnlySpan<T> gradients = GradientSlice(layer.WeightOffset, layer.ParameterCount);
            if (lambda == T.Zero)
            {
                ParallelElementwise.MultiplyAdd(gradients, step, parameters, parameters);
            }
            else
            {
                ParallelElementwise.DecayedStep(parameters, gradients, eta, lambda);
            }
        }
        ((IStatefulOptimizer<T>)sgd).Steps++;
    }

    // step ≠ 0 asks layers to step their weights as W ← ∇W · step + W (with decay ≠ 0, W ← (W · decay + ∇W) · step + W)
    // while producing ∇W; stepped records which did.
    private void RunBackward(T step, T decay, Span<bool> stepped = default, ReadOnlySpan<T> nextInput = default, int nextBatch = 0)
    {
        if (!_hasTargets)
        {
            throw new InvalidOperationException("Backward needs a Forward with targets first.");
        }
        int last = _layers.Length - 1;
        Loss.Delta(OutputValues(), _delta[last].AsSpan(0, _batch * OutputSize));
        for (int l = last; l >= 0; l--)
        {
            Dense<T> layer = _layers[l];
            ReadOnlySpan<T> x = LayerInput(l);
            Span<T> inputDelta = l == 0 ? [] : _delta[l - 1].AsSpan(0, _batch * layer.Inputs);
            if (l == 0 && nextBatch > 0 && _layers.Length > 1 && !_droppedOut && nextBatch <= _capacity
                && layer.StepThenForward(x, Delta(0), _batch, step, decay, nextInput, _z[0], _a[0], nextBatch))
            {
                stepped[0] = true;
                _firstLayerReady = nextBatch;
                continue;
            }
            bool fusedPrevious = l > 0 && !_droppedOut;
            // δ_prev = (δ W) ⊙ f'(a_prev), fused where the kernels allow; with dropout the mask comes first (below).
            bool layerStepped = fusedPrevious
                ? layer.Backward(x, Delta(l), inputDelta, _batch, _layers[l - 1].Activation, A(l - 1), step, decay)
                : layer.Backward(x, Delta(l), inputDelta, _batch, step, decay);
            if (!stepped.IsEmpty)
            {
                stepped[l] = layerStepped;
            }
            if (l > 0 && _droppedOut)
            {
                // forward: x_l = a_(l−1) ⊙ m, so ∂L/∂a_(l−1) = (δ W) ⊙ m
                System.Numerics.Tensors.TensorPrimitives.Multiply(inputDelta, _mask[l - 1].AsSpan(0, inputDelta.Length), inputDelta);
                ActivationFunctions.MultiplyByDerivative(_layers[l - 1].Activation, A(l - 1), inputDelta);
            }
        }
    }

    /// <summary>What layer <paramref name="layer"/> read in the last pass: the input, or the previous layer's a (after dropout).</summary>
    private ReadOnlySpan<T> LayerInput(int layer)
    {
        if (layer == 0)
        {
            return Input;
        }
        return _droppedOut ? _dropped[layer - 1].AsSpan(0, _batch * _layers[layer - 1].Outputs) : A(layer - 1);
    }

    // keepInput copies x for Backward and the Input observer; prediction reads x in place.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void RunForward(ReadOnlySpan<T> x, int batch, bool training, bool keepInput = true, IBlockJob? background = null, int backgroundBlocks = 0, bool firstLayerDone = false)
    {
        // The first layer of these rows may have been computed by the last BackwardAndStep (firstLayerDone: the caller
        // says x is the batch it was given then); any other pass discards that, and so do new buffers (below).
        int ready = _firstLayerReady;
        _firstLayerReady = 0;
        if (batch < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch, "A batch needs at least one row.");
        }
        if (x.Length < batch * InputSize)
        {
            throw new ArgumentException($"inputs hold {x.Length} values; {batch} rows of {InputSize} need {batch * InputSize}.", nameof(x));
        }
        bool dropout = training && DropoutRate > 0 && _layers.Length > 1;
        if (dropout && FreezeDropoutMask && batch != _batch)
        {
            throw new InvalidOperationException("A frozen dropout mask needs the same batch size as the pass that drew it.");
        }
        T[][] firstLayerBuffers = _z;
        EnsureCapacity(batch);
        bool skipFirst = firstLayerDone && training && ready == batch && ReferenceEquals(firstLayerBuffers, _z);
        if (skipFirst)
        {
            FirstLayersComputedAhead++;
        }
        _batch = batch;
        _droppedOut = dropout;
        ReadOnlySpan<T> current = x[..(batch * InputSize)];
        if (keepInput)
        {
            // The trainer gathers its batch straight into _input (see InputBuffer): then there is nothing to copy.
            if (!Unsafe.AreSame(ref MemoryMarshal.GetReference(current), ref MemoryMarshal.GetArrayDataReference(_input)))
            {
                current.CopyTo(_input);
            }
            current = Input;
        }
        // The loss reuses the softmax's exponentials: the last layer leaves each row's log Σ e^z in _logSumExp.
        bool keepLogSumExp = training && _layers[^1].Activation == Activation.Softmax;
        for (int l = 0; l < _layers.Length; l++)
        {
            Span<T> logSumExp = keepLogSumExp && l == _layers.Length - 1 ? _logSumExp.AsSpan(0, batch) : default;
            if (l > 0 || !skipFirst)
            {
                _layers[l].Forward(current, _z[l], _a[l], batch, logSumExp, keepZ: training);
            }
            current = A(l);
            if (l == 0 && background is not null)
            {
                WorkerPool.RunInBackground(background, backgroundBlocks);
            }
            if (dropout && l < _layers.Length - 1)
            {
                Span<T> mask = _mask[l].AsSpan(0, current.Length);
                if (!FreezeDropoutMask)
                {
                    DrawMask(mask);
                }
                Span<T> dropped = _dropped[l].AsSpan(0, current.Length);
                System.Numerics.Tensors.TensorPrimitives.Multiply(current, mask, dropped);
                current = dropped;
            }
        }
    }

    // m_i = 1 / (1 − p) with probability 1 − p, else 0
    private void DrawMask(Span<T> mask)
    {
        Rng rng = DropoutRng!;
        double p = DropoutRate;
        T keep = T.One / (T.One - T.CreateChecked(p));
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = rng.NextDouble() < p ? T.Zero : keep;
        }
    }

    // The output layer's z and a, the targets, and the softmax pass's log Σ e^z, as the loss reads them.
    private OutputBatch<T> OutputValues()
    {
        int last = _layers.Length - 1;
        ReadOnlySpan<T> logSumExp = _layers[last].Activation == Activation.Softmax ? _logSumExp.AsSpan(0, _batch) : default;
        return new OutputBatch<T>(Z(last), A(last), Target, _batch, OutputSize, _layers[last].Activation, logSumExp);
    }

    // The check is inlined into every pass; growing is not.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void EnsureCapacity(int batch)
    {
        if (batch <= _capacity && (DropoutRate == 0 || _mask.Length == 0 || _mask[0].Length >= batch * _layers[0].Outputs))
        {
            return;
        }
        Grow(batch);
    }

    private void Grow(int batch)
    {
        batch = Math.Max(batch, _capacity);
        _z = new T[_layers.Length][];
        _a = new T[_layers.Length][];
        _delta = new T[_layers.Length][];
        _mask = new T[_layers.Length][];
        _dropped = new T[_layers.Length][];
        bool dropout = DropoutRate > 0;
        for (int l = 0; l < _layers.Length; l++)
        {
            _z[l] = new T[batch * _layers[l].Outputs];
            _a[l] = new T[batch * _layers[l].Outputs];
            _delta[l] = new T[batch * _layers[l].Outputs];
            _mask[l] = dropout ? new T[batch * _layers[l].Outputs] : [];
            _dropped[l] = dropout ? new T[batch * _layers[l].Outputs] : [];
        }
        _input = new T[batch * InputSize];
        _target = new T[batch * OutputSize];
        _logSumExp = new T[batch];
        _capacity = batch;
    }
}
