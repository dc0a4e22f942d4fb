using System.Diagnostics;
using System.Runtime.Intrinsics;

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

    /// <summary>
    /// Rows of pixels in [0, 1] with labels: each class brightens its own band of pixels, so a network learns it.
    /// One contiguous array, like a loaded image set.
    /// </summary>
    public static Dataset<float> SyntheticImages(int rows, long seed)
    {
        var rng = new Rng(seed);
        var x = new float[rows * Inputs];
        var labels = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            int label = rng.Next(Classes);
            labels[r] = label;
            Span<float> row = x.AsSpan(r * Inputs, Inputs);
            for (int c = 0; c < Inputs; c++)
            {
                double band = c * Classes / Inputs == label ? 0.4 : 0.0;
                row[c] = (float)Math.Min(1.0, band + 0.6 * rng.NextDouble());
            }
        }
        return new Dataset<float>(x, Inputs, labels, Classes);
    }

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

    /// <summary>Whether the widest FMA kernel here is Vector512 (else Vector256).</summary>
    public static bool Wide => PackedGemm.IsSupported && PackedGemm.UseVector512;

    /// <summary>
    /// The measured float32 FMA peak in GFLOP/s with <paramref name="threads"/> threads: independent chains of
    /// fused multiply-adds on the widest vectors the GEMM uses, enough of them to cover the FMA latency.
    /// </summary>
    public static double MeasureFmaPeak(int threads, double seconds = 0.3)
    {
        const long iterations = 2_000_000;
        var job = new FmaJob(iterations);
        int saved = WorkerPool.ThreadCount;
        try
        {
            WorkerPool.ThreadCount = threads;
            WorkerPool.Run(job, threads);
            double best = 0;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed.TotalSeconds < seconds || best == 0)
            {
                long start = Stopwatch.GetTimestamp();
                WorkerPool.Run(job, threads);
                double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
                best = Math.Max(best, threads * job.Flops / elapsed / 1e9);
            }
            return best;
        }
        finally
        {
            WorkerPool.ThreadCount = saved;
        }
    }

    private sealed class FmaJob(long iterations) : IBlockJob
    {
        private static float s_sink;

        public double Flops => iterations * 16.0 * 2 * (Wide ? Vector512<float>.Count : Vector256<float>.Count);

        public void Execute(int block)
        {
            float sum = Wide ? Chains512(iterations) : Chains256(iterations);
            s_sink += sum;
        }

        private static float Chains512(long n)
        {
            Vector512<float> m = Vector512.Create(0.999999f), k = Vector512.Create(1e-7f);
            Vector512<float> a0 = m, a1 = m, a2 = m, a3 = m, a4 = m, a5 = m, a6 = m, a7 = m;
            Vector512<float> a8 = m, a9 = m, a10 = m, a11 = m, a12 = m, a13 = m, a14 = m, a15 = m;
            for (long i = 0; i < n; i++)
            {
                a0 = Vector512.FusedMultiplyAdd(a0, m, k);
                a1 = Vector512.FusedMultiplyAdd(a1, m, k);
                a2 = Vector512.FusedMultiplyAdd(a2, m, k);
                a3 = Vector512.FusedMultiplyAdd(a3, m, k);
                a4 = Vector512.FusedMultiplyAdd(a4, m, k);
                a5 = Vector512.FusedMultiplyAdd(a5, m, k);
                a6 = Vector512.FusedMultiplyAdd(a6, m, k);
                a7 = Vector512.FusedMultiplyAdd(a7, m, k);
                a8 = Vector512.FusedMultiplyAdd(a8, m, k);
                a9 = Vector512.FusedMultiplyAdd(a9, m, k);
                a10 = Vector512.FusedMultiplyAdd(a10, m, k);
                a11 = Vector512.FusedMultiplyAdd(a11, m, k);
                a12 = Vector512.FusedMultiplyAdd(a12, m, k);
                a13 = Vector512.FusedMultiplyAdd(a13, m, k);
                a14 = Vector512.FusedMultiplyAdd(a14, m, k);
                a15 = Vector512.FusedMultiplyAdd(a15, m, k);
            }
            return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15);
        }

        private static float Chains256(long n)
        {
            Vector256<float> m = Vector256.Create(0.999999f), k = Vector256.Create(1e-7f);
            Vector256<float> a0 = m, a1 = m, a2 = m, a3 = m, a4 = m, a5 = m, a6 = m, a7 = m;
            Vector256<float> a8 = m, a9 = m, a10 = m, a11 = m, a12 = m, a13 = m, a14 = m, a15 = m;
            for (long i = 0; i < n; i++)
            {
                a0 = Vector256.FusedMultiplyAdd(a0, m, k);
                a1 = Vector256.FusedMultiplyAdd(a1, m, k);
                a2 = Vector256.FusedMultiplyAdd(a2, m, k);
                a3 = Vector256.FusedMultiplyAdd(a3, m, k);
                a4 = Vector256.FusedMultiplyAdd(a4, m, k);
                a5 = Vector256.FusedMultiplyAdd(a5, m, k);
                a6 = Vector256.FusedMultiplyAdd(a6, m, k);
                a7 = Vector256.FusedMultiplyAdd(a7, m, k);
                a8 = Vector256.FusedMultiplyAdd(a8, m, k);
                a9 = Vector256.FusedMultiplyAdd(a9, m, k);
                a10 = Vector256.FusedMultiplyAdd(a10, m, k);
                a11 = Vector256.FusedMultiplyAdd(a11, m, k);
                a12 = Vector256.FusedMultiplyAdd(a12, m, k);
                a13 = Vector256.FusedMultiplyAdd(a13, m, k);
                a14 = Vector256.FusedMultiplyAdd(a14, m, k);
                a15 = Vector256.FusedMultiplyAdd(a15, m, k);
            }
            return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15);
        }
    }
}
