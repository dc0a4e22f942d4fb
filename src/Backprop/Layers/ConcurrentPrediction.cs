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
        Buffers buffers = ForThisThread();
        IReadOnlyList<Layer<float>> layers = network.Layers;
        ReadOnlySpan<float> current = x[..(rows * network.InputSize)];
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
            // Layers write alternately into the two buffers, so that a layer never reads what it writes; the last
            // writes straight into the caller's output.
            Span<float> y = l == last ? output[..count] : buffers.Activations(second, count);
            second = !second;
            if (layer is Dense<float> dense)
            {
                dense.Infer(current, buffers.Z(count), y, rows);
            }
            else
            {
                layer.Forward(current, y, rows, training: false);
            }
            current = y;
        }
    }

    /// <summary>
    /// <paramref name="count"/> floats of this thread's own, for the caller's input rows (rescaled features); they
    /// stay valid until this thread's next call of this method.
    /// </summary>
    public static Span<float> InputBuffer(int count) => ForThisThread().Input(count);

    private static Buffers ForThisThread() => t_buffers ??= new Buffers();

    // One thread's buffers; each grows to the largest request and stays.
    private sealed class Buffers
    {
        private float[] _input = [];
        private float[] _first = [];
        private float[] _second = [];
        private float[] _z = [];

        public Span<float> Input(int count) => Grow(ref _input, count);

        public Span<float> Activations(bool second, int count) => second ? Grow(ref _second, count) : Grow(ref _first, count);

        public Span<float> Z(int count) => Grow(ref _z, count);

        private static Span<float> Grow(ref float[] buffer, int count)
        {
            if (buffer.Length < count)
            {
                buffer = GC.AllocateUninitializedArray<float>(count);
            }
            return buffer.AsSpan(0, count);
        }
    }
}
