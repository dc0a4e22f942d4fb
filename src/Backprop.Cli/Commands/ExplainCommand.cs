using System.CommandLine;

namespace Backprop.Cli.Commands;

/// <summary>
/// `backprop explain`: runs one real training step of the network that `train` would build from the same options
/// and writes every number of it out (text, Markdown or HTML; English or Chinese), or checks a learner's answers.
/// With --model, the network is a trained model's and the sample one row of data, rescaled as training saw it.
/// </summary>
internal static class ExplainCommand
{
    public static Command Create(CliIO io)
    {
        var net = new NetworkOptions();
        net.Input.Description = "The input, comma-separated; a small batch separates samples with ';', e.g. \"1,1,1;0,1,0\"";
        net.Target.Description = "The target: a class index (from 0) or a vector; one per sample with ';'";
        net.Digits.Description = "Decimals when printing (computation is always double)";
        net.Threshold.Description = "Loss threshold for --until-converged";
        net.MaxEpochs.Description = "Epoch limit for --until-converged";
        var format = new Option<string>("--format") { Description = "text (terminal), markdown (LaTeX math), html (one self-contained page, with a diagram) or dot (the network for Graphviz)", DefaultValueFactory = _ => "text" };
        var lang = new Option<string>("--lang") { Description = "Language of the prose: en or zh", DefaultValueFactory = _ => "en" };
        var steps = new Option<int>("--steps") { Description = "Also run N further steps and print the loss of each", DefaultValueFactory = _ => 0 };
        var track = new Option<string?>("--track") { Description = "With --steps: also show these quantities in each step, comma-separated, e.g. a3,W2'" };
        var untilConverged = new Option<bool>("--until-converged") { Description = "Also train from the same start until --threshold or --max-epochs, as train does, and summarise" };
        var check = new Option<string?>("--check") { Description = "JSON file of your own values (z2, a2, z3, a3, loss, delta3, dW2, db2, …, W1', b1', …) to check instead of explaining" };
        var quiz = new Option<string?>("--quiz") { Description = "Write a page (HTML) with blanks for your own values of the step to this file; it checks them in the browser, right or wrong (the answers are in the page)" };
        var articleNotes = new Option<bool?>("--article-notes") { Description = "Remarks on the article's rounding slips (default: on for the article's own example)" };
        var model = new Option<string?>("--model") { Description = "Explain a step of this trained model (written by 'backprop train --out') on one row: --input RAW or --data/--dataset with --row N" };
        var row = new Option<int?>("--row") { Description = "With --model and --data/--dataset: the row to explain, counting from 1" };
        var program = new Option<string?>("--program")
        {
            Description = "Print the article's training program in our own code instead of explaining: python (numpy, the default) or csharp (the Backprop library)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var weight = new Option<string?>("--weight") { Description = "Also write out the chain rule for one weight, e.g. W2[1,1] (layer, row, column from 1)" };
        var freezeBiases = new Option<bool>("--freeze-biases") { Description = "Leave the biases unchanged in the update, as Mazur's 2-2-2 example does" };
        var dataOptions = new DataOptions { Diagnostics = io.Error };

        var command = new Command("explain", "Write out every number of one training step: forward, loss, backward, update. With no options: the article's network and sample.")
        {
            format, lang, steps, track, untilConverged, check, quiz, articleNotes, model, row, program, weight, freezeBiases,
        };
        net.AddTo(command);
        dataOptions.AddTo(command);
        command.SetAction(parse =>
        {
            bool Given(Option option) => NetworkOptions.Given(parse, option);
            if (Given(program))
            {
                return ExplainRun.PrintProgram(parse.GetValue(program) ?? "python", io);
            }
            string? modelPath = parse.GetValue(model);
            ExplainModelOptions? fromModel = null;
            if (modelPath is not null)
            {
                foreach (Option option in new Option[] { net.Layers, net.Weights, net.Seed, net.Activation, net.OutputActivation, net.Loss, net.Threshold, net.MaxEpochs })
                {
                    if (Given(option))
                    {
                        throw new UsageException($"--model and {option.Name} both define the network; leave out {option.Name}");
                    }
                }
                fromModel = new ExplainModelOptions(modelPath, parse.GetValue(row), Given(net.LearningRate) ? parse.GetValue(net.LearningRate) : null,
                    parse.GetValue(net.Input), parse.GetValue(net.Target), dataOptions, parse);
            }
            else if (dataOptions.IsGiven(parse) || Given(row))
            {
                throw new UsageException("--data, --dataset and --row pick a row for a trained model; give --model too");
            }
            SampleSettings sample = net.Read(parse, ArticleExample.ReportEvery);
            var settings = new ExplainSettings(
                sample,
                Format: parse.GetValue(format)!,
                Language: parse.GetValue(lang)!,
                Steps: parse.GetValue(steps),
                Track: parse.GetValue(track),
                UntilConverged: parse.GetValue(untilConverged),
                Check: parse.GetValue(check),
                ArticleNotes: parse.GetValue(articleNotes),
                Model: fromModel,
                Weight: parse.GetValue(weight),
                FreezeBiases: parse.GetValue(freezeBiases),
                Quiz: parse.GetValue(quiz),
                FormatGiven: Given(format));
            return ExplainRun.Run(settings, io);
        });
        return command;
    }
}
