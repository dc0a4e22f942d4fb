using System.Diagnostics;
using System.IO.Compression;
using System.Buffers.Binary;

namespace Backprop.Benchmarks;

/// <summary>
/// Trains 784-128-10 (ReLU, softmax + cross-entropy, plain SGD η = 0.1, batch 64, shuffled, float32) on the real
/// Fashion-MNIST files for a few epochs and prints seconds per epoch and test accuracy: the set-up, for
/// comparing with the peers' `--data fashion-mnist --epochs 5` runs. The reader here is the benchmark's own minimal
/// IDX reader (gzip, no validation beyond the header), not the library's data loading.
/// </summary>
internal static class FashionMnistRun
{
    public static void Run(TextWriter output, string directory, int epochs)
    {
        (float[] x, int[] y) = Load(directory, "train");
        (float[] xt, int[] yt) = Load(directory, "t10k");
        var train = new Dataset<float>(x, 784, y, 10);
        var network = new Network<float>([784, 128, 10], [Activation.Relu, Activation.Softmax], Loss.CrossEntropy);
        Initializer.Randomize(network, 1);
        var trainer = new Trainer<float>(network, new Sgd<float>(0.1), new TrainingOptions { MaxEpochs = epochs, BatchSize = 64, Shuffle = true, Seed = 1 });
        var clock = Stopwatch.StartNew();
        trainer.Fit(train, report => output.WriteLine($"epoch {report.Epoch}: loss {report.Loss:F4}, {report.Seconds:F3} s"));
        var probabilities = new float[yt.Length * 10];
        network.Predict(xt, yt.Length, probabilities);
        int correct = 0;
        for (int r = 0; r < yt.Length; r++)
        {
            ReadOnlySpan<float> row = probabilities.AsSpan(r * 10, 10);
            int best = 0;
            for (int c = 1; c < 10; c++)
            {
                if (row[c] > row[best])
                {
                    best = c;
                }
            }
            correct += best == yt[r] ? 1 : 0;
        }
        output.WriteLine($"test accuracy after {epochs} epochs: {(double)correct / yt.Length:F4} ({clock.Elapsed.TotalSeconds:F2} s in all, threads {WorkerPool.ThreadCount})");
    }

    private static (float[] Images, int[] Labels) Load(string directory, string prefix)
    {
        byte[] images = Read(Path.Combine(directory, $"{prefix}-images-idx3-ubyte.gz"));
        byte[] labels = Read(Path.Combine(directory, $"{prefix}-labels-idx1-ubyte.gz"));
        int count = BinaryPrimitives.ReadInt32BigEndian(images.AsSpan(4));
        var x = new float[count * 784];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = images[16 + i] / 255f;
        }
        var y = new int[count];
        for (int i = 0; i < count; i++)
        {
            y[i] = labels[8 + i];
        }
        return (x, y);
    }

    private static byte[] Read(string path)
    {
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gzip.CopyTo(memory);
        return memory.ToArray();
    }
}
