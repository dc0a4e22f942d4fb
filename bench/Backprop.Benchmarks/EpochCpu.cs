namespace Backprop.Benchmarks;

/// <summary>
/// Trains on the real Fashion-MNIST images (kept as bytes, no rescaling: the CLI's `--scale none`) on one thread and
/// prints each epoch's thread CPU time, so that builds compare on a machine other processes share. Arguments:
/// optimizer (sgd, momentum, nesterov, adam, adamw), hidden sizes (128 or 512,256), activation, batch, epochs; with
/// <c>wall</c>, on every processor, each epoch's wall-clock time and how often the worker pool's straggler rule sent
/// the jobs to the training thread alone during it.
/// </summary>
internal static class EpochCpu
{
    public static void Run(TextWriter output, string[] args)
    {
        string optimizerName = args.Length > 0 ? args[0] : "sgd";
        int[] hidden = args.Length > 1 ? [.. args[1].Split(',').Select(int.Parse)] : [128];
        Activation activation = args.Length > 2 ? Enum.Parse<Activation>(args[2], ignoreCase: true) : Activation.Relu;
        int batch = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 256;
        int epochs = args.Length > 4 ? int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : 4;
        bool wall = args.Contains("wall");
        WorkerPool.ThreadCount = wall ? Environment.ProcessorCount : 1;
        (Dataset<float> data, Network<float> network) = SetUp(hidden, activation);
        IOptimizer<float> optimizer = optimizerName switch
        {
            "sgd" => new Sgd<float>(0.1),
            "momentum" => new Sgd<float>(0.01, 0.9),
            "nesterov" => new Sgd<float>(0.01, 0.9, nesterov: true),
            "adam" => new Adam<float>(0.001),
            "adamw" => new Adam<float>(0.001, weightDecay: 1e-4, decoupledWeightDecay: true),
            _ => throw new ArgumentException($"unknown optimizer {optimizerName}"),
        };
        var trainer = new Trainer<float>(network, optimizer, new TrainingOptions { MaxEpochs = epochs, BatchSize = batch, Shuffle = true, Seed = 1 });
        double Now() => wall ? System.Diagnostics.Stopwatch.GetTimestamp() * 1e6 / System.Diagnostics.Stopwatch.Frequency : ThreadTime.Microseconds();
        double last = Now();
        var times = new List<string>();
        long solo = WorkerPool.SoloPeriods;
        long terms = PackedGemm.StepsSplitByTerms;
        trainer.Fit(data, report =>
        {
            double now = Now();
            times.Add(((now - last) / 1e6).ToString("F4", System.Globalization.CultureInfo.InvariantCulture) + (wall ? $"(solo {WorkerPool.SoloPeriods - solo}, by terms {PackedGemm.StepsSplitByTerms - terms})" : ""));
            solo = WorkerPool.SoloPeriods;
            terms = PackedGemm.StepsSplitByTerms;
            last = now;
        });
        output.WriteLine($"epoch-cpu {optimizerName} {string.Join(',', hidden)} {activation} b{batch}: " + string.Join(" ", times) + (wall ? " s (wall clock)" : " s (thread CPU)"));
    }

    /// <summary>The real Fashion-MNIST training images (kept as bytes) and a 784-hidden-10 network on them, seed 1.</summary>
    internal static (Dataset<float> Data, Network<float> Network) SetUp(int[] hidden, Activation activation)
    {
        Dataset<float> data = FashionMnist.Load<float>("/usr/share/datasets/fashion-mnist").Train;
        int[] widths = [784, .. hidden, 10];
        Activation[] activations = [.. hidden.Select(_ => activation), Activation.Softmax];
        var network = new Network<float>(widths, activations, Loss.CrossEntropy);
        Initializer.Randomize(network, 1);
        return (data, network);
    }
}
