namespace Backprop.Layers;

/// <summary>
/// Prediction with one network from several threads at once, without a lock: the forward pass of
/// <see cref="Network{T}.Predict"/> over buffers that belong to the calling thread (made on its first call, grown as
/// needed, kept with the thread) instead of the network's, through <see cref="Dense{T}.Infer"/>, which only reads the
/// parameters. The parameters must not change while predictions run. Not for training: nothing is kept for a backward
/// pass.
/// </summary>
internal static class ConcurrentPrediction
{
    [ThreadStatic]
    private static Buffers? t_buffers;

    /// <summary>
    /// a = network(x) for x of shape (rows, InputSize) into <paramref name="output"/> (rows, OutputSize): class
    /// probabilities for cross-entropy, the output activation otherwise. The same values as
    /// <see cref="Network{T}.Predict"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than its rows, or rows is below 1.</exception>
    public static void Predict(Network<float> network, ReadOnlySpan<float> x, int rows, Span<float> output)
    {
        if (rows < 1 || x.Length < (long)rows * network.InputSize || output.Length < (long)rows * network.OutputSize)
        {
            throw new ArgumentException($"{rows} rows need {rows * (long)network.InputSize} inputs and room for {rows * (long)network.OutputSize} outputs; got {x.Length} and {output.Length}.", nameof(x));
        }
        Forward(network, x[..(rows * network.InputSize)], rows, output[..(rows * network.OutputSize)], ForThisThread(), null);
    }

    // Rows of x through every layer on this thread's buffers into output. Layers write alternately into the two
    // buffers, so that a layer never reads what it writes; the last writes straight into output. Dense layers read
    // their weights leased in packed (the block path, whose blocks run alone on their thread), or pack them as
    // Dense.Infer does when packed is null.
    private static void Forward(Network<float> network, ReadOnlySpan<float> x, int rows, Span<float> output, Buffers buffers, PackedGemm.Lease[]? packed)
    {
        IReadOnlyList<Layer<float>> layers = network.Layers;
        ReadOnlySpan<float> current = x;
        int last = layers.Count - 1;
        bool second = false;
        for (int l = 0; l <= last; l++)
        {
            Layer<float> layer = layers[l];
            if (layer.IsIdentityInEvaluation && l < last)
            {
                continue;
            }
            int count = rows * layer.Outputs;
            Span<float> y = l == last ? output[..count] : buffers.Activations(second, count);
            second = !second;
            if (layer is Dense<float> dense && packed is not null)
            {
                dense.InferPacked(current, buffers.Z(count), y, rows, packed[l], split: false);
            }
            else if (layer is Dense<float> plain)
            {
                plain.Infer(current, buffers.Z(count), y, rows);
            }
            else
            {
                layer.Forward(current, y, rows, training: false);
            }
            current = y;
        }
    }

    /// <summary>
    /// a = network(x') for <paramref name="rows"/> rows x (rows, InputSize), x' = x rescaled by
    /// <paramref name="scaler"/> (null: x as it is), into <paramref name="output"/> (rows, OutputSize); the same bits
    /// as <see cref="Predict"/> of x' in passes of <see cref="Chunk"/> rows. Where the packed GEMM runs, the rows go
    /// in blocks of <see cref="BlockRows"/>, each block through every layer on one thread (rescaled into that
    /// thread's buffer, its hidden activations kept in its cache), the blocks shared between the threads: they meet
    /// once per call instead of once per layer and pass. A last pass of up to <see cref="SmallBatchProduct.MaxRows"/>
    /// rows takes <see cref="Predict"/>'s few-row product, as before.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than its rows, or rows is below 1.</exception>
    public static void PredictRows(Network<float> network, ReadOnlySpan<float> x, int rows, FeatureScaler? scaler, Span<float> output)
    {
        int d = network.InputSize;
        int k = network.OutputSize;
        if (rows < 1 || x.Length < (long)rows * d || output.Length < (long)rows * k)
        {
            throw new ArgumentException($"{rows} rows need {rows * (long)d} inputs and room for {rows * (long)k} outputs; got {x.Length} and {output.Length}.", nameof(x));
        }
        Rows(network, x[..(rows * d)], null, rows, scaler, output);
    }

    /// <summary>
    /// <see cref="PredictRows(Network{float}, ReadOnlySpan{float}, int, FeatureScaler?, Span{float})"/> over every row
    /// of <paramref name="data"/>, rescaled by <paramref name="scaler"/> when it is not null. A set that keeps image
    /// bytes is not converted whole: each block (or pass) reads its rows into the thread's buffer, converted or looked
    /// up in the set's rescaled table, which is where the rows would be rescaled to anyway. The same values in the
    /// same blocks, so the same bits, without a float copy of the set (31 MB for Fashion-MNIST's test set) that is
    /// written once and read once.
    /// </summary>
    /// <exception cref="ArgumentException">The output is shorter than the rows, or the set has no rows.</exception>
    public static void PredictRows(Network<float> network, Dataset<float> data, FeatureScaler? scaler, Span<float> output)
    {
        if (!data.KeepsPixelBytes || data.Count == 0)
        {
            PredictRows(network, data.Features, data.Count, scaler, output);
            return;
        }
        int rows = data.Count;
        int d = network.InputSize;
        int k = network.OutputSize;
        if (data.FeatureCount != d || output.Length < (long)rows * k)
        {
            throw new ArgumentException($"{rows} rows of {data.FeatureCount} features need {d} features and room for {rows * (long)k} outputs; got {output.Length}.", nameof(data));
        }
        Rows(network, [], data, rows, scaler, output);
    }

    // The passes and blocks of PredictRows over rows read from x, or (x empty) from data.
    private static void Rows(Network<float> network, ReadOnlySpan<float> x, Dataset<float>? data, int rows, FeatureScaler? scaler, Span<float> output)
    {
        int d = network.InputSize;
        int k = network.OutputSize;
        // The rows of a last pass of a few rows, whose product (SmallBatchProduct) sums in another order than the GEMM.
        int tail = rows % Chunk <= SmallBatchProduct.MaxRows ? rows % Chunk : 0;
        int head = rows - tail;
        if (head > 0 && PackedGemm.IsSupported)
        {
            BlockJob.ForThisThread().Run(network, data is null ? x[..(head * d)] : x, data, head, scaler, output[..(head * k)]);
        }
        else
        {
            for (int start = 0; start < head; start += Chunk)
            {
                int n = Math.Min(Chunk, head - start);
                Pass(network, x, data, start, n, scaler, output.Slice(start * k, n * k));
            }
        }
        if (tail > 0)
        {
            Pass(network, x, data, head, tail, scaler, output.Slice(head * k, tail * k));
        }
    }

    // Rows per pass of the chunked path (and per chunk of the blocks): large enough that every layer's product is
    // split between threads and the per-pass costs vanish, small enough that a thread's buffers stay a few MiB.
    internal const int Chunk = 1024;

    // Rows per block of the block path: ten 12-row panels of the 12 × 32 kernel (McMax rows would leave eight rows to
    // the 8 × 32 one). The first layer's product then reads its 120 rows from this thread's L2 (rescaled) or from
    // memory once, its packed Wᵀ (400 KiB for 784-128) and the block's activations (60 KiB) staying in L2.
    private const int BlockRows = 120;

    // A block is never shorter than this, so that the activations of every block run on the same vector path as those
    // of a whole chunk (TensorPrimitives handles spans shorter than one Vector512 differently); a chunk's remainder
    // shorter than this joins the block before it.
    private const int MinimumBlockRows = 16;

    // One pass of the chunked path: rows [first, first + n) of x or data.
    private static void Pass(Network<float> network, ReadOnlySpan<float> x, Dataset<float>? data, int first, int n, FeatureScaler? scaler, Span<float> output)
    {
        int d = network.InputSize;
        Predict(network, Input(data is null ? x.Slice(first * d, n * d) : [], data, first, n, d, scaler, ForThisThread()), n, output);
    }

    // Rows [first, first + n) as the first layer reads them: rows, which holds them, as they are; else read from data
    // into this thread's input buffer (converted, or looked up in its rescaled table), rescaled there by scaler.
    private static ReadOnlySpan<float> Input(ReadOnlySpan<float> rows, Dataset<float>? data, int first, int n, int d, FeatureScaler? scaler, Buffers buffers)
    {
        if (data is null && scaler is null)
        {
            return rows;
        }
        Span<float> input = buffers.Input(n * d);
        if (data is not null)
        {
            data.ReadRows(first, n, input);
            rows = input;
        }
        scaler?.Apply(rows, input);
        return input;
    }

    private static Buffers ForThisThread() => t_buffers ??= new Buffers();

    // The block path of PredictRows: block b of a chunk is rows [b·BlockRows, …) of that chunk, through every layer on
    // the thread that claims it, with the packed weights leased once for the whole call.
    private sealed unsafe class BlockJob : IBlockJob
    {
        [ThreadStatic]
        private static BlockJob? t_job;

        private PackedGemm.Lease[] _weights = [];
        private Network<float>? _network;
        private FeatureScaler? _scaler;
        private Dataset<float>? _data;
        private float* _x;
        private float* _output;
        private int _rows;
        private int _blocksPerChunk;

        public static BlockJob ForThisThread() => t_job ??= new BlockJob();

        // Rows come from x, or (x empty) from data, read a block at a time.
        public void Run(Network<float> network, ReadOnlySpan<float> x, Dataset<float>? data, int rows, FeatureScaler? scaler, Span<float> output)
        {
            IReadOnlyList<Layer<float>> layers = network.Layers;
            if (_weights.Length < layers.Count)
            {
                _weights = new PackedGemm.Lease[layers.Count];
            }
            int leased = 0;
            try
            {
                for (; leased < layers.Count; leased++)
                {
                    if (layers[leased] is Dense<float> dense)
                    {
                        _weights[leased] = dense.AcquirePackedWeights();
                    }
                }
                fixed (float* px = x)
                fixed (float* po = output)
                {
                    (_network, _scaler, _data, _rows) = (network, scaler, data, rows);
                    _x = px;
                    _output = po;
                    _blocksPerChunk = Blocks(Chunk);
                    int last = rows % Chunk;
                    WorkerPool.Run(this, rows / Chunk * _blocksPerChunk + (last > 0 ? Blocks(last) : 0));
                }
            }
            finally
            {
                for (int l = 0; l < leased; l++)
                {
                    if (_weights[l].Packed is not null)
                    {
                        _weights[l].Dispose();
                        _weights[l] = default;
                    }
                }
                (_network, _scaler, _data) = (null, null, null);
                _x = _output = null;
            }
        }

        // Blocks of a chunk of n rows: BlockRows each, a remainder of fewer than MinimumBlockRows joined to the last.
        private static int Blocks(int n) => Math.Max(1, n / BlockRows + (n % BlockRows >= MinimumBlockRows ? 1 : 0));

        public void Execute(int block)
        {
            int chunk = block / _blocksPerChunk;
            int index = block - chunk * _blocksPerChunk;
            int chunkStart = chunk * Chunk;
            int chunkRows = Math.Min(Chunk, _rows - chunkStart);
            int first = chunkStart + index * BlockRows;
            int end = index == Blocks(chunkRows) - 1 ? chunkStart + chunkRows : first + BlockRows;
            // Nothing inside a block shares it further: a product or softmax that would split runs its parts here.
            bool callerOnly = WorkerPool.CallerOnly;
            WorkerPool.CallerOnly = true;
            try
            {
                Forward(first, end - first);
            }
            finally
            {
                WorkerPool.CallerOnly = callerOnly;
            }
        }

        // Rows [first, first + n) through the layers, on this thread's buffers, as Predict runs them.
        private void Forward(int first, int n)
        {
            Network<float> network = _network!;
            Buffers buffers = ConcurrentPrediction.ForThisThread();
            int d = network.InputSize;
            ReadOnlySpan<float> current = Input(_data is null ? new(_x + (long)first * d, n * d) : [], _data, first, n, d, _scaler, buffers);
            ConcurrentPrediction.Forward(network, current, n, new Span<float>(_output + (long)first * network.OutputSize, n * network.OutputSize), buffers, _weights);
        }
    }

    // One thread's buffers; each grows to the largest request and stays. Aligned (AlignedBuffer), so that the rows
    // the products write and read do not straddle cache lines.
    private sealed class Buffers
    {
        private AlignedBuffer<float> _input = AlignedBuffer<float>.Empty;
        private AlignedBuffer<float> _first = AlignedBuffer<float>.Empty;
        private AlignedBuffer<float> _second = AlignedBuffer<float>.Empty;
        private AlignedBuffer<float> _z = AlignedBuffer<float>.Empty;

        public Span<float> Input(int count) => Grow(ref _input, count);

        public Span<float> Activations(bool second, int count) => second ? Grow(ref _second, count) : Grow(ref _first, count);

        public Span<float> Z(int count) => Grow(ref _z, count);

        private static Span<float> Grow(ref AlignedBuffer<float> buffer, int count)
        {
            if (buffer.Length < count)
            {
                buffer = new AlignedBuffer<float>(count);
            }
            return buffer.AsSpan(0, count);
        }
    }
}
