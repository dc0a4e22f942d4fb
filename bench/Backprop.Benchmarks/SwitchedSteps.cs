using System.Diagnostics;

namespace Backprop.Benchmarks;

/// <summary>
/// One training run on the real Fashion-MNIST images (no rescaling) with a setting switched off and on in turns, so that
/// both see the same machine and the same stage of training: the median wall-clock time between two batches' ends,
/// for each setting. The setting changes every <c>period</c> batches, and only the last batch of each period is
/// counted (with a period of 2, its forward pass also ran as its own setting left it). The first epoch is left out.
/// Arguments: hidden sizes, batch, epochs, optimizer (sgd, adam, adamw, momentum), activation.
/// </summary>
internal static class SwitchedSteps
{
    public static (double Off, double On, Network<float> Network, string Title) Measure(
        string[] args, int[] defaultHidden, Func<bool> get, Action<bool> set, int period)
    {
        int[] hidden = args.Length > 0 ? [.. args[0].Split(',').Select(int.Parse)] : defaultHidden;
        int batch = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 64;
        int epochs = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 4;
        string optimizerName = args.Length > 3 ? args[3] : "sgd";
        Activation activation = args.Length > 4 ? Enum.Parse<Activation>(args[4], ignoreCase: true) : Activation.Relu;
        (Dataset<float> data, Network<float> network) = EpochCpu.SetUp(hidden, activation);
        IOptimizer<float> optimizer = optimizerName switch
        {
            "adam" => new Adam<float>(0.001),
            "adamw" => new Adam<float>(0.001, weightDecay: 1e-4, decoupledWeightDecay: true),
            "momentum" => new Sgd<float>(0.01, 0.9),
            _ => new Sgd<float>(0.1),
        };
        var trainer = new Trainer<float>(network, optimizer, new TrainingOptions { MaxEpochs = epochs, BatchSize = batch, Shuffle = true, Seed = 1 });
        int perEpoch = data.Count / batch;
        List<double>[] times = [[], []];
        long last = 0;
        long batches = 0;
        bool saved = get();
        try
        {
            set(false);
            trainer.BatchCompletedUsesNetwork = false;
            trainer.BatchCompleted = _ =>
            {
                long now = Stopwatch.GetTimestamp();
                // The batch that just ended ran with the setting made when the one before it ended.
                if (batches > perEpoch && last != 0 && batches % period == period - 1)
                {
                    times[get() ? 1 : 0].Add(Stopwatch.GetElapsedTime(last, now).TotalMicroseconds);
                }
                last = now;
                batches++;
                set(batches / period % 2 == 1);
            };
            trainer.Fit(data);
        }
        finally
        {
            set(saved);
        }
        string title = $"784-{string.Join('-', hidden)}-10 {activation}, {optimizerName}, batch {batch}, {WorkerPool.ThreadCount} threads, µs a step (median of {times[0].Count} and {times[1].Count})";
        return (Median(times[0]), Median(times[1]), network, title);
    }

    private static double Median(List<double> values)
    {
        List<double> sorted = [.. values.Order()];
        return sorted[sorted.Count / 2];
    }
}
