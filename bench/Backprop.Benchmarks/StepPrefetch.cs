using System.Diagnostics;

namespace Backprop.Benchmarks;

/// <summary>
/// The fused SGD step with and without one of its switches, alternating epoch by epoch in one training run on the real
/// Fashion-MNIST images (ReLU, SGD 0.1, no rescaling), so that both see the same machine: asking ahead for W and ∇W on
/// large layers (<see cref="PackedGemm.AskAheadForLargeSteps"/>, the default), or with <c>stream</c> writing ∇W of large
/// layers past the caches (<see cref="PackedGemm.StreamStepGradients"/>), or with <c>terms</c> splitting the first layer's
/// paired job by terms wherever it applies (<see cref="PackedGemm.SplitForwardByK"/>, the timed choice off), or with
/// <c>zero</c> leaving δ's zero terms out of the paired job's ∇W (<see cref="PackedGemm.SkipZeroTerms"/>). One thread:
/// each epoch's thread CPU time; more: wall clock. The first epoch is left out. Arguments: hidden sizes, batch, epochs,
/// threads, switch, optimizer (sgd, adam).
/// </summary>
internal static class StepPrefetch
{
    public static void Run(TextWriter output, string[] args)
    {
        int[] hidden = args.Length > 0 ? [.. args[0].Split(',').Select(int.Parse)] : [512, 256];
        int batch = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 64;
        int epochs = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 9;
        WorkerPool.ThreadCount = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 1;
        (Dataset<float> data, Network<float> network) = EpochCpu.SetUp(hidden, args.Length > 6 ? Enum.Parse<Activation>(args[6], ignoreCase: true) : Activation.Relu);
        IOptimizer<float> optimizer = args.Length > 5 && args[5] == "adam" ? new Adam<float>(0.001) : new Sgd<float>(0.1);
        var trainer = new Trainer<float>(network, optimizer, new TrainingOptions { MaxEpochs = epochs, BatchSize = batch, Shuffle = true, Seed = 1 });
        bool oneThread = WorkerPool.ThreadCount == 1;
        double cpu = ThreadTime.Microseconds();
        long wall = Stopwatch.GetTimestamp();
        List<double>[] times = [[], []];
        int epoch = 0;
        string name = args.Length > 4 ? args[4] : "ask";
        bool stream = name == "stream";
        (Func<bool> get, Action<bool> set) = name switch
        {
            "stream" => ((Func<bool>)(() => PackedGemm.StreamStepGradients), (Action<bool>)(v => PackedGemm.StreamStepGradients = v)),
            "terms" => (() => PackedGemm.SplitForwardByK, v => PackedGemm.SplitForwardByK = v),
            "zero" => (() => PackedGemm.SkipZeroTerms, v => PackedGemm.SkipZeroTerms = v),
            _ => (() => PackedGemm.AskAheadForLargeSteps, v => PackedGemm.AskAheadForLargeSteps = v),
        };
        bool saved = get();
        bool savedChoice = PackedGemm.ChooseSplitByTime;
        PackedGemm.ChooseSplitByTime = name != "terms"; // terms: the split by terms wherever it applies, or never
        try
        {
            set(false);
            trainer.Fit(data, report =>
            {
                double nowCpu = ThreadTime.Microseconds();
                long nowWall = Stopwatch.GetTimestamp();
                if (epoch > 0)
                {
                    times[get() ? 1 : 0].Add(oneThread ? (nowCpu - cpu) / 1e6 : Stopwatch.GetElapsedTime(wall, nowWall).TotalSeconds);
                }
                (cpu, wall) = (nowCpu, nowWall);
                epoch++;
                set(epoch % 2 == 1);
            });
        }
        finally
        {
            set(saved);
            PackedGemm.ChooseSplitByTime = savedChoice;
        }
        output.WriteLine($"784-{string.Join('-', hidden)}-10, batch {batch}, {WorkerPool.ThreadCount} thread(s), s an epoch ({(oneThread ? "thread CPU" : "wall clock")}):");
        foreach (int asked in (int[])[0, 1])
        {
            List<double> sorted = [.. times[asked].Order()];
            string values = string.Join(" ", times[asked].Select(t => t.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)));
            output.WriteLine(FormattableString.Invariant($"{$"{name} {(asked == 1 ? "on" : "off")}",-14} median {sorted[sorted.Count / 2]:F3}   [{values}]"));
        }
    }
}
