using System.Diagnostics;

namespace Backprop.Benchmarks;

/// <summary>
/// Training steps with δ's zero terms left out of the first layer's ∇W (<see cref="PackedGemm.SkipZeroTerms"/>) and
/// with every term summed, switched batch by batch in one training run on the real Fashion-MNIST images (no
/// rescaling), so that both see the same machine and the same stage of training: the median wall-clock time between
/// two batches' ends, each batch counted for the setting it ran with. The first epoch is left out. Arguments: hidden
/// sizes, batch, epochs, optimizer (sgd, adam, momentum), activation.
/// </summary>
internal static class ZeroTermsProbe
{
    public static void Run(TextWriter output, string[] args)
    {
        int[] hidden = args.Length > 0 ? [.. args[0].Split(',').Select(int.Parse)] : [128];
        int batch = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 64;
        int epochs = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 4;
        string optimizerName = args.Length > 3 ? args[3] : "sgd";
        Activation activation = args.Length > 4 ? Enum.Parse<Activation>(args[4], ignoreCase: true) : Activation.Relu;
        (Dataset<float> data, Network<float> network) = EpochCpu.SetUp(hidden, activation);
        IOptimizer<float> optimizer = optimizerName switch
        {
            "adam" => new Adam<float>(0.001),
            "momentum" => new Sgd<float>(0.01, 0.9),
            _ => new Sgd<float>(0.1),
        };
        var trainer = new Trainer<float>(network, optimizer, new TrainingOptions { MaxEpochs = epochs, BatchSize = batch, Shuffle = true, Seed = 1 });
        int perEpoch = data.Count / batch;
        List<double>[] times = [[], []];
        long last = 0;
        long batches = 0;
        bool saved = PackedGemm.SkipZeroTerms;
        long blocks = PackedGemm.BlocksWithoutZeroTerms;
        try
        {
            PackedGemm.SkipZeroTerms = false;
            trainer.BatchCompletedUsesNetwork = false;
            trainer.BatchCompleted = _ =>
            {
                long now = Stopwatch.GetTimestamp();
                // The time since the last batch ended is this batch's step, which ran with the setting made then.
                if (batches > perEpoch && last != 0)
                {
                    times[PackedGemm.SkipZeroTerms ? 1 : 0].Add(Stopwatch.GetElapsedTime(last, now).TotalMicroseconds);
                }
                last = now;
                batches++;
                PackedGemm.SkipZeroTerms = batches % 2 == 1;
            };
            trainer.Fit(data);
        }
        finally
        {
            PackedGemm.SkipZeroTerms = saved;
        }
        output.WriteLine($"784-{string.Join('-', hidden)}-10 {activation}, {optimizerName}, batch {batch}, {WorkerPool.ThreadCount} threads, µs a step (median of {times[0].Count} and {times[1].Count}):");
        double off = Median(times[0]), on = Median(times[1]);
        output.WriteLine(FormattableString.Invariant($"every term {off:F1}   zero terms left out {on:F1}   ({on / off:F3}×; {PackedGemm.BlocksWithoutZeroTerms - blocks} blocks left them out)"));
    }

    private static double Median(List<double> values)
    {
        List<double> sorted = [.. values.Order()];
        return sorted[sorted.Count / 2];
    }
}
