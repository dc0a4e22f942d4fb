using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Backprop.Cli.Commands;

/// <summary>
/// `backprop bench`: times the kernels and the training loop on this machine and prints GFLOP/s, samples/s and the
/// share of the FMA peak measured here. The training data is synthetic, shaped like Fashion-MNIST (784-128-10).
/// </summary>
internal static class BenchCommand
{
    public static Command Create(CliIO io)
    {
        var threads = new Option<int>("--threads") { Description = "Threads for the multi-threaded rows (default: all processors)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var rows = new Option<int>("--rows") { Description = "Rows of the synthetic training set (Fashion-MNIST has 60000)", DefaultValueFactory = _ => 60000 };
        var repeat = new Option<int>("--repeat") { Description = "Timed repetitions of each workload; the median is printed", DefaultValueFactory = _ => 5 };
        var size = new Option<int>("--gemm-size") { Description = "n of the n × n × n GEMM", DefaultValueFactory = _ => 1024 };
        var only = new Option<string>("--only") { Description = "Comma-separated workloads to run: peak, handoff, gemm, epoch, inference, predict, article (default: all)", DefaultValueFactory = _ => string.Join(',', Workloads) };
        var json = new Option<bool>("--json") { Description = "Print one JSON object per result instead of text" };
        var matrix = new Option<bool>("--matrix") { Description = "Time the training matrix instead: the rows of bench/peers/compare.py --matrix (--only picks rows by key); --repeat epochs each after one warm-up" };
        var full = new Option<bool>("--full") { Description = "With --matrix: every combination of optimizer, activation, hidden layers, batch and weight decay (180 rows)" };

        var command = new Command("bench", "Measure this machine: FMA peak, the core-to-core hand-off, GEMM, a training epoch (784-128-10, batch 64, synthetic data), inference and the article's loop; or, with --matrix, the training matrix.")
        {
            threads, rows, repeat, size, only, json, matrix, full,
        };
        command.SetAction(parse =>
        {
            int t = parse.GetValue(threads);
            int r = parse.GetValue(rows);
            int n = parse.GetValue(repeat);
            int g = parse.GetValue(size);
            if (t < 1)
            {
                throw new UsageException($"--threads must be at least 1 (got {t})");
            }
            if (r < 64)
            {
                throw new UsageException($"--rows must be at least 64 (got {r})");
            }
            if (n < 1)
            {
                throw new UsageException($"--repeat must be at least 1 (got {n})");
            }
            if (g < 1 || g > 8192)
            {
                throw new UsageException($"--gemm-size must be between 1 and 8192 (got {g})");
            }
            var selected = new HashSet<string>(parse.GetValue(only)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
            if (parse.GetValue(full) && !parse.GetValue(matrix))
            {
                throw new UsageException("--full needs --matrix");
            }
            if (parse.GetValue(matrix))
            {
                BenchMatrix.Config[] configs = parse.GetValue(full) ? [.. BenchMatrix.Full()] : [.. BenchMatrix.Rows];
                if (NetworkOptions.Given(parse, only))
                {
                    string? unknownRow = selected.FirstOrDefault(key => !configs.Any(c => c.Key == key));
                    if (unknownRow is not null || selected.Count == 0)
                    {
                        throw new UsageException($"--only: '{unknownRow}' is not a row of the matrix; use {string.Join(", ", configs.Take(12).Select(c => c.Key))}{(configs.Length > 12 ? ", …" : "")}");
                    }
                    configs = [.. configs.Where(c => selected.Contains(c.Key))];
                }
                RunMatrix(io.Out, t, r, n, configs, parse.GetValue(json));
                return Cli.Ok;
            }
            string? unknown = selected.FirstOrDefault(w => !Workloads.Contains(w));
            if (unknown is not null || selected.Count == 0)
            {
                throw new UsageException($"--only: '{unknown}' is not a workload; use {string.Join(", ", Workloads)}");
            }
            Run(io.Out, t, r, n, g, selected, parse.GetValue(json));
            return Cli.Ok;
        });
        return command;
    }

    private static readonly string[] Workloads = ["peak", "handoff", "gemm", "epoch", "inference", "predict", "article"];

    private static void Run(TextWriter output, int threads, int rows, int repeat, int gemmSize, HashSet<string> only, bool json)
    {
        int saved = Engine.ThreadCount;
        var report = new Report(output, json);
        try
        {
            if (!json)
            {
                output.WriteLine(F($"machine: {CpuName()}, {Environment.ProcessorCount} logical processors, {RuntimeInformation.FrameworkDescription}"));
                output.WriteLine(F($"kernel: {Engine.KernelDescription}; multi-threaded rows use {threads} threads"));
                output.WriteLine();
            }

            // The peak is what the percentages refer to, so it is measured whenever GEMM or training is.
            double peak1 = 0, peakN = 0;
            if (only.Overlaps(["peak", "gemm", "epoch", "inference"]))
            {
                peak1 = BenchWorkloads.MeasureFmaPeak(1);
                peakN = threads > 1 ? BenchWorkloads.MeasureFmaPeak(threads) : peak1;
                report.Line("peak", F($"{"FMA peak float32 (measured)",-44} {peak1,8:F1} GFLOP/s (1 thread)   {peakN,8:F1} GFLOP/s ({threads} threads)"),
                    ("gflops_1", peak1), ("gflops_n", peakN), ("threads", threads));
            }

            if (only.Contains("handoff"))
            {
                // Between runs of bench/peers/compare.py too: a hand-off several times the usual one marks a run in which
                // the hypervisor had put the two vCPUs on different dies (docs/performance.md).
                double handOff = BenchWorkloads.MeasureHandOff();
                if (double.IsNaN(handOff))
                {
                    report.Line("handoff", F($"{"core-to-core hand-off of a cache line",-44} needs two processors"), [("skipped", "one processor")]);
                }
                else
                {
                    report.Line("handoff", F($"{"core-to-core hand-off of a cache line",-44} {handOff,8:F1} ns"), ("ns", handOff));
                }
            }

            if (only.Contains("gemm"))
            {
                foreach ((string name, string key, int m, int n, int k, GemmOperation operation) in new[]
                {
                    ($"GEMM {gemmSize}x{gemmSize}x{gemmSize} C = A B", "gemm", gemmSize, gemmSize, gemmSize, GemmOperation.AB),
                    ("GEMM x Wt   (64, 784) x (128, 784)t", "gemm_xwt", 64, 128, 784, GemmOperation.ABTransposed),
                    ("GEMM dT x   (64, 128)t x (64, 784)", "gemm_dtx", 128, 784, 64, GemmOperation.ATransposedB),
                    ("GEMM d W    (64, 10) x (10, 128)", "gemm_dw", 64, 128, 10, GemmOperation.AB),
                })
                {
                    double flops = 2.0 * m * n * k;
                    float[] a = Filled(m * k);
                    float[] b = Filled(k * n);
                    float[] c = new float[m * n];
                    Engine.ThreadCount = 1;
                    double one = flops / Median(repeat, () => Engine.Multiply<float>(operation, a, b, c, m, n, k)) / 1e9;
                    Engine.ThreadCount = threads;
                    double many = flops / Median(repeat, () => Engine.Multiply<float>(operation, a, b, c, m, n, k)) / 1e9;
                    (double share1, double slicePeak1, double sliceRate1) = ShareOfPeak(1, repeat, flops, () => Engine.Multiply<float>(operation, a, b, c, m, n, k));
                    (double shareN, double slicePeakN, double sliceRateN) = ShareOfPeak(threads, repeat, flops, () => Engine.Multiply<float>(operation, a, b, c, m, n, k));
                    report.Line(key, F($"{name,-44} {one,8:F1} GFLOP/s ({100 * share1:F0}% of 1-thread peak: {sliceRate1:F0} of {slicePeak1:F0})   {many,8:F1} GFLOP/s ({threads} threads, {100 * shareN:F0}% of peak: {sliceRateN:F0} of {slicePeakN:F0}, {many / one:F2}x)"),
                        ("m", m), ("n", n), ("k", k), ("gflops_1", one), ("gflops_n", many), ("peak_1", peak1), ("peak_n", peakN),
                        ("share_1", share1), ("share_n", shareN), ("slice_peak_1", slicePeak1), ("slice_peak_n", slicePeakN), ("slice_gflops_1", sliceRate1), ("slice_gflops_n", sliceRateN), ("threads", threads));
                }
            }

            Engine.ThreadCount = threads;
            if (only.Contains("epoch") || only.Contains("inference") || only.Contains("predict"))
            {
                Dataset<float> data = BenchWorkloads.SyntheticImages(rows, seed: 1);
                Network<float> network = BenchWorkloads.FashionNetwork(seed: 2);
                if (only.Contains("epoch"))
                {
                    double epoch = Median(repeat, () => BenchWorkloads.EpochTrainer(network).Fit(data));
                    double gflops = BenchWorkloads.FlopsPerTrainingSample * rows / epoch / 1e9;
                    report.Line("epoch", F($"{$"training epoch 784-128-10, batch 64, {rows} rows",-44} {epoch,8:F3} s/epoch   {rows / epoch,10:F0} samples/s   {gflops:F1} GFLOP/s ({100 * gflops / peakN:F0}% of peak)"),
                        ("seconds", epoch), ("rows", rows), ("samples_per_s", rows / epoch), ("gflops", gflops), ("peak_n", peakN), ("threads", threads));
                }
                if (only.Contains("inference"))
                {
                    int testRows = Math.Min(10000, rows);
                    float[] probabilities = new float[testRows * BenchWorkloads.Classes];
                    double infer = Median(repeat, () => network.Predict(data.Features[..(testRows * BenchWorkloads.Inputs)], testRows, probabilities));
                    double gflops = BenchWorkloads.FlopsPerInferenceSample * testRows / infer / 1e9;
                    report.Line("inference", F($"{$"inference 784-128-10, {testRows} rows in one batch",-44} {infer * 1e3,8:F2} ms        {testRows / infer,10:F0} samples/s   {gflops:F1} GFLOP/s ({100 * gflops / peakN:F0}% of peak)"),
                        ("seconds", infer), ("rows", testRows), ("samples_per_s", testRows / infer), ("gflops", gflops), ("threads", threads));
                }
                if (only.Contains("predict"))
                {
                    Model model = BenchPrediction.FashionModel(network);
                    int testRows = Math.Min(10000, rows);
                    ReadOnlySpan<float> features = data.Features[..(testRows * BenchWorkloads.Inputs)];
                    double one = BenchPrediction.OneRowSeconds(model, features, calls: 2000 * repeat);
                    report.Line("predict1", F($"{"predict one row through Model, 784-128-10",-44} {one * 1e6,8:F2} us (median call)"),
                        ("seconds", one), ("rows", 1), ("threads", threads));
                    float[] probabilities = new float[testRows * BenchWorkloads.Classes];
                    float[] input = features.ToArray();
                    double bulk = Median(repeat, () => model.PredictProbabilities(input, probabilities));
                    report.Line("predict_model", F($"{$"predict {testRows} rows through Model",-44} {bulk * 1e3,8:F2} ms        {testRows / bulk,10:F0} samples/s"),
                        ("seconds", bulk), ("rows", testRows), ("samples_per_s", testRows / bulk), ("threads", threads));
                    double single = BenchPrediction.OneRowThroughput(model, input, 1, 2000 * repeat, 3);
                    double pair = BenchPrediction.OneRowThroughput(model, input, 2, 2000 * repeat, 3);
                    report.Line("predict_concurrent", F($"{"one-row predictions, 1 vs 2 threads, one Model",-44} {single,10:F0} rows/s   {pair,10:F0} rows/s   {pair / single:F2}x"),
                        ("rows_per_s_1", single), ("rows_per_s_2", pair), ("ratio", pair / single));
                }
            }

            if (only.Contains("article"))
            {
                int epochs = BenchWorkloads.ArticleLoop();
                double article = Median(repeat, () => BenchWorkloads.ArticleLoop());
                report.Line("article", F($"{"the article's loop (3-2-3, to loss < 0.01)",-44} {article * 1e6 / epochs,8:F2} us/epoch ({epochs} epochs in {article * 1e3:F2} ms)"),
                    ("seconds", article), ("epochs", epochs), ("us_per_epoch", article * 1e6 / epochs));
            }
        }
        finally
        {
            Engine.ThreadCount = saved;
        }
    }

    // The training matrix: one line per row, the median of `epochs` epochs after a warm-up one.
    private static void RunMatrix(TextWriter output, int threads, int rows, int epochs, BenchMatrix.Config[] configs, bool json)
    {
        int saved = Engine.ThreadCount;
        var report = new Report(output, json);
        try
        {
            Engine.ThreadCount = threads;
            if (!json)
            {
                output.WriteLine(F($"machine: {CpuName()}, {Environment.ProcessorCount} logical processors, {RuntimeInformation.FrameworkDescription}"));
                output.WriteLine(F($"training matrix: {configs.Length} rows, {rows} synthetic rows each, median of {epochs} epochs after one warm-up, {threads} threads"));
                output.WriteLine();
            }
            Dataset<float> data = BenchWorkloads.SyntheticImages(rows, seed: 1);
            foreach (BenchMatrix.Config config in configs)
            {
                double epoch = BenchMatrix.MedianEpoch(config, data, epochs);
                report.Line("matrix", F($"{config.Key,-34} {config.Describe(),-52} {epoch,8:F3} s/epoch   {rows / epoch,10:F0} samples/s"),
                    [("key", config.Key), ("optimizer", config.Optimizer), ("activation", config.Activation.ToString().ToLowerInvariant()), ("hidden", config.Hidden)],
                    ("lr", config.LearningRate), ("batch", config.BatchSize), ("weight_decay", config.WeightDecay), ("seconds", epoch), ("rows", rows),
                    ("samples_per_s", rows / epoch), ("threads", threads));
            }
        }
        finally
        {
            Engine.ThreadCount = saved;
        }
    }

    // Prints a result as a line of text, or as one JSON object per line for scripts (bench/peers/compare.py).
    private sealed class Report(TextWriter output, bool json)
    {
        public void Line(string workload, string text, params (string Key, double Value)[] values) => Line(workload, text, [], values);

        public void Line(string workload, string text, (string Key, string Value)[] labels, params (string Key, double Value)[] values)
        {
            if (!json)
            {
                output.WriteLine(text);
                return;
            }
            var fields = new List<string> { "\"peer\": \"backprop\"", $"\"workload\": \"{workload}\"" };
            fields.AddRange(labels.Select(l => $"\"{l.Key}\": \"{l.Value}\""));
            fields.AddRange(values.Select(v => F($"\"{v.Key}\": {v.Value:R}")));
            output.WriteLine("{" + string.Join(", ", fields) + "}");
        }
    }

    // A product's rate as a share of the FMA peak, measured in alternation: this machine's cores change speed by 10–20 %
    // over seconds (the peak measured 188–215 GFLOP/s on one thread in eight runs a few seconds apart), so a product
    // timed now against a peak timed earlier is off by as much. Each of at least 7 rounds times a 50 ms peak slice (the
    // best of its runs, as the peak line) and then the product (the median of 3 runs), right after each other; the
    // share is the median of the rounds' ratios, the peak and the rate returned the medians of the slices and of the
    // products. The work must have been warmed up (Median does it).
    private static (double Share, double Peak, double Rate) ShareOfPeak(int threads, int repeat, double flops, Action work)
    {
        int rounds = Math.Max(7, repeat);
        var shares = new double[rounds];
        var peaks = new double[rounds];
        var rates = new double[rounds];
        var runs = new double[3];
        for (int round = 0; round < rounds; round++)
        {
            peaks[round] = BenchWorkloads.MeasureFmaPeak(threads, 0.05);
            Engine.ThreadCount = threads;
            for (int run = 0; run < runs.Length; run++)
            {
                long start = Stopwatch.GetTimestamp();
                work();
                runs[run] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            }
            Array.Sort(runs);
            rates[round] = flops / runs[1] / 1e9;
            shares[round] = rates[round] / peaks[round];
        }
        Array.Sort(shares);
        Array.Sort(peaks);
        Array.Sort(rates);
        return (shares[rounds / 2], peaks[rounds / 2], rates[rounds / 2]);
    }

    // Seconds of the median run. Warm-up runs first until the JIT's optimised code is in place: at least 3 calls and
    // 0.5 s, and for short work until 10 consecutive calls are no faster than the best so far (tiering finished).
    // Timed runs then repeat until at least 0.2 s have passed.
    private static double Median(int repeat, Action work)
    {
        var warm = Stopwatch.StartNew();
        int calls = 0;
        int sinceBest = 0;
        double best = double.MaxValue;
        while (calls < 3 || warm.Elapsed.TotalSeconds < 0.5 || (sinceBest < 10 && warm.Elapsed.TotalSeconds < 5))
        {
            long start = Stopwatch.GetTimestamp();
            work();
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            calls++;
            if (seconds < 0.97 * best)
            {
                best = seconds;
                sinceBest = 0;
            }
            else
            {
                sinceBest++;
            }
        }
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (times.Count < repeat || total.Elapsed.TotalSeconds < 0.2)
        {
            long start = Stopwatch.GetTimestamp();
            work();
            times.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    private static float[] Filled(int count)
    {
        // The values do not change the timing; a seeded generator keeps runs alike.
        var random = new Random(count);
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)(random.NextDouble() - 0.5);
        }
        return values;
    }

    private static string CpuName()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
                if (line is not null)
                {
                    return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
        }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
