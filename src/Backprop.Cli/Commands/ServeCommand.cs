using System.CommandLine;
using System.Net;
using Backprop.Cli.Serve;

namespace Backprop.Cli.Commands;

/// <summary>
/// `backprop serve`: the page of `explain --format html`, live in a browser. The network options give its first state;
/// each edit on the page is sent to this process, which runs the step on the engine again (<see cref="LiveExplain"/>).
/// Listens on 127.0.0.1 unless --host and --allow-remote say otherwise.
/// </summary>
internal static class ServeCommand
{
    public static Command Create(CliIO io)
    {
        var net = new NetworkOptions();
        net.Input.Description = "The first input, comma-separated; a small batch separates samples with ';'";
        net.Target.Description = "Its target: a class index (from 0) or a vector; one per sample with ';'";
        var lang = new Option<string>("--lang") { Description = "Language of the prose: en or zh", DefaultValueFactory = _ => "en" };
        var port = new Option<int>("--port") { Description = "Port to listen on (0: any free port)", DefaultValueFactory = _ => 5000 };
        var host = new Option<string>("--host") { Description = "Address to listen on; other than loopback only with --allow-remote", DefaultValueFactory = _ => "127.0.0.1" };
        var allowRemote = new Option<bool>("--allow-remote") { Description = "Allow a --host that other machines can reach (anyone who reaches it can use the page)" };
        var command = new Command("serve", "Serve the explanation of one training step as a live page: edit a weight, the sample, η, an activation or the layer sizes and every number is computed again by the engine.")
        {
            lang, port, host, allowRemote,
        };
        net.AddTo(command);
        // A page shows one step; training until a threshold or an epoch limit is explain's, not the page's.
        net.Threshold.Hidden = true;
        net.MaxEpochs.Hidden = true;
        command.SetAction(async (parse, cancellation) =>
        {
            int p = parse.GetValue(port);
            if (p is < 0 or > 65535)
            {
                throw new UsageException($"--port must be between 0 and 65535 (got {p})");
            }
            IPAddress address = Address(parse.GetValue(host)!, parse.GetValue(allowRemote));
            LiveState initial = InitialState(net.Read(parse, ArticleExample.ReportEvery), parse.GetValue(lang)!);
            if (!IPAddress.IsLoopback(address))
            {
                io.Error.WriteLine($"warning: serving on {address}: anyone who can reach this machine on that port can use the page (no password, no encryption)");
            }
            await using ExplainServer server = await ExplainServer.StartAsync(initial, address, p, cancellation).ConfigureAwait(false);
            io.Out.WriteLine($"Serving the explanation at {server.Url} (Ctrl+C to stop)");
            io.Out.Flush();
            await server.WaitForShutdownAsync(cancellation).ConfigureAwait(false);
            return Cli.Ok;
        });
        return command;
    }

    /// <summary>--host as an address: loopback by default; any other address only with --allow-remote.</summary>
    private static IPAddress Address(string text, bool allowRemote)
    {
        string host = text.Trim();
        IPAddress address = host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
            : IPAddress.TryParse(host, out IPAddress? parsed) ? parsed
            : throw new UsageException($"--host: '{Cli.OneLine(host)}' is not an IP address (127.0.0.1, ::1, or with --allow-remote e.g. 0.0.0.0)");
        if (!IPAddress.IsLoopback(address) && !allowRemote)
        {
            throw new UsageException($"--host {address} lets other machines reach the page; add --allow-remote if that is what you want");
        }
        return address;
    }

    /// <summary>The first state: the network and sample explain builds from the same options, with the live page's size limits.</summary>
    private static LiveState InitialState(SampleSettings sample, string language)
    {
        ExplainRun.Batch batch = ExplainRun.BuildBatch(sample);
        Network<double> network = batch.Network;
        int[] sizes = network.Sizes;
        if (sizes.Length > LiveExplain.MaxLayers || sizes.Any(s => s > LiveExplain.MaxUnits))
        {
            throw new UsageException($"--layers {string.Join(",", sizes)}: the live page shows networks of at most {LiveExplain.MaxLayers} layers of {LiveExplain.MaxUnits} units");
        }
        if (batch.Count > LiveExplain.MaxSamples)
        {
            throw new UsageException($"--input has {batch.Count} samples; the live page shows at most {LiveExplain.MaxSamples}");
        }
        string lang = language.Trim().ToLowerInvariant();
        if (!Backprop.Explain.StepExplanation.Languages.Contains(lang))
        {
            throw new UsageException($"--lang: unknown language '{language}' (expected {string.Join(" or ", Backprop.Explain.StepExplanation.Languages)})");
        }
        double[][] Rows(double[] values, int columns) => [.. values.Chunk(columns)];
        bool fromFile = sample.Weights is not null;
        return new LiveState(
            Layers: sizes,
            Activation: sample.Activation.Split(',', StringSplitOptions.TrimEntries),
            OutputActivation: sample.OutputActivation,
            Loss: network.Loss is SoftmaxCrossEntropy ? "cross-entropy" : "mse",
            Lr: sample.LearningRate,
            Weights: fromFile ? [.. network.DenseLayers.Select(l => Rows(l.Weights.ToArray(), l.Inputs))] : null,
            Biases: fromFile ? [.. network.DenseLayers.Select(l => l.Bias.ToArray())] : null,
            Inputs: Rows(batch.X, network.InputSize),
            Targets: Rows(batch.T, network.OutputSize),
            Seed: sample.Seed,
            Digits: sample.Digits,
            Lang: lang);
    }
}
