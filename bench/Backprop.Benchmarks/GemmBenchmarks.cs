using BenchmarkDotNet.Attributes;

namespace Backprop.Benchmarks;

/// <summary>
/// float32 GEMM by shape: the three products one training step of 784-128-10 with batch 64 needs, and 1024³,
/// on one thread and on all of them. Divide 2·m·n·k by the time for GFLOP/s.
/// </summary>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private float[] _a = [];
    private float[] _b = [];
    private float[] _c = [];

    /// <summary>"shape m n k": xWt is C = A Bᵀ (forward), dW is C = Aᵀ B (weight gradient), AB is C = A B (δ W).</summary>
    [Params("xWt 64 128 784", "dTx 128 784 64", "dW 64 128 10", "AB 1024 1024 1024")]
    public string Shape { get; set; } = "";

    [Params(1, 2)]
    public int Threads { get; set; }

    private string Kind => Shape.Split(' ')[0];

    private int M => int.Parse(Shape.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);

    private int N => int.Parse(Shape.Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture);

    private int K => int.Parse(Shape.Split(' ')[3], System.Globalization.CultureInfo.InvariantCulture);

    [GlobalSetup]
    public void Setup()
    {
        WorkerPool.ThreadCount = Threads;
        var rng = new Rng(1);
        _a = new float[M * K];
        _b = new float[K * N];
        _c = new float[M * N];
        for (int i = 0; i < _a.Length; i++)
        {
            _a[i] = (float)rng.NextDouble();
        }
        for (int i = 0; i < _b.Length; i++)
        {
            _b[i] = (float)rng.NextDouble();
        }
    }

    [Benchmark]
    public void Multiply()
    {
        switch (Kind)
        {
            case "xWt": Gemm.MultiplyTransposedB<float>(_a, _b, _c, M, N, K); break;
            case "dTx": Gemm.MultiplyTransposedA<float>(_a, _b, _c, M, N, K); break;
            default: Gemm.Multiply<float>(_a, _b, _c, M, N, K); break;
        }
    }
}
