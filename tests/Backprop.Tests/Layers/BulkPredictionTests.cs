namespace Backprop.Tests.Layers;

/// <summary>
/// Many rows through <see cref="ConcurrentPrediction.PredictRows"/> (what <see cref="Model"/> predicts with): blocks of
/// rows shared between the threads, each block through every layer on one thread, with the bits of the network's own
/// prediction in passes of 1024 rows rescaled beforehand, whatever the number of rows, threads, kernel width, layers
/// and output activation; and without allocating once warm.
/// </summary>
[Collection(Backprop.Tests.Tensors.KernelSettingsCollection.Name)]
public class BulkPredictionTests
{
    private const int Features = 23;

    // Rows that end a pass of 1024 in a few rows (1030: SmallBatchProduct's path), in fewer than a block's minimum
    // (1033, 9), in a short block (1040), in a whole number of blocks (120 × 2) and in several passes.
    private static readonly int[] RowCounts = [1, 9, 15, 16, 130, 240, 1024, 1030, 1033, 1040, 2600];

    [Theory]
    [InlineData("relu", 1, true)]
    [InlineData("relu", 2, true)]
    [InlineData("relu", 2, false)]
    [InlineData("relu-none", 2, true)]
    [InlineData("layers", 1, true)]
    [InlineData("layers", 2, true)]
    [InlineData("multilabel", 2, true)]
    [InlineData("regression", 2, false)]
    public void Rows_get_the_bits_of_passes_of_1024_rows_rescaled_beforehand(string kind, int threads, bool wide)
    {
        int savedThreads = WorkerPool.ThreadCount;
        bool savedWide = PackedGemm.UseVector512;
        try
        {
            WorkerPool.ThreadCount = threads;
            PackedGemm.UseVector512 = wide;
            Network<float> network = Create(kind);
            FeatureScaler? scaler = kind == "relu-none" ? null : Scaler();
            foreach (int rows in RowCounts)
            {
                float[] x = Raw(rows, seed: rows);
                var actual = new float[rows * network.OutputSize];
                ConcurrentPrediction.PredictRows(network, x, rows, scaler, actual);
                Assert.True(Passes(network, x, rows, scaler).AsSpan().SequenceEqual(actual), $"{kind}, {rows} rows, {threads} threads, wide {wide}: other values");
            }
        }
        finally
        {
            WorkerPool.ThreadCount = savedThreads;
            PackedGemm.UseVector512 = savedWide;
        }
    }

    [Theory]
    [InlineData("relu", true)]
    [InlineData("relu", false)]
    [InlineData("layers", true)]
    public void The_network_predicts_more_than_1024_rows_in_blocks_with_the_bits_of_its_passes(string kind, bool wide)
    {
        int savedThreads = WorkerPool.ThreadCount;
        bool savedWide = PackedGemm.UseVector512;
        try
        {
            PackedGemm.UseVector512 = wide;
            Network<float> network = Create(kind);
            foreach (int rows in (int[])[1024, 1025, 1030, 2600])
            {
                float[] x = Raw(rows, seed: rows);
                float[] expected = Passes(network, x, rows, null);
                foreach (int threads in (int[])[1, 2])
                {
                    WorkerPool.ThreadCount = threads;
                    var actual = new float[rows * network.OutputSize];
                    network.Predict(x, rows, actual);
                    Assert.True(expected.AsSpan().SequenceEqual(actual), $"{kind}, {rows} rows, {threads} threads, wide {wide}: other values");
                }
            }
        }
        finally
        {
            WorkerPool.ThreadCount = savedThreads;
            PackedGemm.UseVector512 = savedWide;
        }
    }

    [Fact]
    public void Many_rows_predicted_into_a_span_allocate_nothing_once_warm()
    {
        int savedThreads = WorkerPool.ThreadCount;
        try
        {
            WorkerPool.ThreadCount = 2;
            Network<float> network = Create("relu");
            var model = new Model(network, [.. Enumerable.Range(1, Features).Select(i => $"f{i}")], "label", ["a", "b", "c", "d"], Scaler());
            float[] x = Raw(2600, seed: 7);
            var probabilities = new float[2600 * 4];
            // The worker threads' buffers are made on their first block, which either thread may take: warm both.
            for (int i = 0; i < 20; i++)
            {
                model.PredictProbabilities(x, probabilities);
            }
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++)
            {
                model.PredictProbabilities(x, probabilities);
            }
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        finally
        {
            WorkerPool.ThreadCount = savedThreads;
        }
    }

    [Fact]
    public void A_span_shorter_than_its_rows_is_refused()
    {
        Network<float> network = Create("relu");
        ArgumentException e = Assert.Throws<ArgumentException>(() => ConcurrentPrediction.PredictRows(network, new float[10 * Features], 10, null, new float[39]));
        Assert.Contains("10 rows", e.Message, StringComparison.Ordinal);
    }

    // The reference: passes of 1024 rows (the last one shorter), each rescaled and then predicted by the network one
    // layer at a time.
    private static float[] Passes(Network<float> network, float[] x, int rows, FeatureScaler? scaler)
    {
        int k = network.OutputSize;
        var output = new float[rows * k];
        for (int start = 0; start < rows; start += 1024)
        {
            int n = Math.Min(1024, rows - start);
            float[] pass = x.AsSpan(start * Features, n * Features).ToArray();
            scaler?.Apply<float>(pass);
            network.PredictByLayer(pass, n, output.AsSpan(start * k, n * k));
        }
        return output;
    }

    private static Network<float> Create(string kind)
    {
        Network<float> network = kind switch
        {
            "layers" => new Network<float>(Features, [
                new Dense<float>(40, Activation.Tanh), new BatchNorm<float>(), new Dropout<float>(0.3),
                new Dense<float>(33, Activation.Sigmoid), new Dense<float>(4, Activation.Softmax)], Loss.CrossEntropy),
            "multilabel" => new Network<float>([Features, 50, 3], [Activation.LeakyRelu, Activation.Sigmoid], new SigmoidBinaryCrossEntropy()),
            "regression" => new Network<float>([Features, 70, 2], [Activation.Relu, Activation.Identity], Loss.MeanSquaredError),
            _ => new Network<float>([Features, 64, 4], [Activation.Relu, Activation.Softmax], Loss.CrossEntropy),
        };
        Initializer.Randomize(network, 3);
        return network;
    }

    private static FeatureScaler Scaler()
    {
        double[] offset = [.. Enumerable.Range(0, Features).Select(j => 9.5 + 0.1 * j)];
        double[] scale = [.. Enumerable.Range(0, Features).Select(j => 2.5 + 0.03 * j)];
        return new FeatureScaler(ScalingKind.Standard, offset, scale);
    }

    // Rows of raw features, offset and spread so that rescaling changes them.
    private static float[] Raw(int rows, long seed) => Array.ConvertAll(TestData.RandomValues(rows * Features, seed), v => (float)(3 * v + 10));
}
