using BenchmarkDotNet.Attributes;
using Backprop.Cli.Commands;

namespace Backprop.Benchmarks;

/// <summary>
/// The article's whole program in process: the 3-2-3 network in double from its fixed weights, trained on its one
/// sample until the loss is below 0.01 (278 epochs). Divide by 278 for the time per epoch.
/// </summary>
[MemoryDiagnoser]
public class ArticleBenchmarks
{
    [Benchmark]
    public int ArticleLoop() => BenchWorkloads.ArticleLoop();
}
