namespace Backprop.Tests.Models;

/// <summary>
/// A model predicts from many threads at once (no lock; each thread has its own buffers), without allocating for one
/// row into a span, and with the same bits whether it rescales the rows itself or is given them rescaled.
/// </summary>
[Collection(Backprop.Tests.Tensors.KernelSettingsCollection.Name)]
public class ModelPredictionTests
{
    private const int Features = 5;

    [Fact]
    public void Four_threads_predicting_at_once_get_what_one_thread_gets()
    {
        Model model = CreateModel();
        // One row, a few (no packing), more (packed weights, one block and several), and passes of 1024 ending in a
        // few rows (the few-row product) and in a short block.
        int[] sizes = [1, 3, 8, 9, 40, 300, 700, 1030, 2100];
        float[][] inputs = [.. sizes.Select((rows, i) => Raw(rows, seed: 20 + i))];
        float[][] expected = [.. inputs.Select(x => model.PredictProbabilities(x))];
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var start = new Barrier(4);
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (int round = 0; round < 30; round++)
            {
                int i = (round + t) % sizes.Length;
                try
                {
                    float[] actual = model.PredictProbabilities(inputs[i]);
                    if (!actual.AsSpan().SequenceEqual(expected[i]))
                    {
                        failures.Enqueue($"thread {t}, {sizes[i]} rows, round {round}: other values");
                    }
                }
                catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException or InvalidOperationException)
                {
                    // Two passes sharing buffers can see each other's batch size.
                    failures.Enqueue($"thread {t}, {sizes[i]} rows, round {round}: {e.Message}");
                }
            }
        })).ToArray();
        foreach (Thread thread in threads)
        {
            thread.Start();
        }
        foreach (Thread thread in threads)
        {
            thread.Join();
        }
        Assert.Empty(failures);
    }

    [Fact]
    public void One_row_predicted_into_a_span_allocates_nothing_once_warm()
    {
        Model model = CreateModel();
        float[] row = Raw(1, seed: 3);
        var probabilities = new float[model.ClassNames.Count];
        model.PredictProbabilities(row, probabilities);
        _ = model.PredictClass(row);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            model.PredictProbabilities(row, probabilities);
            _ = model.PredictClass(row);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(model.PredictProbabilities(row), probabilities);
    }

    [Fact]
    public void Raw_rows_give_the_bits_of_rows_rescaled_beforehand()
    {
        Model model = CreateModel();
        float[] raw = Raw(600, seed: 4);
        float[] scaled = (float[])raw.Clone();
        model.Scaler.Apply<float>(scaled);
        Assert.Equal(model.PredictScaledProbabilities(scaled), model.PredictProbabilities(raw));
    }

    [Fact]
    public void A_span_too_short_for_the_probabilities_is_refused()
    {
        Model model = CreateModel();
        ArgumentException e = Assert.Throws<ArgumentException>(() => model.PredictProbabilities(Raw(2, seed: 5), new float[5]));
        Assert.Contains("6 values", e.Message, StringComparison.Ordinal);
    }

    private static Model CreateModel()
    {
        Dataset<float> data = TestData.Blobs(30, classes: 3, features: Features);
        var network = new Network<float>([Features, 32, 3], [Activation.Relu, Activation.Softmax], Loss.CrossEntropy);
        Initializer.Randomize(network, 1);
        new Trainer<float>(network, new Sgd<float>(0.1), new TrainingOptions { MaxEpochs = 2, BatchSize = 16 }).Fit(data);
        return new Model(network, [.. Enumerable.Range(1, Features).Select(i => $"f{i}")], "label", ["a", "b", "c"], FeatureScaler.Fit(data, ScalingKind.Standard));
    }

    // Rows of raw features, offset and spread so that rescaling changes them.
    private static float[] Raw(int rows, long seed) => Array.ConvertAll(TestData.RandomValues(rows * Features, seed), v => (float)(3 * v + 10));
}
