using BenchmarkDotNet.Attributes;
using Backprop.Cli.Commands;

namespace Backprop.Benchmarks;

/// <summary>
/// 784-128-10 ReLU, softmax + cross-entropy, plain SGD η = 0.1, batch 64, float32, on synthetic data shaped like
/// Fashion-MNIST (60000 training rows of 784 pixels in [0, 1], 10 classes): one step, one epoch, and inference on
/// 10000 rows in one batch. A step must allocate nothing once warm.
/// </summary>
[MemoryDiagnoser]
public class TrainingBenchmarks
{
    private Dataset<float> _data = null!;
    private Network<float> _network = null!;
    private Sgd<float> _sgd = null!;
    private float[] _x = [];
    private float[] _t = [];
    private float[] _probabilities = [];

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        WorkerPool.ThreadCount = Threads;
        _data = BenchWorkloads.SyntheticImages(60000, seed: 1);
        _network = BenchWorkloads.FashionNetwork(seed: 2);
        _sgd = new Sgd<float>(0.1);
        _x = new float[64 * BenchWorkloads.Inputs];
        _t = new float[64 * BenchWorkloads.Classes];
        int[] rows = [.. Enumerable.Range(0, 64)];
        _data.Gather(rows, _x, _t);
        _probabilities = new float[10000 * BenchWorkloads.Classes];
    }

    /// <summary>Forward, backward and the SGD update of one batch of 64.</summary>
    [Benchmark]
    public float TrainingStep()
    {
        float loss = _network.Forward(_x, _t, 64);
        _network.Backward();
        _sgd.Step(_network.Parameters, _network.Gradients);
        return loss;
    }

    /// <summary>One shuffled epoch over 60000 rows (938 batches) through <see cref="Trainer{T}"/>.</summary>
    [Benchmark]
    public double Epoch() => BenchWorkloads.EpochTrainer(_network).Fit(_data).FinalLoss;

    /// <summary>Class probabilities for 10000 rows in one batch.</summary>
    [Benchmark]
    public void Inference10k() => _network.Predict(_data.Features[..(10000 * BenchWorkloads.Inputs)], 10000, _probabilities);
}
