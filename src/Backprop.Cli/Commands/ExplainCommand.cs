using System.CommandLine;

namespace Backprop.Cli.Commands;

/// <summary>
/// `backprop explain`: runs one real training step of the network that `train` would build from the same options
/// and writes every number of it out (text, Markdown or HTML; English or Chinese), or checks a learner's answers.
/// </summary>
internal static class ExplainCommand
{
    public static Command Create(CliIO io)
    {
        var layers = new Option<string?>("--layers") { Description = "Layer sizes, input first, e.g. 3,2,3 (default: the article's 3,2,3)" };
        var activation = new Option<string>("--activation") { Description = "Hidden activation: sigmoid, tanh, relu, leaky-relu or identity; one, or one per hidden layer", DefaultValueFactory = _ => "sigmoid" };
        var outputActivation = new Option<string?>("--output-activation") { Description = "Output activation with --loss mse (default: the hidden activation)" };
        var loss = new Option<string>("--loss") { Description = "cross-entropy (softmax output) or mse (mean over outputs and batch)", DefaultValueFactory = _ => "cross-entropy" };
        var lr = new Option<double>("--lr") { Description = "Learning rate η", DefaultValueFactory = _ => ArticleExample.LearningRate };
        var seed = new Option<long?>("--seed") { Description = "Random initial parameters with this seed instead of the article's values" };
        var weights = new Option<string?>("--weights") { Description = "JSON file of initial parameters: {\"W1\": [[…]], \"b1\": […], …}" };
        var input = new Option<string?>("--input") { Description = "The input, comma-separated; a small batch separates samples with ';', e.g. \"1,1,1;0,1,0\"" };
        var target = new Option<string?>("--target") { Description = "The target: a class index (from 0) or a vector; one per sample with ';'" };
        var digits = new Option<int>("--digits") { Description = "Decimals when printing (computation is always double)", DefaultValueFactory = _ => 8 };
        var format = new Option<string>("--format") { Description = "text (terminal), markdown (LaTeX math) or html (one self-contained page)", DefaultValueFactory = _ => "text" };
        var lang = new Option<string>("--lang") { Description = "Language of the prose: en or zh", DefaultValueFactory = _ => "en" };
        var steps = new Option<int>("--steps") { Description = "Also run N further steps and print the loss of each", DefaultValueFactory = _ => 0 };
        var track = new Option<string?>("--track") { Description = "With --steps: also show these quantities in each step, comma-separated, e.g. a3,W2'" };
        var untilConverged = new Option<bool>("--until-converged") { Description = "Also train from the same start until --threshold or --max-epochs, as train does, and summarise" };
        var threshold = new Option<double>("--threshold") { Description = "Loss threshold for --until-converged", DefaultValueFactory = _ => ArticleExample.LossThreshold };
        var maxEpochs = new Option<int>("--max-epochs") { Description = "Epoch limit for --until-converged", DefaultValueFactory = _ => ArticleExample.MaxEpochs };
        var check = new Option<string?>("--check") { Description = "JSON file of your own values (z2, a2, z3, a3, loss, delta3, dW2, db2, …, W1', b1', …) to check instead of explaining" };
        var articleNotes = new Option<bool?>("--article-notes") { Description = "Remarks on the article's rounding slips (default: on for the article's own example)" };

        var command = new Command("explain", "Write out every number of one training step: forward, loss, backward, update. With no options: the article's network and sample.")
        {
            layers, activation, outputActivation, loss, lr, seed, weights, input, target, digits,
            format, lang, steps, track, untilConverged, threshold, maxEpochs, check, articleNotes,
        };
        command.SetAction(parse =>
        {
            var sample = new SampleSettings(
                Layers: parse.GetValue(layers),
                Activation: parse.GetValue(activation)!,
                OutputActivation: parse.GetValue(outputActivation),
                Loss: parse.GetValue(loss)!,
                LearningRate: parse.GetValue(lr),
                Threshold: parse.GetValue(threshold),
                MaxEpochs: parse.GetValue(maxEpochs),
                ReportEvery: ArticleExample.ReportEvery,
                Seed: parse.GetValue(seed),
                Weights: parse.GetValue(weights),
                Input: parse.GetValue(input),
                Target: parse.GetValue(target),
                Digits: parse.GetValue(digits));
            var settings = new ExplainSettings(
                sample,
                Format: parse.GetValue(format)!,
                Language: parse.GetValue(lang)!,
                Steps: parse.GetValue(steps),
                Track: parse.GetValue(track),
                UntilConverged: parse.GetValue(untilConverged),
                Check: parse.GetValue(check),
                ArticleNotes: parse.GetValue(articleNotes));
            return ExplainRun.Run(settings, io);
        });
        return command;
    }
}
