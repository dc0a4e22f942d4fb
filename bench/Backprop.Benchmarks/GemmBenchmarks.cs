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

    private string _kind = "";
    private int _m;
    private int _n;
    private int _k;

    [GlobalSetup]
    public void Setup()
    {
        WorkerPool.ThreadCount = Threads;
        string[] parts = Shape.Split(' ');
        _kind = parts[0];
        _m = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        _n = int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
        _k = int.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture);
        var rng = new Rng(1);
        _a = new float[_m * _k];
        _b = new float[_k * _n];
        _c = new float[_m * _n];
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
        switch (_kind)
        {
            case "xWt": Gemm.MultiplyTransposedB<float>(_a, _b, _c, _m, _n, _k); break;
            case "dTx": Gemm.MultiplyTransposedA<float>(_a, _b, _c, _m, _n, _k); break;
            default: Gemm.Multiply<float>(_a, _b, _c, _m, _n, _k); break;
        }
    }
}
