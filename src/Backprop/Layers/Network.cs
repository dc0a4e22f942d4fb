using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Layers;

/// <summary>
/// A network: a sequence of <see cref="Layer{T}"/>s (<see cref="Dense{T}"/>, <see cref="Dropout{T}"/>, ...) and a
/// <see cref="Losses.Loss"/> of the last layer's output. All parameters live in one block (<see cref="Parameters"/>)
/// and all gradients in another (<see cref="Gradients"/>), each layer owning a slice, so an optimizer step is one loop
/// over two spans. Activations are allocated once per batch size and reused.
/// </summary>
/// <remarks>
/// A network is not thread-safe: <see cref="Forward(ReadOnlySpan{T}, ReadOnlySpan{T}, int)"/>, <see cref="Backward"/>
/// and <see cref="Predict"/> share its work buffers. Use one network per thread.
/// </remarks>
/// <typeparam name="T">float (speed) or double (exact reproduction, explanations, gradient checks).</typeparam>
public sealed class Network<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Layer<T>[] _layers;
    // Each layer's Outputs, read once: the passes take it per layer, where Layer.Outputs is a virtual call.
    private readonly int[] _widths;
    private readonly Dense<T>[] _dense;
    private readonly Dense<T> _output;
    private readonly int _inputs;
    private readonly bool _allDense;
    // double, every layer dense with fewer than Gemm.ShortDot inputs (the article's network, and any as small): a
    // training pass of one row takes ForwardRow and BackwardRow. Tests turn it off (UseGeneralPasses).
    private bool _narrowRows;
    private readonly T[] _parameters;
    private readonly T[] _gradients;
    private readonly int _parameterStart;
    private readonly int _gradientStart;
    private readonly int _parameterCount;
    // The loss when it is cross-entropy, called without the generic virtual dispatch of Loss.Value and Loss.Delta.
    private readonly SoftmaxCrossEntropy? _crossEntropy;
    // Per layer: its output y (a for Dense) and the gradient flowing into it (δ = ∂L/∂z for Dense after backward).
    private AlignedBuffer<T>[] _y = [];
    private AlignedBuffer<T>[] _delta = [];
    private AlignedBuffer<T> _input = AlignedBuffer<T>.Empty;
    private AlignedBuffer<T> _target = AlignedBuffer<T>.Empty;
    private AlignedBuffer<T> _nextInput = AlignedBuffer<T>.Empty;
    private AlignedBuffer<T> _nextTarget = AlignedBuffer<T>.Empty;
    private AlignedBuffer<T> _logSumExp = AlignedBuffer<T>.Empty;
    private int _capacity;
    private int _grown;
    private int _batch;
    private bool _hasTargets;

    // Rows of the next batch whose first layer the last BackwardAndStep already computed (0: none), and how many layers
    // from the first it computed (1, or 2 where it paired the second layer's step too); see BackwardAndStep. Any forward
    // pass consumes them.
    private int _firstLayerReady;
    private int _layersReady;

    // The first layer's output for the next batch, written by BackwardAndStep's paired job while the second layer's step
    // still reads this batch's (in _y[0]); the two buffers are then exchanged.
    private AlignedBuffer<T> _nextFirstOutput = AlignedBuffer<T>.Empty;

    /// <summary>How many forward passes started at the second layer because BackwardAndStep had computed the first.</summary>
    internal long FirstLayersComputedAhead { get; private set; }

    /// <summary>How many of those started at the third layer: BackwardAndStep had computed the second layer as well.</summary>
    internal long SecondLayersComputedAhead { get; private set; }

    /// <summary>
    /// Creates a network of <see cref="Dense{T}"/> layers with sizes <paramref name="sizes"/> (input first, at least two
    /// entries) and one activation per non-input layer. Parameters start at zero; see <see cref="Initializer"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A size is below 1, there are fewer than two sizes, the number of
    /// activations is not sizes − 1, the output activation and the loss disagree, or the parameters and gradients would
    /// not fit in memory (checked before anything is allocated).</exception>
    public Network(IReadOnlyList<int> sizes, IReadOnlyList<Activation> activations, Loss loss)
        : this(Validated(sizes, activations, loss), [.. Enumerable.Range(0, sizes.Count - 1).Select(l => new Dense<T>(sizes[l + 1], activations[l]))], loss)
    {
    }

    /// <summary>
    /// Checks, before anything is allocated, that a network of dense layers with these sizes (inputs first) fits: its
    /// parameter count, computed in 64 bits, fits in one block, and its parameters and gradients (two values of T each)
    /// take at most half of the memory available to this process. The constructors run the same check; call this first
    /// to refuse a network before reading its data. Returns the parameter count, Σ (in + 1) × out.
    /// </summary>
    /// <exception cref="ArgumentException">The network is too large; the message says how much it needs and what is available.</exception>
    public static long CheckSize(IReadOnlyList<int> sizes) => NetworkShape.CheckSize(sizes, Unsafe.SizeOf<T>());

    /// <summary>
    /// Creates a network taking <paramref name="inputs"/> values per row through <paramref name="layers"/> in order, the
    /// last of them a <see cref="Dense{T}"/> whose activation goes with <paramref name="loss"/>. Parameters start at
    /// zero; see <see cref="Initializer"/>. Each layer object belongs to this network from now on.
    /// </summary>
    /// <exception cref="ArgumentException">There are no layers, the last is not dense, a hidden layer is softmax, a layer
    /// already belongs to a network, or the output activation and the loss disagree.</exception>
    public Network(int inputs, IReadOnlyList<Layer<T>> layers, Loss loss)
    {
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(loss);
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
        {
            throw new NotSupportedException($"Network<{typeof(T).Name}> is not supported: use float or double.");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        if (layers.Count == 0 || layers[^1] is not Dense<T> output)
        {
            throw new ArgumentException("A network needs at least one layer, and its last layer must be dense (its activation goes with the loss).", nameof(layers));
        }
        _layers = [.. layers];
        _dense = [.. _layers.OfType<Dense<T>>()];
        _output = output;
        _inputs = inputs;
        _allDense = _dense.Length == _layers.Length;
        for (int l = 0; l < _dense.Length - 1; l++)
        {
            if (_dense[l].Activation == Activation.Softmax)
            {
                throw new ArgumentException($"Softmax is only supported on the output layer (found on hidden layer {l + 1}).", nameof(layers));
            }
        }
        loss.Validate(output.Outputs, output.Activation);
        // Parameters and gradients are counted in 64 bits and checked against memory before anything is allocated; the
        // layers without weights keep their input's width, so the dense layers' sizes give the count.
        NetworkShape.CheckSize([inputs, .. _dense.Select(d => d.Outputs)], Unsafe.SizeOf<T>());
        Loss = loss;
        _crossEntropy = loss as SoftmaxCrossEntropy;
        int offset = 0;
        int width = inputs;
        for (int l = 0; l < _layers.Length; l++)
        {
            _layers[l].Bind(this, l, width, offset);
            offset += _layers[l].ParameterCount;
            width = _layers[l].Outputs;
        }
        _widths = [.. _layers.Select(l => l.Outputs)];
        _narrowRows = typeof(T) == typeof(double) && _allDense && _dense.All(d => d.Inputs < Gemm.ShortDot);
        // Parameters and gradients start on a cache line: the rows of W (784 floats) then all do, and the fused step's
        // vector loads and stores of W and ∇W never straddle two lines.
        _parameterCount = offset;
        _parameters = AlignedArray.Allocate<T>(offset, out _parameterStart);
        _gradients = AlignedArray.Allocate<T>(offset, out _gradientStart);
    }

    private static int Validated(IReadOnlyList<int> sizes, IReadOnlyList<Activation> activations, Loss loss)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentNullException.ThrowIfNull(activations);
        NetworkShape.Validate(sizes, activations, loss);
        return sizes[0];
    }

    /// <summary>The layers in order, input side first.</summary>
    public IReadOnlyList<Layer<T>> Layers => _layers;

    /// <summary>The dense layers in order, input side first: the layers with weights, as model and weight files store them.</summary>
    public IReadOnlyList<Dense<T>> DenseLayers => _dense;

    /// <summary>The loss minimised by training.</summary>
    public Loss Loss { get; }

    /// <summary>Number of inputs of the first layer.</summary>
    public int InputSize => _inputs;

    /// <summary>Number of outputs of the last layer.</summary>
    public int OutputSize
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _output.Outputs;
    }

    /// <summary>Makes every pass take the general loops, also for one row of a small network (tests compare the two).</summary>
    internal void UseGeneralPasses() => _narrowRows = false;

    /// <summary>Sizes of the dense layers, input first: [in, hidden…, out].</summary>
    public int[] Sizes => [InputSize, .. _dense.Select(l => l.Outputs)];

    /// <summary>The generator stochastic layers (dropout) draw from; its state goes into checkpoints.</summary>
    internal Rng Random { get; private set; } = new(0);

    /// <summary>Whether a layer draws from <see cref="Random"/> in training (dropout with a rate above 0).</summary>
    internal bool IsStochastic => _layers.Any(l => l is Dropout<T> { Rate: > 0 });

    /// <summary>Restarts the generator stochastic layers (dropout masks) draw from at <paramref name="seed"/>.</summary>
    public void Reseed(long seed) => Random = new Rng(seed);

    /// <summary>Total number of parameters (weights and biases).</summary>
    public int ParameterCount => _parameterCount;

    /// <summary>All parameters, layer by layer (Dense: W row-major, then b).</summary>
    /// <remarks>
    /// Every access counts as a change of the parameters (prediction then repacks the weights it keeps packed), so
    /// write through a span taken after the last prediction, not through one kept from before it. The same holds for
    /// <see cref="Layer{T}.Parameters"/>, <see cref="Dense{T}.Weights"/> and <see cref="Dense{T}.Bias"/>.
    /// </remarks>
    public Span<T> Parameters
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            ParameterVersion++;
            return _parameters.AsSpan(_parameterStart, _parameterCount);
        }
    }

    /// <summary>
    /// Stamps the parameters: it changes whenever a writable view of them is handed out (<see cref="Parameters"/>,
    /// <see cref="ParameterSlice"/>: every optimizer step, initialisation, loading), so that a copy made from them
    /// (prediction's packed weights) knows it is stale. Readers use <see cref="ParameterValues"/>, which leaves it.
    /// </summary>
    internal long ParameterVersion { get; private set; }

    /// <summary>Gradients of the mean batch loss, laid out like <see cref="Parameters"/>; filled by <see cref="Backward"/>.</summary>
    public Span<T> Gradients
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _gradients.AsSpan(_gradientStart, _parameterCount);
    }

    /// <summary><see cref="Parameters"/>[offset .. offset + length], writable: a change (<see cref="ParameterVersion"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Span<T> ParameterSlice(int offset, int length)
    {
        ParameterVersion++;
        return _parameters.AsSpan(_parameterStart + offset, length);
    }

    /// <summary><see cref="Parameters"/>[offset .. offset + length] to read: not a change.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ReadOnlySpan<T> ParameterValues(int offset, int length) => _parameters.AsSpan(_parameterStart + offset, length);

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
        BufferVersion++;
        return _input.AsSpan(0, batch * InputSize);
    }

    /// <summary>The buffer Forward keeps its targets in, (batch, OutputSize); see <see cref="InputBuffer"/>.</summary>
    internal Span<T> TargetBuffer(int batch)
    {
        EnsureCapacity(batch);
        BufferVersion++;
        return _target.AsSpan(0, batch * OutputSize);
    }

    /// <summary>
    /// A second pair of input and target buffers, (batch, InputSize) and (batch, OutputSize), that the trainer fills
    /// with the next batch while the network works on the current one; <see cref="SwapBuffers"/> then makes them the
    /// network's own. Allocated on first use.
    /// </summary>
    internal (AlignedBuffer<T> X, AlignedBuffer<T> T) NextBuffers(int batch)
    {
        EnsureCapacity(batch);
        BufferVersion++;
        if (_nextInput.Length < _input.Length)
        {
            _nextInput = new AlignedBuffer<T>(_input.Length);
            _nextTarget = new AlignedBuffer<T>(_target.Length);
        }
        return (_nextInput, _nextTarget);
    }

    /// <summary>
    /// Makes the rows in the pair of <see cref="NextBuffers"/> the network's input and targets: the two pairs are
    /// exchanged, or, if the network grew since (a larger batch in between), the rows are copied over.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void SwapBuffers()
    {
        BufferVersion++;
        if (_nextInput.Length == _input.Length && _nextTarget.Length == _target.Length)
        {
            (_input, _nextInput) = (_nextInput, _input);
            (_target, _nextTarget) = (_nextTarget, _target);
            return;
        }
        _nextInput.AsSpan(0, Math.Min(_nextInput.Length, _input.Length)).CopyTo(_input);
        _nextTarget.AsSpan(0, Math.Min(_nextTarget.Length, _target.Length)).CopyTo(_target);
    }

    /// <summary>
    /// Stamps the input and target buffers: it changes whenever their contents may change (a writable view handed out
    /// by <see cref="InputBuffer"/>, <see cref="TargetBuffer"/> or <see cref="NextBuffers"/>, a swap, new buffers, a
    /// forward pass that copies its rows in), so that a caller that filled them can tell that they still hold its rows.
    /// </summary>
    internal long BufferVersion { get; private set; }

    /// <summary>The first <paramref name="batch"/> rows of the input buffer, to read: not a change (see <see cref="BufferVersion"/>).</summary>
    internal ReadOnlySpan<T> HeldInput(int batch) => _input.AsSpan(0, batch * InputSize);

    /// <summary>The first <paramref name="batch"/> rows of the target buffer, to read: not a change.</summary>
    internal ReadOnlySpan<T> HeldTargets(int batch) => _target.AsSpan(0, batch * OutputSize);

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

    /// <summary>z of dense layer <paramref name="layer"/> (an index into <see cref="Layers"/>) in the last forward pass, (batch, Outputs).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ReadOnlySpan<T> Z(int layer) => ((Dense<T>)_layers[layer]).ZBuffer[..(_batch * _widths[layer])];

    /// <summary>The output y of layer <paramref name="layer"/> (a = f(z) for dense) in the last forward pass, (batch, Outputs).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ReadOnlySpan<T> A(int layer) => _y[layer].AsSpan(0, _batch * _widths[layer]);

    /// <summary>δ = ∂L/∂z of dense layer <paramref name="layer"/> (∂L/∂y for other layers) in the last backward pass, (batch, Outputs).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ReadOnlySpan<T> Delta(int layer) => _delta[layer].AsSpan(0, _batch * _widths[layer]);

    /// <summary>
    /// Runs the batch forward and returns its loss, the mean over rows: x is (batch, InputSize) and t is
    /// (batch, OutputSize), one-hot rows for cross-entropy. Keeps what <see cref="Backward"/> needs.
    /// </summary>
    /// <exception cref="ArgumentException">The spans are shorter than batch rows.</exception>
    [MethodImpl(MethodImplOptions.NoInlining)]
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
        if (batch == 1 && _narrowRows && background is null && !firstLayerDone)
        {
            return ForwardRow(x, t);
        }
        RunForward(x, batch, training: true, background: background, backgroundBlocks: backgroundBlocks, firstLayerDone: firstLayerDone);
        ReadOnlySpan<T> targets = t[..(batch * OutputSize)];
        if (!Unsafe.AreSame(ref MemoryMarshal.GetReference(targets), ref MemoryMarshal.GetReference(_target.Span)))
        {
            targets.CopyTo(_target);
            BufferVersion++;
        }
        _hasTargets = true;
        return _crossEntropy is { } crossEntropy ? crossEntropy.BatchValue(OutputValues()) : Loss.Value(OutputValues());
    }

    /// <summary>
    /// Computes a = network(x) for x of shape (batch, InputSize) into <paramref name="output"/> (batch, OutputSize):
    /// class probabilities for cross-entropy, the output activation otherwise.
    /// </summary>
    /// <remarks>
    /// A float batch of more than 1024 rows is predicted as <see cref="Models.Model"/> predicts it: in passes of 1024
    /// rows, each split into blocks of rows that go through every layer on one thread, so the hidden activations of
    /// all the rows are never written out. Each pass has the bits of predicting its rows alone, whatever the number of
    /// threads.
    /// </remarks>
    public void Predict(ReadOnlySpan<T> x, int batch, Span<T> output)
    {
        if (output.Length < batch * OutputSize)
        {
            throw new ArgumentException($"output holds {output.Length} values; {batch} rows of {OutputSize} need {batch * OutputSize}.", nameof(output));
        }
        if (typeof(T) == typeof(float) && batch > ConcurrentPrediction.Chunk && x.Length >= (long)batch * InputSize)
        {
            // The network's own buffers are not written, so a first layer computed ahead for the trainer would stay
            // valid; it is discarded all the same, as by every other pass that is not the trainer's.
            _firstLayerReady = 0;
            _hasTargets = false;
            ConcurrentPrediction.PredictRows((Network<float>)(object)this, MemoryMarshal.Cast<T, float>(x), batch, null, MemoryMarshal.Cast<T, float>(output));
            return;
        }
        PredictByLayer(x, batch, output);
    }

    /// <summary>
    /// <see cref="Predict"/> one layer at a time over all the rows, on the network's buffers (the path of every
    /// batch of up to 1024 rows, and of every double batch): the reference of the blocked passes.
    /// </summary>
    internal void PredictByLayer(ReadOnlySpan<T> x, int batch, Span<T> output)
    {
        RunForward(x, batch, training: false, keepInput: false, inference: true);
        _hasTargets = false;
        A(_layers.Length - 1).CopyTo(output);
    }

    /// <summary>
    /// The loss of a batch in inference mode, as <see cref="Predict"/> runs it (dropout off): x is (batch, InputSize),
    /// t is (batch, OutputSize); the outputs a go to <paramref name="output"/> (batch, OutputSize). Keeps nothing for
    /// <see cref="Backward"/>. The trainer's validation loss.
    /// </summary>
    internal T EvaluationLoss(ReadOnlySpan<T> x, ReadOnlySpan<T> t, int batch, Span<T> output)
    {
        if (t.Length < batch * OutputSize || output.Length < batch * OutputSize)
        {
            throw new ArgumentException($"targets and outputs hold {t.Length} and {output.Length} values; {batch} rows of {OutputSize} need {batch * OutputSize}.", nameof(t));
        }
        RunForward(x, batch, training: false, keepInput: false, keepOutputZ: true);
        _hasTargets = false;
        int last = _layers.Length - 1;
        A(last).CopyTo(output);
        return Loss.Value(new OutputBatch<T>(Z(last), A(last), t, batch, OutputSize, _output.Activation));
    }

    /// <summary>
    /// Fills <see cref="Gradients"/> with the gradients of the last forward pass's mean loss:
    /// δ_L = ∂L/∂z from the loss (<see cref="Loss.Delta{T}"/>: (a − t) / B for cross-entropy), then for each layer from the top
    /// ∇W = δᵀ a_prev, ∇b = Σ_rows δ and δ_prev = (δ W) ⊙ f'(z_prev).
    /// </summary>
    /// <exception cref="InvalidOperationException">No forward pass with targets came before.</exception>
    public void Backward()
    {
        // One row of the article's narrow double network takes its own short pass; only the general pass below is
        // compiled optimised at its first call, so a small command does not pay for optimising it.
        if (_hasTargets && _batch == 1 && _narrowRows)
        {
            BackwardRow();
            return;
        }
        RunBackward(null);
    }

    /// <summary>
    /// <see cref="Backward()"/> followed by <paramref name="update"/>'s step (an <see cref="IFusedUpdate{T}"/>), with
    /// the same bits as <see cref="IOptimizer{T}.Step"/> after <see cref="Backward()"/>. On the float path each dense
    /// layer's weights are stepped tile by tile as their gradient is produced, so the gradients are not read back from
    /// memory; <see cref="Gradients"/> is filled all the same.
    /// </summary>
    /// <remarks>
    /// With <paramref name="nextInput"/> (the next batch's <paramref name="nextBatch"/> rows, already gathered) the
    /// first layer's step and that layer's forward pass for the next batch run as one parallel job where the kernels
    /// allow it (<see cref="Dense{T}.StepThenForward"/>); the next <see cref="Forward(ReadOnlySpan{T}, ReadOnlySpan{T}, int, IBlockJob?, int, bool)"/>
    /// of exactly those rows, with firstLayerDone, then starts at the second layer. z and a of the first layer then
    /// hold the next batch's values. With two hidden layers or more, the second layer's step waits for that job (its
    /// δ for the first layer is computed before, from W as it was) and then runs paired the same way with the second
    /// layer's forward pass over the first layer's new output, and the next forward pass starts at the third layer.
    /// </remarks>
    /// <exception cref="ArgumentException">The optimizer's next step is not element-wise.</exception>
    internal void BackwardAndStep(IFusedUpdate<T> update, ReadOnlySpan<T> nextInput = default, int nextBatch = 0)
    {
        ElementwiseUpdate<T> step = update.BeginFusedStep(_parameterCount)
            ?? throw new ArgumentException("Only an element-wise step is fused with the backward pass.", nameof(update));
        BackwardAndStep(step, nextInput, nextBatch);
        update.CompleteFusedStep();
    }

    /// <summary>As <see cref="BackwardAndStep(IFusedUpdate{T}, ReadOnlySpan{T}, int)"/>, for a step already begun.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void BackwardAndStep(ElementwiseUpdate<T> update, ReadOnlySpan<T> nextInput = default, int nextBatch = 0)
    {
        Span<bool> stepped = stackalloc bool[_layers.Length];
        RunBackward(update, stepped, nextInput, nextBatch);
        foreach (Layer<T> layer in _layers)
        {
            if (stepped[layer.Index] || layer.ParameterCount == 0)
            {
                continue; // the backward pass stepped the weights and the biases
            }
            if (update is GradientDescentUpdate<T> sgd)
            {
                sgd.ApplyToBlock(layer.Parameters, layer.Gradients);
            }
            else
            {
                update.Apply(layer.Parameters, layer.Gradients, layer.ParameterOffset);
            }
        }
    }

    // One row through narrow layers of double (_narrowRows; the article's network): RunForward's training pass and the
    // loss, with the same kernels in the same order (Dense.ForwardRow), without the general pass's dispatch.
    private T ForwardRow(ReadOnlySpan<T> x, ReadOnlySpan<T> t)
    {
        _firstLayerReady = 0;
        if (x.Length < InputSize)
        {
            throw new ArgumentException($"inputs hold {x.Length} values; 1 rows of {InputSize} need {InputSize}.", nameof(x));
        }
        EnsureCapacity(1);
        _batch = 1;
        ReadOnlySpan<T> current = x[..InputSize];
        if (!Unsafe.AreSame(ref MemoryMarshal.GetReference(current), ref MemoryMarshal.GetReference(_input.Span)))
        {
            current.CopyTo(_input);
            BufferVersion++;
        }
        current = _input.AsSpan(0, InputSize);
        int last = _dense.Length - 1;
        for (int l = 0; l < last; l++)
        {
            Dense<T> dense = _dense[l];
            Span<T> a = _y[l].AsSpan(0, _widths[l]);
            dense.ForwardRow(current, dense.ZBuffer, a, default);
            current = a;
        }
        _output.ForwardRow(current, _output.ZBuffer, _y[last].AsSpan(0, OutputSize), _output.Activation == Activation.Softmax ? _logSumExp.AsSpan(0, 1) : default);
        ReadOnlySpan<T> targets = t[..OutputSize];
        if (!Unsafe.AreSame(ref MemoryMarshal.GetReference(targets), ref MemoryMarshal.GetReference(_target.Span)))
        {
            targets.CopyTo(_target);
            BufferVersion++;
        }
        _hasTargets = true;
        return _crossEntropy is { } crossEntropy ? crossEntropy.BatchValue(OutputValues()) : Loss.Value(OutputValues());
    }

    // One row back through narrow layers of double: RunBackward's dense steps (δ W, ∇W and ∇b, then f' of the layer
    // below) with the same kernels in the same order.
    private void BackwardRow()
    {
        int last = _dense.Length - 1;
        Span<T> outputDelta = _delta[last].AsSpan(0, OutputSize);
        if (_crossEntropy is { } crossEntropy)
        {
            crossEntropy.BatchDelta(OutputValues(), outputDelta);
        }
        else
        {
            Loss.Delta(OutputValues(), outputDelta);
        }
        for (int l = last; l > 0; l--)
        {
            Dense<T> dense = _dense[l];
            ReadOnlySpan<T> delta = _delta[l].AsSpan(0, _widths[l]);
            Span<T> below = _delta[l - 1].AsSpan(0, dense.Inputs);
            ReadOnlySpan<T> x = _y[l - 1].AsSpan(0, dense.Inputs);
            dense.InputDeltaOfRow(delta, below);
            dense.GradientsOfRow(x, delta);
            ActivationFunctions.MultiplyByDerivative(_dense[l - 1].Activation, x, below);
        }
        _dense[0].GradientsOfRow(_input.AsSpan(0, InputSize), _delta[0].AsSpan(0, _widths[0]));
    }

    // An update asks dense layers to step their weights and biases by it while producing ∇W and ∇b; stepped records
    // which did. Compiled once, optimised, like the step that calls it (FusedStep.RunEpoch).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunBackward(ElementwiseUpdate<T>? update, Span<bool> stepped = default, ReadOnlySpan<T> nextInput = default, int nextBatch = 0)
    {
        if (!_hasTargets)
        {
            throw new InvalidOperationException("Backward needs a Forward with targets first.");
        }
        int last = _layers.Length - 1;
        Span<T> outputDelta = _delta[last].AsSpan(0, _batch * OutputSize);
        if (_crossEntropy is { } crossEntropy)
        {
            crossEntropy.BatchDelta(OutputValues(), outputDelta);
        }
        else
        {
            Loss.Delta(OutputValues(), outputDelta);
        }
        // Whether _delta[l] already holds δ = ∂L/∂z (the loss's δ, or a fused f' below) rather than ∂L/∂y.
        bool isDelta = true;
        // With the next batch at hand and two hidden layers or more, the second layer's step waits for the first layer's
        // paired job, to run paired itself with its forward pass over the first layer's new output (see
        // BackwardAndStep): the same values, one parallel job fewer, and W read while its rows are in cache.
        bool pairFirst = nextBatch > 0 && _allDense && _layers.Length > 1 && nextBatch <= _capacity;
        bool pairSecond = update is not null && pairFirst && _layers.Length > 2 && typeof(T) == typeof(float) && PackedGemm.IsSupported && WorkerPool.ThreadCount > 1
            && PackedGemm.PairsLaterLayer(_batch);
        for (int l = last; l >= 0; l--)
        {
            Layer<T> layer = _layers[l];
            ReadOnlySpan<T> x = LayerInput(l);
            Span<T> dy = _delta[l].AsSpan(0, _batch * _widths[l]);
            Span<T> dx = l == 0 ? [] : _delta[l - 1].AsSpan(0, _batch * layer.Inputs);
            if (layer is not Dense<T> dense)
            {
                layer.Backward(x, A(l), dy, dx, _batch);
                isDelta = false;
                continue;
            }
            if (!isDelta)
            {
                ActivationFunctions.MultiplyByDerivative(dense.Activation, A(l), dy);
            }
            if (l == 1 && pairSecond)
            {
                // The first layer's δ now, from W as it is; W is stepped after the first layer's job, below.
                dense.InputDelta(dy, dx, _batch, _dense[0].Activation, A(0));
                isDelta = true;
                continue;
            }
            if (l == 0 && pairFirst && update is not null
                && dense.StepThenForward(x, dy, _batch, update, nextInput, dense.ZBuffer, pairSecond ? _nextFirstOutput : _y[0], nextBatch))
            {
                stepped[0] = true;
                _firstLayerReady = nextBatch;
                _layersReady = 1;
                if (pairSecond)
                {
                    StepSecondLayer(update, stepped, nextBatch);
                }
                continue;
            }
            if (l == 0 && pairSecond)
            {
                // No paired job for the first layer: both layers step as the plain pass steps them.
                stepped[0] = dense.Backward(x, dy, dx, _batch, update);
                stepped[1] = _dense[1].ComputeWeightGradients(A(0), _delta[1].AsSpan(0, _batch * _widths[1]), _batch, update);
                continue;
            }
            // δ_prev = (δ W) ⊙ f'(a_prev) where the layer below is dense, fused where the kernels allow.
            bool layerStepped;
            if (l > 0 && _layers[l - 1] is Dense<T> below)
            {
                layerStepped = dense.Backward(x, dy, dx, _batch, below.Activation, A(l - 1), update);
                isDelta = true;
            }
            else
            {
                layerStepped = dense.Backward(x, dy, dx, _batch, update);
                isDelta = false;
            }
            if (!stepped.IsEmpty)
            {
                stepped[l] = layerStepped;
            }
        }
    }

    // The second layer's deferred step, after the first layer's paired job wrote the next batch's first-layer output into
    // _nextFirstOutput: paired with the second layer's forward pass over it where the job applies, otherwise alone (the
    // next forward pass then computes the second layer). Either way _y[0] then holds the next batch's output.
    private void StepSecondLayer(ElementwiseUpdate<T> update, Span<bool> stepped, int nextBatch)
    {
        Dense<T> second = _dense[1];
        ReadOnlySpan<T> x = _y[0].AsSpan(0, _batch * _widths[0]);
        ReadOnlySpan<T> delta = _delta[1].AsSpan(0, _batch * _widths[1]);
        if (second.StepThenForward(x, delta, _batch, update, _nextFirstOutput.AsSpan(0, nextBatch * _widths[0]), second.ZBuffer, _y[1], nextBatch))
        {
            stepped[1] = true;
            _layersReady = 2;
        }
        else
        {
            stepped[1] = second.ComputeWeightGradients(x, delta, _batch, update);
        }
        (_y[0], _nextFirstOutput) = (_nextFirstOutput, _y[0]);
    }

    /// <summary>What layer <paramref name="layer"/> read in the last pass: the input, or the previous layer's output.</summary>
    private ReadOnlySpan<T> LayerInput(int layer) => layer == 0 ? Input : A(layer - 1);

    // keepInput copies x for Backward and the Input observer; prediction reads x in place.
    // keepOutputZ keeps the output layer's z outside training too, for a loss that reads it.
    // inference: prediction's dense path (Dense.Infer: no packing for a few rows, weights packed once per version).
    // Compiled once, optimised: too large to inline, it would otherwise tier during the first epoch.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunForward(ReadOnlySpan<T> x, int batch, bool training, bool keepInput = true, IBlockJob? background = null, int backgroundBlocks = 0, bool firstLayerDone = false,
        bool keepOutputZ = false, bool inference = false)
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
        int grown = _grown;
        EnsureCapacity(batch);
        int skip = firstLayerDone && training && ready == batch && grown == _grown ? _layersReady : 0;
        if (skip > 0)
        {
            FirstLayersComputedAhead++;
        }
        if (skip > 1)
        {
            SecondLayersComputedAhead++;
        }
        _batch = batch;
        ReadOnlySpan<T> current = x[..(batch * InputSize)];
        if (keepInput)
        {
            // The trainer gathers its batch straight into _input (see InputBuffer): then there is nothing to copy.
            if (!Unsafe.AreSame(ref MemoryMarshal.GetReference(current), ref MemoryMarshal.GetReference(_input.Span)))
            {
                current.CopyTo(_input);
                BufferVersion++;
            }
            current = Input;
        }
        // The loss reuses the softmax's exponentials: the last layer leaves each row's log Σ e^(z − max z) in _logSumExp.
        bool keepLogSumExp = training && _output.Activation == Activation.Softmax;
        for (int l = 0; l < _layers.Length; l++)
        {
            Layer<T> layer = _layers[l];
            if (!training && layer.IsIdentityInEvaluation)
            {
                continue;
            }
            if (layer is Dense<T> dense)
            {
                Span<T> logSumExp = keepLogSumExp && l == _layers.Length - 1 ? _logSumExp.AsSpan(0, batch) : default;
                if (inference)
                {
                    dense.Infer(current, dense.ZBuffer, _y[l], batch);
                }
                else if (l >= skip)
                {
                    dense.Forward(current, dense.ZBuffer, _y[l], batch, logSumExp, keepZ: training || (keepOutputZ && l == _layers.Length - 1));
                }
            }
            else
            {
                layer.Forward(current, _y[l], batch, training);
            }
            current = A(l);
            if (l == 0 && background is not null)
            {
                WorkerPool.RunInBackground(background, backgroundBlocks);
            }
        }
    }

    // The output layer's z and a, the targets, and the softmax pass's log Σ e^z, as the loss reads them.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private OutputBatch<T> OutputValues()
    {
        int last = _layers.Length - 1;
        ReadOnlySpan<T> logSumExp = _output.Activation == Activation.Softmax ? _logSumExp.AsSpan(0, _batch) : default;
        int count = _batch * OutputSize;
        return new OutputBatch<T>(_output.ZBuffer[..count], _y[last].AsSpan(0, count), Target, _batch, OutputSize, _output.Activation, logSumExp);
    }

    // The check is inlined into every pass; growing is not.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void EnsureCapacity(int batch)
    {
        if (batch <= _capacity)
        {
            return;
        }
        Grow(batch);
    }

    private void Grow(int batch)
    {
        batch = Math.Max(batch, _capacity);
        _y = new AlignedBuffer<T>[_layers.Length];
        _delta = new AlignedBuffer<T>[_layers.Length];
        for (int l = 0; l < _layers.Length; l++)
        {
            _y[l] = new AlignedBuffer<T>(batch * _layers[l].Outputs);
            _delta[l] = new AlignedBuffer<T>(batch * _layers[l].Outputs);
            _layers[l].Reserve(batch);
        }
        _nextFirstOutput = typeof(T) == typeof(float) && _allDense && _layers.Length > 2 ? new AlignedBuffer<T>(batch * _layers[0].Outputs) : AlignedBuffer<T>.Empty;
        _input = new AlignedBuffer<T>(batch * InputSize);
        _target = new AlignedBuffer<T>(batch * OutputSize);
        _logSumExp = new AlignedBuffer<T>(batch);
        _capacity = batch;
        _grown++;
        BufferVersion++;
    }
}
