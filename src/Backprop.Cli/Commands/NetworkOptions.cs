using System.CommandLine;

namespace Backprop.Cli.Commands;

/// <summary>
/// The options that define a network and its one-sample set-up (--layers, --activation, --loss, --lr, --seed,
/// --weights, --input, --target, …), shared by `train` and `explain` so both build the same network from the same
/// words. A command may sharpen a description for its own use.
/// </summary>
internal sealed class NetworkOptions
{
    public Option<string?> Layers { get; } = new("--layers") { Description = "Layer sizes, input first, e.g. 3,2,3 (default: the article's 3,2,3)" };

    public Option<string> Activation { get; } = new("--activation") { Description = "Hidden activation: sigmoid, tanh, relu, leaky-relu or identity; one, or one per hidden layer (comma-separated)", DefaultValueFactory = _ => "sigmoid" };

    public Option<string?> OutputActivation { get; } = new("--output-activation") { Description = "Output activation with --loss mse (default: the hidden activation); cross-entropy always uses softmax" };

    public Option<string> Loss { get; } = new("--loss") { Description = LossNames.Describe(), DefaultValueFactory = _ => "cross-entropy" };

    public Option<double> LearningRate { get; } = new("--lr") { Description = "Learning rate η", DefaultValueFactory = _ => ArticleExample.LearningRate };

    public Option<double> Threshold { get; } = new("--threshold") { Description = "Stop when the loss is below this value (0: never)", DefaultValueFactory = _ => ArticleExample.LossThreshold };

    public Option<int> MaxEpochs { get; } = new("--max-epochs") { Description = "Stop after this many epochs", DefaultValueFactory = _ => ArticleExample.MaxEpochs };

    public Option<long?> Seed { get; } = new("--seed") { Description = "Random initial parameters with this seed (Xavier for sigmoid/tanh, He for ReLU) instead of the article's values" };

    public Option<string?> Weights { get; } = new("--weights") { Description = "JSON file of initial parameters, or the JSON itself: {\"W1\": [[…]], \"b1\": […], …}" };

    public Option<string?> Input { get; } = new("--input") { Description = "One input sample, comma-separated (default: the article's 1,1,1)" };

    public Option<string?> Target { get; } = new("--target") { Description = "Its target: a class index (from 0) or a vector, comma-separated (default: class 0)" };

    public Option<int> Digits { get; } = new("--digits") { Description = "Decimals when printing", DefaultValueFactory = _ => 8 };

    public void AddTo(Command command)
    {
        foreach (Option option in new Option[] { Layers, Activation, OutputActivation, Loss, LearningRate, Threshold, MaxEpochs, Seed, Weights, Input, Target, Digits })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>True when the user typed the option (not just its default).</summary>
    public static bool Given(ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };

    /// <summary>The one-sample settings as typed.</summary>
    public SampleSettings Read(ParseResult parse, int reportEvery) => new(
        Layers: parse.GetValue(Layers),
        Activation: parse.GetValue(Activation)!,
        OutputActivation: parse.GetValue(OutputActivation),
        Loss: parse.GetValue(Loss)!,
        LearningRate: parse.GetValue(LearningRate),
        Threshold: parse.GetValue(Threshold),
        MaxEpochs: parse.GetValue(MaxEpochs),
        ReportEvery: reportEvery,
        Seed: parse.GetValue(Seed),
        Weights: parse.GetValue(Weights),
        Input: parse.GetValue(Input),
        Target: parse.GetValue(Target),
        Digits: parse.GetValue(Digits));
}
