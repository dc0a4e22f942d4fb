using System.CommandLine;
using System.Globalization;

namespace Backprop.Cli.Commands;

/// <summary>
/// `backprop train`: with no options, trains the article's 3-2-3 network on its one sample and prints what the
/// article's program prints; every option changes one part of that set-up.
/// </summary>
internal static class TrainCommand
{
    public static Command Create(CliIO io)
    {
        var layers = new Option<string?>("--layers") { Description = "Layer sizes, input first, e.g. 3,2,3 (default: the article's 3,2,3)" };
        var activation = new Option<string>("--activation") { Description = "Hidden activation: sigmoid, tanh, relu, leaky-relu or identity; one, or one per hidden layer (comma-separated)", DefaultValueFactory = _ => "sigmoid" };
        var outputActivation = new Option<string?>("--output-activation") { Description = "Output activation with --loss mse (default: the hidden activation); cross-entropy always uses softmax" };
        var loss = new Option<string>("--loss") { Description = "cross-entropy (softmax output) or mse (mean over outputs and batch)", DefaultValueFactory = _ => "cross-entropy" };
        var lr = new Option<double>("--lr") { Description = "Learning rate η", DefaultValueFactory = _ => ArticleExample.LearningRate };
        var threshold = new Option<double>("--threshold") { Description = "Stop when the loss is below this value (0: never)", DefaultValueFactory = _ => ArticleExample.LossThreshold };
        var maxEpochs = new Option<int>("--max-epochs") { Description = "Stop after this many epochs", DefaultValueFactory = _ => ArticleExample.MaxEpochs };
        var reportEvery = new Option<int>("--report-every") { Description = "Print the loss every N epochs", DefaultValueFactory = _ => ArticleExample.ReportEvery };
        var seed = new Option<long?>("--seed") { Description = "Random initial parameters with this seed (Xavier for sigmoid/tanh, He for ReLU) instead of the article's values" };
        var weights = new Option<string?>("--weights") { Description = "JSON file of initial parameters: {\"W1\": [[…]], \"b1\": […], …}" };
        var input = new Option<string?>("--input") { Description = "One input sample, comma-separated (default: the article's 1,1,1)" };
        var target = new Option<string?>("--target") { Description = "Its target: a class index (from 0) or a vector, comma-separated (default: class 0)" };
        var digits = new Option<int>("--digits") { Description = "Decimals when printing parameters", DefaultValueFactory = _ => 8 };

        var command = new Command("train", "Train a network. With no options: the article's 3-2-3 network on its one sample, until the loss is below 0.01.")
        {
            layers, activation, outputActivation, loss, lr, threshold, maxEpochs, reportEvery, seed, weights, input, target, digits,
        };
        command.SetAction(parse =>
        {
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
