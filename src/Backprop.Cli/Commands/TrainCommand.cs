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
        var net = new NetworkOptions();
        net.Activation.Description += "; with data the default is relu";
        net.LearningRate.Description = "Learning rate η; with data the default is 0.001 for adam/adamw and 0.01 for sgd/momentum/nesterov";
        net.Seed.Description += "; with data it also seeds the split, shuffles and dropout (default 0)";
        net.Digits.Description = "Decimals when printing parameters";
        var reportEvery = new Option<int>("--report-every") { Description = "Print the loss every N epochs", DefaultValueFactory = _ => ArticleExample.ReportEvery };

        // With data (--dataset or --data):
        var hidden = new Option<string?>("--hidden") { Description = "With data: hidden layer sizes, e.g. 128,64 (inputs and classes come from the data; default 100)" };
        var optimizer = new Option<string?>("--optimizer") { Description = $"With data: {OptimizerNames.Expected()} (default adam)" };
        var momentum = new Option<double>("--momentum") { Description = "With data: momentum μ of momentum and nesterov", DefaultValueFactory = _ => 0.9 };
        var weightDecay = new Option<double?>("--weight-decay") { Description = "With data: weight decay λ as in PyTorch: λθ added to the gradient of every weight and bias (decoupled θ ← θ − ηλθ for adamw; default 1e-4). scikit-learn's alpha is λ = alpha / batch size on weights only" };
        var schedule = new Option<string?>("--schedule") { Description = "With data: learning-rate schedule: constant, step:EVERY:GAMMA, cosine[:MIN], plateau[:PATIENCE:FACTOR]" };
        var batchSize = new Option<int?>("--batch-size") { Description = "With data: rows per mini-batch (default 32)" };
        var epochs = new Option<int?>("--epochs") { Description = "With data: passes over the training rows (default 200)" };
        var dropout = new Option<double>("--dropout") { Description = "With data: dropout rate on hidden layers during training, e.g. 0.2" };
        var batchNorm = new Option<bool>("--batch-norm") { Description = "With data: batch normalisation after each hidden layer's activation (running statistics are saved in the model)" };
        var classWeights = new Option<string>("--class-weights") { Description = "With data: none or balanced (n / (classes × class count))", DefaultValueFactory = _ => "none" };
        var patience = new Option<int?>("--patience") { Description = "With data: early stopping after this many epochs without a better validation loss; restores the best weights" };
        var outPath = new Option<string?>("--out") { Description = "With data: write the trained model here (.json)" };
        var metrics = new Option<string?>("--metrics") { Description = "With data: per-epoch metrics CSV (default: beside --out, MODEL.metrics.csv)" };
        var quiet = new Option<bool>("--quiet") { Description = "With data: print only the test metrics" };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "With data: write a checkpoint every N epochs" };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "With data: the checkpoint file (default: beside --out, MODEL.checkpoint.json)" };
        var resume = new Option<string?>("--resume") { Description = "With data: continue from this checkpoint (same data, options and seed)" };
        var initModel = new Option<string?>("--init-model") { Description = "With data: fine-tune this model (.json, or one written by 'backprop import'): its layers, weights, columns, classes and scaler are the start" };
        var plot = new Option<string?>("--plot") { Description = "With data: write pictures (SVG) into this folder: loss and accuracy per epoch, decision boundary (two features), confusion matrix" };
        var report = new Option<string?>("--report") { Description = "With data: write one self-contained HTML page (.html) with the model summary, the pictures and the metrics" };
        var cv = new Option<int?>("--cv") { Description = "With data: first score these settings by K-fold cross-validation on the training rows (stratified for classes; the task's metrics per fold and their mean ± sd), then train the model as usual" };
        var decisionThreshold = new Option<double?>("--decision-threshold") { Description = "With multi-label data: a label is predicted when its probability is above this (default 0.5; stored in the model)" };
        var dataOptions = new DataOptions { Diagnostics = io.Error, ForTraining = true };

        var command = new Command("train", "Train a network. With no options: the article's 3-2-3 network on its one sample, until the loss is below 0.01. With --dataset or --data: a classifier, regressor or multi-label classifier on that data (--task).")
        {
        };
        net.AddTo(command);
        Option[] dataTrainingOptions =
        [
            reportEvery, hidden, optimizer, momentum, weightDecay, schedule, batchSize, epochs, dropout, batchNorm, classWeights, patience, outPath, metrics, quiet,
            checkpointEvery, checkpoint, resume, initModel, plot, report, cv, decisionThreshold,
        ];
        foreach (Option option in dataTrainingOptions)
        {
            command.Options.Add(option);
        }
        dataOptions.AddTo(command);
        Option[] sampleOnly = [net.OutputActivation, net.Threshold, reportEvery, net.Weights, net.Input, net.Target, net.Digits];
        Option[] dataOnly = [hidden, optimizer, momentum, weightDecay, schedule, batchSize, epochs, dropout, batchNorm, classWeights, patience, outPath, metrics, quiet, checkpointEvery, checkpoint, resume, initModel, plot, report, cv, decisionThreshold, dataOptions.Task];
        command.SetAction(parse =>
        {
            bool Given(Option option) => NetworkOptions.Given(parse, option);
            if (dataOptions.IsGiven(parse))
            {
                if (sampleOnly.FirstOrDefault(Given) is Option sampleOption)
                {
                    throw new UsageException($"{sampleOption.Name} applies to one-sample training, not to --dataset/--data");
                }
                if (Given(net.Loss))
                {
                    OptionValues.Loss("--loss", parse.GetValue(net.Loss)!); // a known loss; whether it fits the task is checked with the data
                }
                if (Given(net.MaxEpochs) && Given(epochs))
                {
                    throw new UsageException("--max-epochs and --epochs both set the number of epochs; give one of them");
                }
                if (parse.GetValue(initModel) is string model
                    && new Option[] { hidden, net.Layers, net.Activation, dataOptions.Scale }.FirstOrDefault(Given) is Option fixedByModel)
                {
                    throw new UsageException($"{fixedByModel.Name} contradicts --init-model {model}: the layers, activations and scaling come from the model it fine-tunes");
                }
                var dataSettings = new DataTrainingSettings(
                    Layers: parse.GetValue(net.Layers),
                    Hidden: parse.GetValue(hidden),
                    Activation: Given(net.Activation) ? parse.GetValue(net.Activation) : null,
                    Optimizer: parse.GetValue(optimizer),
                    LearningRate: Given(net.LearningRate) ? parse.GetValue(net.LearningRate) : null,
                    Momentum: parse.GetValue(momentum),
                    WeightDecay: parse.GetValue(weightDecay),
                    Schedule: parse.GetValue(schedule),
                    BatchSize: parse.GetValue(batchSize),
                    Epochs: parse.GetValue(epochs) ?? (Given(net.MaxEpochs) ? parse.GetValue(net.MaxEpochs) : null),
                    Dropout: parse.GetValue(dropout),
                    ClassWeights: parse.GetValue(classWeights)!,
                    Patience: parse.GetValue(patience),
                    Seed: parse.GetValue(net.Seed) ?? 0,
                    Threshold: null,
                    Out: parse.GetValue(outPath),
                    Metrics: parse.GetValue(metrics),
                    Quiet: parse.GetValue(quiet),
                    CheckpointEvery: parse.GetValue(checkpointEvery),
                    Checkpoint: parse.GetValue(checkpoint),
                    Resume: parse.GetValue(resume),
                    Plot: parse.GetValue(plot),
                    Report: parse.GetValue(report),
                    InitModel: parse.GetValue(initModel),
                    BatchNorm: parse.GetValue(batchNorm),
                    CrossValidation: parse.GetValue(cv),
                    Loss: Given(net.Loss) ? parse.GetValue(net.Loss) : null,
                    DecisionThreshold: ModelData.Threshold(parse.GetValue(decisionThreshold)));
                return DataTraining.Run(parse, dataOptions, dataSettings, io);
            }
            if (dataOnly.FirstOrDefault(Given) is Option dataOption)
            {
                throw new UsageException($"{dataOption.Name} applies to training on data; add --dataset NAME or --data FILE");
            }

            SampleSettings settings = net.Read(parse, parse.GetValue(reportEvery));
            return SampleTraining.Run(settings, io);
        });
        return command;
    }
}
