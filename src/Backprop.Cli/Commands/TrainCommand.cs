using System.CommandLine;
using System.Globalization;

namespace Backprop.Cli.Commands;

/// <summary>
/// `backprop train`: with no options, trains the article's 3-2-3 network on its one sample and prints what the
/// article's program prints; every option changes one part of that set-up. With --dataset or --data it trains a
/// float32 classifier on the data (<see cref="DataTraining"/>).
/// </summary>
internal static class TrainCommand
{
    public static Command Create(CliIO io)
    {
        var layers = new Option<string?>("--layers") { Description = "Layer sizes, input first, e.g. 3,2,3 (default: the article's 3,2,3)" };
        var activation = new Option<string>("--activation") { Description = "Hidden activation: sigmoid, tanh, relu, leaky-relu or identity; one, or one per hidden layer (comma-separated); with data the default is relu", DefaultValueFactory = _ => "sigmoid" };
        var outputActivation = new Option<string?>("--output-activation") { Description = "Output activation with --loss mse (default: the hidden activation); cross-entropy always uses softmax" };
        var loss = new Option<string>("--loss") { Description = "cross-entropy (softmax output) or mse (mean over outputs and batch)", DefaultValueFactory = _ => "cross-entropy" };
        var lr = new Option<double>("--lr") { Description = "Learning rate η; with data the default is 0.001 for adam/adamw and 0.01 for sgd/momentum/nesterov", DefaultValueFactory = _ => ArticleExample.LearningRate };
        var threshold = new Option<double>("--threshold") { Description = "Stop when the loss is below this value (0: never)", DefaultValueFactory = _ => ArticleExample.LossThreshold };
        var maxEpochs = new Option<int>("--max-epochs") { Description = "Stop after this many epochs", DefaultValueFactory = _ => ArticleExample.MaxEpochs };
        var reportEvery = new Option<int>("--report-every") { Description = "Print the loss every N epochs", DefaultValueFactory = _ => ArticleExample.ReportEvery };
        var seed = new Option<long?>("--seed") { Description = "Random initial parameters with this seed (Xavier for sigmoid/tanh, He for ReLU) instead of the article's values; with data it also seeds the split, shuffles and dropout (default 0)" };
        var weights = new Option<string?>("--weights") { Description = "JSON file of initial parameters: {\"W1\": [[…]], \"b1\": […], …}" };
        var input = new Option<string?>("--input") { Description = "One input sample, comma-separated (default: the article's 1,1,1)" };
        var target = new Option<string?>("--target") { Description = "Its target: a class index (from 0) or a vector, comma-separated (default: class 0)" };
        var digits = new Option<int>("--digits") { Description = "Decimals when printing parameters", DefaultValueFactory = _ => 8 };

        // With data (--dataset or --data):
        var hidden = new Option<string?>("--hidden") { Description = "With data: hidden layer sizes, e.g. 128,64 (inputs and classes come from the data; default 100)" };
        var optimizer = new Option<string?>("--optimizer") { Description = "With data: sgd, momentum, nesterov, adam or adamw (default adam)" };
        var momentum = new Option<double>("--momentum") { Description = "With data: momentum μ of momentum and nesterov", DefaultValueFactory = _ => 0.9 };
        var weightDecay = new Option<double?>("--weight-decay") { Description = "With data: L2 weight decay λ (decoupled for adamw; default 1e-4)" };
        var schedule = new Option<string?>("--schedule") { Description = "With data: learning-rate schedule: constant, step:EVERY:GAMMA, cosine[:MIN], plateau[:PATIENCE:FACTOR]" };
        var batchSize = new Option<int?>("--batch-size") { Description = "With data: rows per mini-batch (default 32)" };
        var epochs = new Option<int?>("--epochs") { Description = "With data: passes over the training rows (default 200)" };
        var dropout = new Option<double>("--dropout") { Description = "With data: dropout rate on hidden layers during training, e.g. 0.2" };
        var classWeights = new Option<string>("--class-weights") { Description = "With data: none or balanced (n / (classes × class count))", DefaultValueFactory = _ => "none" };
        var patience = new Option<int?>("--patience") { Description = "With data: early stopping after this many epochs without a better validation loss; restores the best weights" };
        var outPath = new Option<string?>("--out") { Description = "With data: write the trained model here (.json)" };
        var metrics = new Option<string?>("--metrics") { Description = "With data: per-epoch metrics CSV (default: beside --out, MODEL.metrics.csv)" };
        var quiet = new Option<bool>("--quiet") { Description = "With data: print only the test metrics" };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "With data: write a checkpoint every N epochs" };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "With data: the checkpoint file (default: beside --out, MODEL.checkpoint.json)" };
        var resume = new Option<string?>("--resume") { Description = "With data: continue from this checkpoint (same data, options and seed)" };
        var dataOptions = new DataOptions();

        var command = new Command("train", "Train a network. With no options: the article's 3-2-3 network on its one sample, until the loss is below 0.01. With --dataset or --data: a classifier on that data.")
        {
            layers, activation, outputActivation, loss, lr, threshold, maxEpochs, reportEvery, seed, weights, input, target, digits,
            hidden, optimizer, momentum, weightDecay, schedule, batchSize, epochs, dropout, classWeights, patience, outPath, metrics, quiet,
            checkpointEvery, checkpoint, resume,
        };
        dataOptions.AddTo(command);
        Option[] sampleOnly = [outputActivation, threshold, reportEvery, weights, input, target, digits];
        Option[] dataOnly = [hidden, optimizer, momentum, weightDecay, schedule, batchSize, epochs, dropout, classWeights, patience, outPath, metrics, quiet, checkpointEvery, checkpoint, resume];
        command.SetAction(parse =>
        {
            bool Given(Option option) => parse.GetResult(option) is { Implicit: false };
            if (dataOptions.IsGiven(parse))
            {
                if (sampleOnly.FirstOrDefault(Given) is Option sampleOption)
                {
                    throw new UsageException($"{sampleOption.Name} applies to one-sample training, not to --dataset/--data");
                }
                if (Given(loss) && OptionValues.Loss("--loss", parse.GetValue(loss)!) != Backprop.Loss.CrossEntropy)
                {
                    throw new UsageException("--loss: training on data uses cross-entropy (a softmax classifier)");
                }
                if (Given(maxEpochs) && Given(epochs))
                {
                    throw new UsageException("--max-epochs and --epochs both set the number of epochs; give one of them");
                }
                var dataSettings = new DataTrainingSettings(
                    Layers: parse.GetValue(layers),
                    Hidden: parse.GetValue(hidden),
                    Activation: Given(activation) ? parse.GetValue(activation) : null,
                    Optimizer: parse.GetValue(optimizer),
                    LearningRate: Given(lr) ? parse.GetValue(lr) : null,
                    Momentum: parse.GetValue(momentum),
                    WeightDecay: parse.GetValue(weightDecay),
                    Schedule: parse.GetValue(schedule),
                    BatchSize: parse.GetValue(batchSize),
                    Epochs: parse.GetValue(epochs) ?? (Given(maxEpochs) ? parse.GetValue(maxEpochs) : null),
                    Dropout: parse.GetValue(dropout),
                    ClassWeights: parse.GetValue(classWeights)!,
                    Patience: parse.GetValue(patience),
                    Seed: parse.GetValue(seed) ?? 0,
                    Threshold: null,
                    Out: parse.GetValue(outPath),
                    Metrics: parse.GetValue(metrics),
                    Quiet: parse.GetValue(quiet),
                    CheckpointEvery: parse.GetValue(checkpointEvery),
                    Checkpoint: parse.GetValue(checkpoint),
                    Resume: parse.GetValue(resume));
                return DataTraining.Run(parse, dataOptions, dataSettings, io);
            }
            if (dataOnly.FirstOrDefault(Given) is Option dataOption)
            {
                throw new UsageException($"{dataOption.Name} applies to training on data; add --dataset NAME or --data FILE");
            }

            var settings = new SampleSettings(
                Layers: parse.GetValue(layers),
                Activation: parse.GetValue(activation)!,
                OutputActivation: parse.GetValue(outputActivation),
                Loss: parse.GetValue(loss)!,
                LearningRate: parse.GetValue(lr),
                Threshold: parse.GetValue(threshold),
                MaxEpochs: parse.GetValue(maxEpochs),
                ReportEvery: parse.GetValue(reportEvery),
                Seed: parse.GetValue(seed),
                Weights: parse.GetValue(weights),
                Input: parse.GetValue(input),
                Target: parse.GetValue(target),
                Digits: parse.GetValue(digits));
            return SampleTraining.Run(settings, io);
        });
        return command;
    }
}
