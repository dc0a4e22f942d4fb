using BenchmarkDotNet.Running;
using Backprop;
using Backprop.Benchmarks;

// Run from bench/Backprop.Benchmarks (BenchmarkDotNet looks for the project there), e.g.
// dotnet run -c Release -- --filter '*' [--job short] [--inProcess]   all benchmarks
// dotnet run -c Release -- --filter '*Gemm*'                        one group
// dotnet run -c Release -- breakdown [threads] [batch] [fashion]    where one training step's time goes (thread CPU time)
// dotnet run -c Release -- step-scaling [batch] [fashion] [by-rows] [standard]  a two-thread step's phases against one thread's
//                                                                   (wall clock); by-rows: the first layer's job split by W's rows,
//                                                                   never by terms; standard: the images standardised as by --scale standard
// dotnet run -c Release -- gemm-probe [xWt|AB] [m] [n] [k] [threads]  one product, rows of A copied apart or read in place
// dotnet run -c Release -- epoch-cpu [opt] [hidden] [act] [batch] [epochs]  one-thread Fashion-MNIST epochs, thread CPU time
//                                                                   (wall: all threads, wall clock, the pool's solo periods)
// dotnet run -c Release -- step-prefetch [hidden] [batch] [epochs] [threads] [stream|terms|zero] [adam]  the fused step asking ahead on
//                                                                   large layers (stream: writing their ∇W past the caches; terms: the first
//                                                                   layer's job split by terms) or not, epochs alternating
// dotnet run -c Release -- article-breakdown                        the same for the article's loop
// dotnet run -c Release -- article-spin SECONDS                     the article's loop, over and over (for a profiler)
// dotnet run -c Release -- inference-breakdown [threads]            each layer of inference on 10000 rows
// dotnet run -c Release -- predict-spin SECONDS                     Model.PredictProbabilities on 10000 rows, over and over (for a profiler)
// dotnet run -c Release -- l2-probe [batch]                         the pieces of the small second layer of a step
// dotnet run -c Release -- shared-gather [dir]                    256 shuffled rows gathered into a buffer the other core read, cached or non-temporal stores
// dotnet run -c Release -- step-probe                             the optimizers' tile steps (Adam, AdamW, momentum, RMSprop), ns a parameter
// dotnet run -c Release -- gather-probe [dir] [batch]              gathering shuffled Fashion-MNIST batches: bytes, the standardised table, floats
// dotnet run -c Release -- fashion-mnist [dir] [epochs]              the set-up on the real files: s/epoch, accuracy
// dotnet run -c Release -- sparse-probe [batch] [zero share]       the paired job summing every term of ∇W or leaving δ's zeros out, one and two threads
// dotnet run -c Release -- zero-terms [hidden] [batch] [epochs] [opt] [act]  steps leaving δ's zero terms out of ∇W or not, batch by batch
// dotnet run -c Release -- pair-second [hidden] [batch] [epochs] [opt] [act]  steps with the second hidden layer's step paired with its next
//                                                                   forward pass or not, two batches at a time
// BENCH_VECTOR256=1 runs the Vector256 kernels on a machine with AVX-512, to compare the AVX2 path.
if (Environment.GetEnvironmentVariable("BENCH_VECTOR256") == "1")
{
    PackedGemm.UseVector512 = false;
    PixelBytes.UseVector512 = false;
}
// BENCH_DENSE=1 sums every term of ∇W, δ's zeros too, to compare with leaving them out.
if (Environment.GetEnvironmentVariable("BENCH_DENSE") == "1")
{
    PackedGemm.SkipZeroTerms = false;
}
if (args.Length > 0 && args[0] == "shared-gather")
{
    SharedGather.Run(Console.Out, args[1]);
    return 0;
}
if (args.Length > 0 && args[0] == "zero-terms")
{
    ZeroTermsProbe.Run(Console.Out, args[1..]);
    return 0;
}
if (args.Length > 0 && args[0] == "sparse-probe")
{
    SparseProbe.Run(Console.Out, int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 0.5);
    return 0;
}
if (args.Length > 0 && args[0] == "step-probe")
{
    StepProbe.Run(Console.Out);
    return 0;
}
if (args.Length > 0 && args[0] == "predict-spin")
{
    var data = Backprop.Cli.Commands.BenchWorkloads.SyntheticImages(10000, seed: 1);
    var network = Backprop.Cli.Commands.BenchWorkloads.FashionNetwork(seed: 2);
    var model = Backprop.Cli.Commands.BenchPrediction.FashionModel(network);
    float[] input = data.Features.ToArray();
    float[] probabilities = new float[10000 * 10];
    var sw = System.Diagnostics.Stopwatch.StartNew();
    var times = new List<double>();
    while (sw.Elapsed.TotalSeconds < double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture))
    {
        long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        model.PredictProbabilities(input, probabilities);
        times.Add(System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
    }
    times.Sort();
    Console.WriteLine($"{times.Count} calls, median {times[times.Count / 2]:F3} ms");
    return 0;
}
if (args.Length > 0 && args[0] == "step-scaling")
{
    PackedGemm.SplitForwardByK = !args.Contains("by-rows");
    StepScaling.Run(Console.Out, args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 256, args.Length > 2 && args[2] == "fashion", standard: args.Contains("standard"));
    return 0;
}
if (args.Length > 0 && args[0] == "breakdown")
{
    if (args.Length > 1)
    {
        WorkerPool.ThreadCount = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
    }
    StepBreakdown.Run(Console.Out, args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 64, args.Length > 3 && args[3] == "fashion");
    return 0;
}
if (args.Length > 0 && args[0] == "activation-in-job")
{
    ActivationInJobProbe.Run(Console.Out, args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 256, args.Length > 2 && args[2] == "sigmoid" ? Activation.Sigmoid : Activation.Tanh);
    return 0;
}
if (args.Length > 0 && args[0] == "l2-parts")
{
    LayerTwoProbe.Run(Console.Out, int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture));
    return 0;
}
if (args.Length > 0 && args[0] == "gemm-probe")
{
    GemmProbe.Run(Console.Out, args[1..]);
    return 0;
}
if (args.Length > 0 && args[0] == "step-prefetch")
{
    StepPrefetch.Run(Console.Out, args[1..]);
    return 0;
}
if (args.Length > 0 && args[0] == "epoch-cpu")
{
    EpochCpu.Run(Console.Out, args[1..]);
    return 0;
}
if (args.Length > 0 && args[0] == "article-breakdown")
{
    ArticleBreakdown.Run(Console.Out);
    ArticleLoopTiming.Run(Console.Out);
    return 0;
}
if (args.Length > 0 && args[0] == "l2-probe")
{
    L2Probe.Run(Console.Out, args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 64);
    return 0;
}
if (args.Length > 0 && args[0] == "pair-second")
{
    PairSecondProbe.Run(Console.Out, args[1..]);
    return 0;
}
if (args.Length > 0 && args[0] == "gather-probe")
{
    GatherProbe.Run(Console.Out, args.Length > 1 ? args[1] : "/usr/share/datasets/fashion-mnist", args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 64);
    return 0;
}
if (args.Length > 0 && args[0] == "article-spin")
{
    var sw = System.Diagnostics.Stopwatch.StartNew();
    long loops = 0;
    while (sw.Elapsed.TotalSeconds < double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture)) { Backprop.Cli.Commands.BenchWorkloads.ArticleLoop(); loops++; }
    Console.WriteLine($"{sw.Elapsed.TotalMicroseconds / loops:F2} us per loop");
    return 0;
}
if (args.Length > 0 && args[0] == "inference-breakdown")
{
    if (args.Length > 1)
    {
        WorkerPool.ThreadCount = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
    }
    InferenceBreakdown.Run(Console.Out);
    return 0;
}
if (args.Length > 0 && args[0] == "fashion-mnist")
{
    FashionMnistRun.Run(Console.Out, args.Length > 1 ? args[1] : "/usr/share/datasets/fashion-mnist", args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 5);
    return 0;
}
BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmarks).Assembly).Run(args);
return 0;
