using BenchmarkDotNet.Running;
using Backprop;
using Backprop.Benchmarks;

// dotnet run -c Release --project bench/Backprop.Benchmarks -- --filter '*'        all benchmarks
// dotnet run -c Release --project bench/Backprop.Benchmarks -- --filter '*Gemm*'   one group
// dotnet run -c Release --project bench/Backprop.Benchmarks -- breakdown [threads] where one training step's time goes
// dotnet run -c Release --project bench/Backprop.Benchmarks -- article-breakdown  the same for the article's loop
if (args.Length > 0 && args[0] == "breakdown")
{
    if (args.Length > 1)
    {
        WorkerPool.ThreadCount = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
    }
    StepBreakdown.Run(Console.Out);
    return 0;
}
if (args.Length > 0 && args[0] == "article-breakdown")
{
    ArticleBreakdown.Run(Console.Out);
    ArticleLoopTiming.Run(Console.Out);
    return 0;
}
BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmarks).Assembly).Run(args);
return 0;
