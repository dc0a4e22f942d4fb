using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Layers;

/// <summary>
/// A fully connected layer: z = x Wᵀ + b, a = f(z). W is (Outputs, Inputs) and b is (Outputs), as in the
/// column-vector notation z = W a_prev + b; x is (batch, Inputs), z and a are (batch, Outputs).
/// Its parameters (W row-major, then b) and gradients are views into the network's single parameter and gradient blocks.
/// On float with AVX2 the products run on the packed GEMM with bias and activation fused into their epilogues.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed class Dense<T> : Layer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private AlignedBuffer<T> _z = AlignedBuffer<T>.Empty;

    // Wᵀ packed for prediction, with the parameter version it was packed from; made on the first batch that needs it.
    private PackedGemm.PackedOperand? _packedWeights;

    /// <summary>Creates a layer of <paramref name="outputs"/> units with activation f; its input width comes from the network.</summary>
    /// <exception cref="ArgumentOutOfRangeException">outputs is below 1.</exception>
    public Dense(int outputs, Activation activation)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(outputs, 1);
        Outputs = outputs;
        Activation = activation;
    }

    /// <summary>Number of outputs (rows of W, length of b).</summary>
    public override int Outputs { get; }

    /// <summary>The activation f applied to z.</summary>
    public Activation Activation { get; }

    /// <summary>Number of parameters: Outputs × Inputs weights plus Outputs biases.</summary>
    public override int ParameterCount => Outputs * Inputs + Outputs;

    internal int WeightOffset => ParameterOffset;

    internal int BiasOffset
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ParameterOffset + Outputs * Inputs;
    }

    /// <summary>W, row-major (Outputs, Inputs): W[o, i] is at o × Inputs + i.</summary>
    public Span<T> Weights
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Network.ParameterSlice(WeightOffset, Outputs * Inputs);
    }

    /// <summary>b, length Outputs.</summary>
    public Span<T> Bias
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Network.ParameterSlice(BiasOffset, Outputs);
    }

    /// <summary>W to read, without counting as a change of the parameters.</summary>
    internal ReadOnlySpan<T> WeightValues
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Network.ParameterValues(WeightOffset, Outputs * Inputs);
    }

    /// <summary>b to read, without counting as a change of the parameters.</summary>
    internal ReadOnlySpan<T> BiasValues
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Network.ParameterValues(BiasOffset, Outputs);
    }

    /// <summary>∇W = δᵀ x of the last backward pass, (Outputs, Inputs).</summary>
    public ReadOnlySpan<T> WeightGradients => Network.GradientSlice(WeightOffset, Outputs * Inputs);

    /// <summary>∇b = Σ over the batch of δ, of the last backward pass, length Outputs.</summary>
    public ReadOnlySpan<T> BiasGradients => Network.GradientSlice(BiasOffset, Outputs);

    /// <summary>z of the last training forward pass, room for the largest batch so far (rows × Outputs).</summary>
    internal Span<T> ZBuffer => _z.Span;

    /// <summary>
    /// W ~ U(−limit, limit) row by row and b = 0: He, limit = √(6/in), for ReLU and leaky ReLU; Xavier/Glorot,
    /// limit = √(6/(in+out)), for all other activations.
    /// </summary>
    public override void Initialize(Func<double> uniform)
    {
        ArgumentNullException.ThrowIfNull(uniform);
        double limit = Activation is Activation.Relu or Activation.LeakyRelu
            ? Math.Sqrt(6.0 / Inputs)
            : Math.Sqrt(6.0 / (Inputs + Outputs));
        Span<T> w = Weights;
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = T.CreateChecked((2.0 * uniform() - 1.0) * limit);
        }
        Bias.Clear();
    }

    /// <summary>z = x Wᵀ + b and y = a = f(z); z is kept for the loss and for explanations.</summary>
    public override void Forward(ReadOnlySpan<T> x, Span<T> y, int batch, bool training)
        => Forward(x, _z, y, batch, default, keepZ: training);

    /// <summary>
    /// δ = dy ⊙ f'(z) (in dy), then ∇W = δᵀ x, ∇b = Σ_rows δ and dx = δ W. Softmax has no element-wise f': a softmax
    /// layer is the output layer, whose δ the fused loss gives directly.
    /// </summary>
    /// <exception cref="InvalidOperationException">The activation is softmax.</exception>
    public override void Backward(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> dy, Span<T> dx, int batch)
    {
        ActivationFunctions.MultiplyByDerivative(Activation, y[..(batch * Outputs)], dy[..(batch * Outputs)]);
        Backward(x, dy, dx, batch);
    }

    /// <inheritdoc/>
    protected internal override void Reserve(int rows)
    {
        if (_z.Length < rows * Outputs)
        {
            _z = new AlignedBuffer<T>(rows * Outputs);
        }
    }

    // x is (batch, Inputs), W is (Outputs, Inputs), b is (Outputs); z = x Wᵀ + b is (batch, Outputs), a = f(z).
    // With softmax, logSumExp (when not empty) receives each row's log Σ e^(z − max z) for the loss.
    // keepZ: false when only a is needed (prediction); z may then be left unwritten.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Forward(ReadOnlySpan<T> x, Span<T> z, Span<T> a, int batch, Span<T> logSumExp = default, bool keepZ = true)
    {
        ReadOnlySpan<T> w = WeightValues;
        ReadOnlySpan<T> b = BiasValues;
        if (typeof(T) == typeof(float) && PackedGemm.IsSupported)
        {
            // Bias (and ReLU) are applied to each output tile of the product while it is in cache. Without z, ReLU
            // runs in place on a: each element is read, biased and clipped by the same thread in one pass.
            bool relu = Activation == Activation.Relu;
            Span<T> product = relu && !keepZ ? a : z;
            PackedGemm.Run(
                Gemm.AsFloat(x), Inputs, 1, Gemm.AsFloat(w), 1, Inputs, Gemm.AsFloat(product), batch, Outputs, Inputs, accumulate: false,
                relu ? GemmEpilogue.BiasRelu : GemmEpilogue.Bias, Gemm.AsFloat(b), relu ? Gemm.AsFloat(a) : default);
            if (!relu)
            {
                ActivationFunctions.Forward(Activation, z[..(batch * Outputs)], a[..(batch * Outputs)], Outputs, logSumExp);
            }
            return;
        }
        if (typeof(T) == typeof(double) && batch == 1 && Inputs < Gemm.ShortDot)
        {
            ForwardRow(x, z, a, logSumExp);
            return;
        }
        // z[r, o] = x_r · W_o + b_o: the dot product, then the bias, in one pass.
        for (int r = 0; r < batch; r++)
        {
            ReadOnlySpan<T> xr = x.Slice(r * Inputs, Inputs);
            Span<T> zr = z.Slice(r * Outputs, Outputs);
            for (int o = 0; o < Outputs; o++)
            {
                zr[o] = Gemm.Dot(xr, w.Slice(o * Inputs, Inputs)) + b[o];
            }
        }
        ActivationFunctions.Forward(Activation, z[..(batch * Outputs)], a[..(batch * Outputs)], Outputs, logSumExp);
    }

    // One row of double through a narrow layer (the article's loop): z_o = x · W_o + b_o summed as Gemm.Dot's short
    // path sums it (left to right from +0, each product rounded before its sum) and then the bias, and a sigmoid
    // applied as each z is made, a = 1 / (1 + e^(−z)) as Sigmoid.Forward computes it: the same bits as the loop in
    // Forward, read through references checked once instead of a slice and a bounds check per element.
    internal void ForwardRow(ReadOnlySpan<T> x, Span<T> z, Span<T> a, Span<T> logSumExp)
    {
        int inputs = Inputs;
        int outputs = Outputs;
        ReadOnlySpan<double> w = MemoryMarshal.Cast<T, double>(WeightValues);
        ReadOnlySpan<double> b = MemoryMarshal.Cast<T, double>(BiasValues);
        ReadOnlySpan<double> xd = MemoryMarshal.Cast<T, double>(x)[..inputs];
        Span<double> zd = MemoryMarshal.Cast<T, double>(z)[..outputs];
        Span<double> ad = MemoryMarshal.Cast<T, double>(a)[..outputs];
        w = w[..(outputs * inputs)];
        b = b[..outputs];
        ref double wo = ref MemoryMarshal.GetReference(w);
        ref double x0 = ref MemoryMarshal.GetReference(xd);
        bool sigmoid = Activation == Activation.Sigmoid;
        for (int o = 0; o < outputs; o++)
        {
            double sum = 0;
            for (int p = 0; p < inputs; p++)
            {
                sum += Unsafe.Add(ref x0, p) * Unsafe.Add(ref wo, p);
            }
            double zo = sum + b[o];
            zd[o] = zo;
            if (sigmoid)
            {
                ad[o] = 1.0 / (1.0 + Math.Exp(-zo));
            }
            wo = ref Unsafe.Add(ref wo, inputs);
        }
        if (sigmoid)
        {
            return;
        }
        if (Activation == Activation.Softmax)
        {
            double shifted = Softmax.ForwardRow(zd, ad);
            if (!logSumExp.IsEmpty)
            {
                MemoryMarshal.Cast<T, double>(logSumExp)[0] = shifted;
            }
            return;
        }
        ActivationFunctions.Forward(Activation, z[..outputs], a[..outputs], outputs, logSumExp);
    }

    // Prediction: z = x Wᵀ + b and a = f(z) as Forward computes them, W only read and every buffer the caller's, so
    // that several threads predict with the layer at once. One to SmallBatchProduct.MaxRows rows take the product over
    // W as stored (nothing packed); more take the packed GEMM on Wᵀ packed once per parameter version and shared by
    // every thread (the same bits as Forward). keepZ false: z may be left unwritten for ReLU. Other element types and
    // CPUs without AVX2 run Forward.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Infer(ReadOnlySpan<T> x, Span<T> z, Span<T> a, int batch, bool keepZ = false)
    {
        if (typeof(T) != typeof(float) || !PackedGemm.IsSupported)
        {
            Forward(x, z, a, batch, default, keepZ);
            return;
        }
        if (batch <= SmallBatchProduct.MaxRows)
        {
            bool relu = Activation == Activation.Relu;
            Span<T> product = relu && !keepZ ? a : z;
            int count = batch * Outputs;
            SmallBatchProduct.Multiply(Gemm.AsFloat(x), Gemm.AsFloat(WeightValues), Gemm.AsFloat(BiasValues), Gemm.AsFloat(product), batch, Outputs, Inputs);
            ActivationFunctions.Forward(Activation, product[..count], a[..count], Outputs);
            return;
        }
        using PackedGemm.Lease weights = AcquirePackedWeights();
        InferPacked(x, z, a, batch, weights, split: true, keepZ);
    }

    /// <summary>
    /// Wᵀ packed for prediction's GEMM from the current parameters, shared by every thread and held until the lease is
    /// disposed (float on CPUs with AVX2 only).
    /// </summary>
    internal PackedGemm.Lease AcquirePackedWeights()
    {
        // The version is read before W: a write meanwhile bumps it again, and the next product repacks.
        long version = Network.ParameterVersion;
        PackedGemm.PackedOperand packed = _packedWeights ?? Interlocked.CompareExchange(ref _packedWeights, new PackedGemm.PackedOperand(), null) ?? _packedWeights;
        return packed.Acquire(Gemm.AsFloat(WeightValues), 1, Inputs, Inputs, Outputs, version);
    }

    // Infer's GEMM path for more than SmallBatchProduct.MaxRows rows on weights from AcquirePackedWeights; split false
    // keeps the product on the calling thread (a block of rows of a job the threads already share).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void InferPacked(ReadOnlySpan<T> x, Span<T> z, Span<T> a, int batch, in PackedGemm.Lease weights, bool split, bool keepZ = false)
    {
        bool relu = Activation == Activation.Relu;
        Span<T> product = relu && !keepZ ? a : z;
        int count = batch * Outputs;
        PackedGemm.RunPrepacked(
            Gemm.AsFloat(x), Inputs, 1, weights, Gemm.AsFloat(product), batch, relu ? GemmEpilogue.BiasRelu : GemmEpilogue.Bias, Gemm.AsFloat(BiasValues),
            relu ? Gemm.AsFloat(a) : default, split);
        if (!relu)
        {
            ActivationFunctions.Forward(Activation, z[..count], a[..count], Outputs);
        }
    }

    // delta is ∂L/∂z (batch, Outputs), x is the layer's input (batch, Inputs).
    // ∇W = δᵀ x is (Outputs, Inputs); ∇b = Σ_rows δ is (Outputs);
    // when inputDelta is not empty it receives ∂L/∂x = δ W, (batch, Inputs), before the previous layer's f'.
    // Returns whether W was also stepped (see ComputeWeightGradients).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal bool Backward(ReadOnlySpan<T> x, ReadOnlySpan<T> delta, Span<T> inputDelta, int batch, ElementwiseUpdate<T>? update = null)
    {
        if (!inputDelta.IsEmpty)
        {
            InputGradient(delta, inputDelta, batch);
        }
        return ComputeWeightGradients(x, delta, batch, update);
    }

    // ∂L/∂x = δ W into inputDelta (batch, Inputs), before the previous layer's f'.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void InputGradient(ReadOnlySpan<T> delta, Span<T> inputDelta, int batch)
    {
        if (typeof(T) == typeof(double) && batch == 1 && Inputs < ShortRow)
        {
            InputDeltaOfRow(delta, inputDelta);
        }
        else
        {
            Gemm.Multiply(delta, Weights, inputDelta, batch, Inputs, Outputs);
        }
    }

    // Rows shorter than this take Gemm's scalar loops (below one vector's worth of set-up).
    private const int ShortRow = 16;

    // One row of a narrow layer (the article's loop): δ_prev = δ W summed as Gemm.Multiply sums it (over the outputs in
    // order, from +0, each product rounded before its sum, outputs whose δ is 0 skipped), the same bits without the
    // call, the clearing of the row and its bounds checks.
    // delta is (1, Outputs), W is (Outputs, Inputs), inputDelta is (1, Inputs).
    internal void InputDeltaOfRow(ReadOnlySpan<T> delta, Span<T> inputDelta)
    {
        int inputs = Inputs;
        int outputs = Outputs;
        ReadOnlySpan<T> w = WeightValues[..(outputs * inputs)];
        delta = delta[..outputs];
        inputDelta = inputDelta[..inputs];
        ref T w0 = ref MemoryMarshal.GetReference(w);
        ref T d0 = ref MemoryMarshal.GetReference(delta);
        for (int i = 0; i < inputDelta.Length; i++)
        {
            T sum = T.Zero;
            for (int o = 0; o < outputs; o++)
            {
                T d = Unsafe.Add(ref d0, o);
                if (d != T.Zero)
                {
                    sum = Unsafe.Add(ref w0, o * inputs + i) * d + sum;
                }
            }
            inputDelta[i] = sum;
        }
    }

    // As Backward, and then inputDelta ⊙= f'(a_prev) for the previous layer's activation, so that inputDelta is that
    // layer's δ: InputDelta, then ComputeWeightGradients (the two read different data, so the order changes no bit).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal bool Backward(ReadOnlySpan<T> x, ReadOnlySpan<T> delta, Span<T> inputDelta, int batch, Activation previous, ReadOnlySpan<T> previousA, ElementwiseUpdate<T>? update = null)
    {
        InputDelta(delta, inputDelta, batch, previous, previousA);
        return ComputeWeightGradients(x, delta, batch, update);
    }

    // The previous layer's δ = (δ W) ⊙ f'(a_prev) into inputDelta (batch, Inputs), from W as it is now, without ∇W:
    // Network computes it first where it steps W later (ComputeWeightGradients, or StepThenForward paired with the next batch's
    // forward pass). With float and ReLU the mask is applied to each tile of δ W as it is produced.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void InputDelta(ReadOnlySpan<T> delta, Span<T> inputDelta, int batch, Activation previous, ReadOnlySpan<T> previousA)
    {
        if (inputDelta.IsEmpty)
        {
            return;
        }
        if (typeof(T) == typeof(float) && PackedGemm.IsSupported && previous == Activation.Relu)
        {
            // The ReluMask epilogue only reads aux; the span is writable in type only.
            Span<float> mask = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(Gemm.AsFloat(previousA)), previousA.Length);
            PackedGemm.Run(
                Gemm.AsFloat(delta), Outputs, 1, Gemm.AsFloat<T>(Weights), Inputs, 1, Gemm.AsFloat(inputDelta), batch, Inputs, Outputs,
                accumulate: false, GemmEpilogue.ReluMask, default, mask);
            return;
        }
        InputGradient(delta, inputDelta, batch);
        ActivationFunctions.MultiplyByDerivative(previous, previousA[..(batch * Inputs)], inputDelta[..(batch * Inputs)]);
    }

    // ComputeWeightGradients with its fused step (an update), and then this layer's forward pass for the next batch,
    // z' = x' Wᵀ + b and a' = f(z') for x' of shape (nextBatch, Inputs), in one parallel job: each thread steps a run
    // of W's rows and then computes the same columns of z' (or, for large batches into narrow layers, a run of W's
    // columns and the same terms of z', see PackedGemm.RunStepThenForward), so the threads meet once instead of twice.
    // ReLU is applied to z' in the job; any other activation (not softmax) as the job adds up z' where split by terms,
    // otherwise afterwards over all of z', as Forward applies it. The same bits as the two passes. Returns false,
    // having done nothing, where that job does not apply (double, softmax, one thread, batches over 800 rows); the
    // caller then runs the two passes.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal bool StepThenForward(ReadOnlySpan<T> x, ReadOnlySpan<T> delta, int batch, ElementwiseUpdate<T> update, ReadOnlySpan<T> nextX, Span<T> nextZ, Span<T> nextA, int nextBatch)
    {
        if (typeof(T) != typeof(float) || !PackedGemm.IsSupported || Activation == Activation.Softmax)
        {
            return false;
        }
        Span<T> dw = Network.GradientSlice(WeightOffset, Outputs * Inputs);
        Span<T> db = Network.GradientSlice(BiasOffset, Outputs);
        (GemmEpilogue epilogue, float scale, float decay, ElementwiseUpdate<float>? tileUpdate) = FusedEpilogue(update);
        bool relu = Activation == Activation.Relu;
        return PackedGemm.RunStepThenForward(
            Gemm.AsFloat(delta[..(batch * Outputs)]), Gemm.AsFloat(x[..(batch * Inputs)]), Gemm.AsFloat(dw), Outputs, Inputs, batch,
            epilogue, Gemm.AsFloat(Weights), scale, decay, Gemm.AsFloat(db), Gemm.AsFloat(Bias),
            Gemm.AsFloat(nextX[..(nextBatch * Inputs)]), Gemm.AsFloat(nextZ), nextBatch, relu ? GemmEpilogue.BiasRelu : GemmEpilogue.Bias, Gemm.AsFloat(nextA),
            tileUpdate, WeightOffset, BiasOffset, Activation);
    }

    // How the float GEMM applies an update to the tiles of ∇W: plain SGD from the micro-kernel's registers (Step, or
    // DecayedStep with weight decay; s = −η, d = λ), any other element-wise step through the Update epilogue.
    private static (GemmEpilogue Epilogue, float Scale, float Decay, ElementwiseUpdate<float>? Update) FusedEpilogue(ElementwiseUpdate<T> update)
        => update is GradientDescentUpdate<T> sgd
            ? (sgd.WeightDecay == T.Zero ? GemmEpilogue.Step : GemmEpilogue.DecayedStep, float.CreateTruncating(-sgd.LearningRate), float.CreateTruncating(sgd.WeightDecay), null)
            : (GemmEpilogue.Update, 0f, 0f, (ElementwiseUpdate<float>)(object)update);

    // One row of a narrow layer (Inputs < ShortRow): ∇W = δ xᵀ, the products δ_o x_i straight into ∇W through
    // references checked once, and ∇b = δ.
    internal void GradientsOfRow(ReadOnlySpan<T> x, ReadOnlySpan<T> delta)
    {
        int inputs = Inputs;
        int outputs = Outputs;
        Span<T> dw = Network.GradientSlice(WeightOffset, outputs * inputs);
        Span<T> db = Network.GradientSlice(BiasOffset, outputs);
        ReadOnlySpan<T> xr = x[..inputs];
        delta = delta[..outputs];
        ref T x0 = ref MemoryMarshal.GetReference(xr);
        ref T dw0 = ref MemoryMarshal.GetReference(dw);
        for (int o = 0; o < outputs; o++)
        {
            T d = delta[o];
            for (int i = 0; i < inputs; i++)
            {
                Unsafe.Add(ref dw0, o * inputs + i) = Unsafe.Add(ref x0, i) * d;
            }
            db[o] = d;
        }
    }

    // ∇W = δᵀ x and ∇b = Σ_rows δ. With an update on the float path, each tile of ∇W also steps W by it while the
    // tile is in cache (plain SGD: W ← ∇W · s + W, or with weight decay W ← (W · d + ∇W) · s + W, from the registers;
    // other optimizers with their state at W's offsets), b is stepped the same way by ∇b, and the method returns true;
    // W must then no longer be read by this pass (δ W is computed before).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal unsafe bool ComputeWeightGradients(ReadOnlySpan<T> x, ReadOnlySpan<T> delta, int batch, ElementwiseUpdate<T>? update)
    {
        Span<T> dw = Network.GradientSlice(WeightOffset, Outputs * Inputs);
        Span<T> db = Network.GradientSlice(BiasOffset, Outputs);
        bool stepped = false;
        if (update is not null && typeof(T) == typeof(float) && PackedGemm.IsSupported)
        {
            // op(A) = δᵀ: element (i, p) is δ[p·Outputs + i]; op(B) = x. ∇b = Σ_rows δ is op(A)'s row sums, taken and
            // stepped into b by the same threads, in the same order as the loop below.
            (GemmEpilogue epilogue, float scale, float decay, ElementwiseUpdate<float>? tileUpdate) = FusedEpilogue(update);
            PackedGemm.Run(
                Gemm.AsFloat(delta), 1, Outputs, Gemm.AsFloat(x), Inputs, 1, Gemm.AsFloat(dw), Outputs, Inputs, batch,
                accumulate: false, epilogue, default, Gemm.AsFloat(Weights), scale, decay, Gemm.AsFloat(db), Gemm.AsFloat(Bias),
                tileUpdate, WeightOffset, BiasOffset, reluDelta: Activation == Activation.Relu);
            return true;
        }
        else if (batch == 1)
        {
            // One row (online learning, the article's loop): ∇W = δ xᵀ is an outer product and ∇b = δ, written
            // directly rather than accumulated into cleared memory.
            int inputs = Inputs;
            int outputs = Outputs;
            if (inputs < ShortRow)
            {
                GradientsOfRow(x, delta);
                return false;
            }
            for (int o = 0; o < outputs; o++)
            {
                T d = delta[o];
                Gemm.Scale(x[..inputs], d, dw.Slice(o * inputs, inputs));
                db[o] = d;
            }
            return false;
        }
        else
        {
            Gemm.MultiplyTransposedA(delta, x, dw, Outputs, Inputs, batch);
        }
        if (typeof(T) == typeof(float))
        {
            // ∇b of float in four partial sums per output, as the fused step above sums it (ColumnSums).
            fixed (T* d = delta)
            fixed (T* sums = db)
            {
                ColumnSums.Compute((float*)d, Outputs, batch, 0, Outputs, (float*)sums);
            }
            return stepped;
        }
        db.Clear();
        for (int r = 0; r < batch; r++)
        {
            Gemm.Add(delta.Slice(r * Outputs, Outputs), db);
        }
        return stepped;
    }
}
