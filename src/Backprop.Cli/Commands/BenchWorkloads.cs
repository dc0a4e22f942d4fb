using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Backprop.Cli.Commands;

/// <summary>
/// The workloads `backprop bench` and the BenchmarkDotNet suite time: the FMA peak of this machine, GEMM by shape,
/// a training epoch and inference on data shaped like Fashion-MNIST (784 inputs, 10 classes, pixels in [0, 1]),
/// and the article's whole training loop.
/// </summary>
internal static class BenchWorkloads
{
    /// <summary>Inputs, hidden units and classes of the Fashion-MNIST MLP the issue sets the bar with.</summary>
    public const int Inputs = 784;
    public const int Hidden = 128;
    public const int Classes = 10;

    /// <summary>Floating-point operations per training sample of 784-128-10: forward, ∇W and δ W of the top layer.</summary>
    public const double FlopsPerTrainingSample = 2.0 * 2 * (Inputs * Hidden + Hidden * Classes) + 2.0 * Hidden * Classes;

    /// <summary>Floating-point operations per inference sample of 784-128-10.</summary>
    public const double FlopsPerInferenceSample = 2.0 * (Inputs * Hidden + Hidden * Classes);

    /// <summary>Rows of pixels in [0, 1] with labels, shaped like Fashion-MNIST: <see cref="SyntheticImages.Bands"/>.</summary>
    public static Dataset<float> SyntheticImages(int rows, long seed) => Backprop.Data.SyntheticImages.Bands(rows, seed, Inputs, Classes);

    /// <summary>784-128-10, ReLU, softmax with cross-entropy, He-initialised with <paramref name="seed"/>.</summary>
    public static Network<float> FashionNetwork(long seed)
    {
        var network = new Network<float>([Inputs, Hidden, Classes], [Activation.Relu, Activation.Softmax], Loss.CrossEntropy);
        Initializer.Randomize(network, seed);
        return network;
    }

    /// <summary>One epoch's trainer: plain SGD η = 0.1, batch 64, shuffled.</summary>
    public static Trainer<float> EpochTrainer(Network<float> network, int epochs = 1, long seed = 1)
        => new(network, new Sgd<float>(0.1), new TrainingOptions { MaxEpochs = epochs, BatchSize = 64, Shuffle = true, Seed = seed });

    private static readonly Lazy<(Network<double> Network, double[] Initial, Dataset<double> Data)> s_article = new(() =>
    {
        Network<double> network = ArticleExample.CreateNetwork<double>();
        return (network, network.Parameters.ToArray(), ArticleExample.CreateDataset<double>());
    });

    /// <summary>
    /// Trains the article's 3-2-3 network from its initial parameters until the loss is below 0.01 and returns the
    /// number of epochs: the training loop only (the weights JSON is parsed once, outside, like the numpy program's
    /// literal arrays).
    /// </summary>
    public static int ArticleLoop()
    {
        (Network<double> network, double[] initial, Dataset<double> data) = s_article.Value;
        initial.CopyTo(network.Parameters);
        var trainer = new Trainer<double>(network, new Sgd<double>(ArticleExample.LearningRate), new TrainingOptions
        {
            MaxEpochs = ArticleExample.MaxEpochs,
            LossThreshold = ArticleExample.LossThreshold,
            BatchSize = 0,
            Shuffle = false,
        });
        return trainer.Fit(data).Epochs;
    }

    /// <summary>
    /// The time in nanoseconds for one cache line to pass from one core to another: two threads hand a counter back and
    /// forth (each waits, spinning, for the other's increment), and the median over <paramref name="batches"/> batches
    /// of <paramref name="handOffs"/> hand-offs is returned. Where two threads share a last-level cache this is some
    /// 30–60 ns; between dies or sockets it is several times that, and a two-thread training step, whose threads meet
    /// and pass data several times per step, slows with it (docs/performance.md, "Slow spells: the two vCPUs on two
    /// dies"). NaN with fewer than two processors, where the threads would take turns on one.
    /// </summary>
    public static double MeasureHandOff(int handOffs = 20_000, int batches = 9)
    {
        if (Environment.ProcessorCount < 2)
        {
            return double.NaN;
        }
        var line = new HandOffLine();
        var times = new double[batches];
        var other = new Thread(() =>
        {
            // Answers every odd value with the next even one, until told to stop (a negative value).
            long seen = 0;
            while (true)
            {
                long value = Volatile.Read(ref line.Value);
                if (value < 0)
                {
                    return;
                }
                if (value != seen && (value & 1) == 1)
                {
                    seen = value + 1;
                    Volatile.Write(ref line.Value, seen);
                }
            }
        }) { IsBackground = true, Name = "Backprop hand-off" };
        other.Start();
        long counter = 0;
        for (int batch = 0; batch < batches; batch++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < handOffs / 2; i++)
            {
                Volatile.Write(ref line.Value, ++counter);
                long answer = ++counter;
                while (Volatile.Read(ref line.Value) != answer)
                {
                }
            }
            times[batch] = Stopwatch.GetElapsedTime(start).TotalSeconds * 1e9 / handOffs;
        }
        Volatile.Write(ref line.Value, -1);
        other.Join();
        Array.Sort(times);
        return times[batches / 2];
    }

    // One counter alone on its cache line (and the next, against the adjacent-line prefetcher).
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private sealed class HandOffLine
    {
        [FieldOffset(128)]
        public long Value;
    }

    /// <summary>
    /// The measured float32 FMA peak in GFLOP/s with <paramref name="threads"/> threads (<see cref="Engine.MeasureFmaPeak"/>).
    /// </summary>
    public static double MeasureFmaPeak(int threads, double seconds = 0.3) => Engine.MeasureFmaPeak(threads, seconds);
}
