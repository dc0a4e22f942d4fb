using System.CommandLine;
using System.Globalization;
using Backprop.Cli.Plots;

namespace Backprop.Cli.Commands;

/// <summary>
/// `backprop lr-find`: the learning-rate range test (<see cref="LearningRateFinder"/>) on a network built from the
/// data and the options as `train` builds it, for the data's task (classification, regression or multi-label) with the
/// task's own loss (cross-entropy; mean squared error or Huber on the standardised targets; binary cross-entropy): the
/// rate grows exponentially from --start-lr to --end-lr over --steps mini-batches, the table shows each step's rate,
/// loss and smoothed loss, and the suggested rate is where the smoothed loss falls fastest. --plot FILE.svg draws the smoothed loss against the rate (log scale).
/// </summary>
internal static class LrFindCommand
{
    public static Command Create(CliIO io)
    {
        var dataOptions = new DataOptions { Diagnostics = io.Error, ForTraining = true };
        var hidden = new Option<string?>("--hidden") { Description = "Hidden layer sizes, e.g. 128,64 (default 100)" };
        var activation = new Option<string?>("--activation") { Description = "Hidden activation (default relu)" };
        var optimizer = new Option<string?>("--optimizer") { Description = $"{OptimizerNames.Expected()} (default adam)" };
        var momentum = new Option<double>("--momentum") { Description = "Momentum μ of momentum and nesterov", DefaultValueFactory = _ => 0.9 };
        var weightDecay = new Option<double?>("--weight-decay") { Description = "Weight decay λ (default 1e-4)" };
        var batchSize = new Option<int?>("--batch-size") { Description = "Rows per mini-batch (default 32)" };
        var dropout = new Option<double>("--dropout") { Description = "Dropout rate on hidden layers" };
        var batchNorm = new Option<bool>("--batch-norm") { Description = "Batch normalisation after each hidden layer" };
        var classWeights = new Option<string>("--class-weights") { Description = "none or balanced", DefaultValueFactory = _ => "none" };
        var loss = new Option<string?>("--loss") { Description = "Regression: mse or huber[:δ] (default mse)" };
        var seed = new Option<long>("--seed") { Description = "Seed of the split, the weights, the shuffles and dropout", DefaultValueFactory = _ => 0 };
        var startLr = new Option<double>("--start-lr") { Description = "The first step's learning rate", DefaultValueFactory = _ => 1e-7 };
        var endLr = new Option<double>("--end-lr") { Description = "The last step's learning rate", DefaultValueFactory = _ => 10 };
        var steps = new Option<int>("--steps") { Description = "Mini-batches in the sweep (a small set is passed over several times, reshuffled)", DefaultValueFactory = _ => 100 };
        var plot = new Option<string?>("--plot") { Description = "Draw the smoothed loss against the learning rate into this SVG file" };

        var command = new Command("lr-find", "Find a learning rate: train with a rate growing exponentially from --start-lr to --end-lr, print the loss per step, and suggest the rate where the loss falls fastest.");
        foreach (Option option in new Option[] { hidden, activation, optimizer, momentum, weightDecay, batchSize, dropout, batchNorm, classWeights, loss, seed, startLr, endLr, steps, plot })
        {
            command.Options.Add(option);
        }
        dataOptions.AddTo(command);
        command.SetAction(parse =>
        {
            if (!dataOptions.IsGiven(parse))
            {
                throw new UsageException("lr-find needs data: add --dataset NAME or --data FILE");
            }
            var settings = new DataTrainingSettings(
                Layers: null, Hidden: parse.GetValue(hidden), Activation: parse.GetValue(activation), Optimizer: parse.GetValue(optimizer), LearningRate: null,
                Momentum: parse.GetValue(momentum), WeightDecay: parse.GetValue(weightDecay), Schedule: null, BatchSize: parse.GetValue(batchSize),
                Epochs: null, Dropout: parse.GetValue(dropout), ClassWeights: parse.GetValue(classWeights)!, Patience: null, Seed: parse.GetValue(seed),
                Threshold: null, Out: null, Metrics: null, Quiet: true, CheckpointEvery: 0, Checkpoint: null, Resume: null, BatchNorm: parse.GetValue(batchNorm),
                Loss: parse.GetValue(loss));
            ClassifierOptions options = DataTraining.BuildOptions(settings);
            if (settings.Loss is string lossText)
            {
                OptionValues.Loss("--loss", lossText); // a known loss; whether it fits the task is checked with the data
            }
            NetworkSize.CheckHidden(options.HiddenLayers);
            double start = parse.GetValue(startLr);
            double end = parse.GetValue(endLr);
            OptionValues.Positive("--start-lr", start);
            OptionValues.Positive("--end-lr", end);
            if (!(end > start))
            {
                throw new UsageException($"--end-lr {Rate(end)} must be above --start-lr {Rate(start)}");
            }
            int stepCount = parse.GetValue(steps);
            OptionValues.AtLeast("--steps", stepCount, 5);
            string? plotPath = parse.GetValue(plot);
            if (plotPath is not null)
            {
                CheckPlot(plotPath, parse.GetValue(dataOptions.Data));
            }

            // A regression's training targets come standardised (as train trains on them), so its loss is in standard deviations.
            LoadedData data = dataOptions.LoadForTraining(parse, options.Seed, quiet: true);
            options = DataTraining.TaskOptions(options, settings, data.Train.Task) with { Scaling = data.Scaler.Kind };
            var run = new ClassifierRun(options, data.Train);
            string lossName = LossText(run.Network.Loss);
            io.Out.WriteLine($"Data: {data.Description}");
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Sweep: {run.Describe()["optimizer"]}, {lossName}, η from {Rate(start)} to {Rate(end)} over {stepCount} batches of {Math.Min(options.BatchSize, data.Train.Count)} rows (seed {options.Seed}); the run stops when the smoothed loss passes 4 × its minimum."));
            io.Out.WriteLine();
            var sweepOptions = new LearningRateSweepOptions { StartRate = start, EndRate = end, Steps = stepCount, BatchSize = options.BatchSize, Seed = options.Seed };
            using var interruption = new Interruption();
            LearningRateSweep sweep = LearningRateFinder.Run(run.Network, run.Trainer.Optimizer, data.Train, sweepOptions, null, interruption.Token);
            io.Out.Write(Table(sweep));
            io.Out.WriteLine();
            if (interruption.ExitCode != Cli.Ok)
            {
                io.Out.WriteLine($"Interrupted after step {sweep.Steps.Count}.");
            }
            else if (sweep.Diverged)
            {
                io.Out.WriteLine($"Stopped after step {sweep.Steps.Count}: the loss blew up.");
            }
            io.Out.WriteLine(sweep.SuggestedStep is int s
                ? string.Create(CultureInfo.InvariantCulture, $"Suggested learning rate: {Rate(sweep.SuggestedRate!.Value)} (step {s}, where the smoothed loss falls fastest). Try: --lr {Rate(sweep.SuggestedRate!.Value)}")
                : "No suggestion: the smoothed loss never fell; try a larger --end-lr or more --steps.");
            if (plotPath is not null)
            {
                byte[] bytes = new System.Text.UTF8Encoding(false).GetBytes(Chart(sweep, lossName));
                Backprop.Serialization.AtomicFile.Write(plotPath, stream => stream.Write(bytes));
                io.Out.WriteLine($"Saved the picture to {plotPath}");
            }
            return interruption.ExitCode;
        });
        return command;
    }

    /// <summary>step, learning rate, loss and smoothed loss, one row per step.</summary>
    internal static string Table(LearningRateSweep sweep)
    {
        return TextTable.Format(["step", "lr", "loss", "smoothed"], sweep.Steps.Select(s => (IReadOnlyList<string>)[
            s.Step.ToString(CultureInfo.InvariantCulture),
            s.LearningRate.ToString("0.000e+00", CultureInfo.InvariantCulture),
            s.Loss.ToString("F4", CultureInfo.InvariantCulture),
            s.SmoothedLoss.ToString("F4", CultureInfo.InvariantCulture) + (s.Step == sweep.SuggestedStep ? "  <- suggested" : ""),
        ]));
    }

    /// <summary>The loss as the sweep line and the picture name it: "cross-entropy loss", "mse on the standardised targets", ….</summary>
    internal static string LossText(Loss loss) => loss switch
    {
        SoftmaxCrossEntropy => "cross-entropy loss",
        MeanSquaredError => "mse on the standardised targets",
        Huber huber => string.Create(CultureInfo.InvariantCulture, $"huber (δ = {huber.Threshold:R}) on the standardised targets"),
        SigmoidBinaryCrossEntropy => "binary cross-entropy loss",
        _ => loss.Name + " loss",
    };

    /// <summary>
    /// The batch and smoothed losses against log10 η (ticks at powers of ten), with the suggested rate marked. The batch
    /// losses of the last steps can be far above the rest: they are drawn at the top of a scale set by the smoothed curve.
    /// </summary>
    /// <param name="sweep">The sweep.</param>
    /// <param name="lossName">The y axis's label (<see cref="LossText"/>).</param>
    internal static string Chart(LearningRateSweep sweep, string lossName)
    {
        double top = 1.25 * sweep.Steps.Select(s => s.SmoothedLoss).DefaultIfEmpty(1).Max();
        return new LineChart
        {
            Title = "Learning-rate range test",
            XLabel = "learning rate (log scale)",
            YLabel = lossName,
            Series =
            [
                new LineSeries("loss", [.. sweep.Steps.Select(s => (Math.Log10(s.LearningRate), Math.Min(s.Loss, top)))], PlotColors.Class(1), "4 3"),
                new LineSeries("smoothed loss", [.. sweep.Steps.Select(s => (Math.Log10(s.LearningRate), s.SmoothedLoss))], PlotColors.Class(0)),
            ],
            XFromData = true,
            XTickLabel = v => v == 0 ? "1" : string.Create(CultureInfo.InvariantCulture, $"1e{v:0}"),
            YFromZero = true,
            Marker = sweep.SuggestedRate is double rate ? (Math.Log10(rate), string.Create(CultureInfo.InvariantCulture, $"suggested η = {Rate(rate)}")) : null,
        }.Render();
    }

    // 0.0215, but 1e-7 rather than 1E-07.
    private static string Rate(double value) => value.ToString(value >= 1e-3 && value < 1e4 ? "G3" : "0.##e+0", CultureInfo.InvariantCulture);

    private static void CheckPlot(string path, string? data)
    {
        if (!Path.GetExtension(path).Equals(".svg", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"--plot {path}: the picture is SVG; give a file name ending in .svg");
        }
        if (Directory.Exists(path))
        {
            throw new UsageException($"--plot {path}: this is a folder; give a file name ending in .svg");
        }
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null && !Directory.Exists(directory))
        {
            throw new UsageException($"--plot {path}: the directory {directory} does not exist");
        }
        new OutputFiles().Input("--data", data).Output("--plot", path).Check();
    }
}
