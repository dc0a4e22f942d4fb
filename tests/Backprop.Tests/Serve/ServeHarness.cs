using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Backprop.Cli.Serve;

namespace Backprop.Tests.Serve;

/// <summary>Starts `backprop serve` in process (for the API) or as a real process (for the URL line and the browser).</summary>
internal static partial class ServeHarness
{
    /// <summary>The article's network, parameters and sample as a state, with W2[1,1] (0.7 in the article) given as <paramref name="w2_11"/>.</summary>
    public static string ArticleState(double w2_11)
    {
        Network<double> network = ArticleExample.CreateNetwork<double>();
        network.DenseLayers[1].Weights[0] = w2_11;
        static string List(IEnumerable<double> values) => "[" + string.Join(", ", values.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "]";
        string weights = "[" + string.Join(", ", network.DenseLayers.Select(l => "[" + string.Join(", ", l.Weights.ToArray().Chunk(l.Inputs).Select(List)) + "]")) + "]";
        string biases = "[" + string.Join(", ", network.DenseLayers.Select(l => List(l.Bias.ToArray()))) + "]";
        return $$"""
            {"layers": [3, 2, 3], "activation": ["sigmoid"], "loss": "cross-entropy", "lr": 0.1, "weights": {{weights}}, "biases": {{biases}},
             "inputs": [{{List(ArticleExample.Input)}}], "targets": [{{List(ArticleExample.Target)}}]}
            """;
    }

    /// <summary>The output a3 of the article's network with W2[1,1] changed, computed here through the library.</summary>
    public static double[] ArticleOutput(double w2_11)
    {
        Network<double> network = ArticleExample.CreateNetwork<double>();
        network.DenseLayers[1].Weights[0] = w2_11;
        var output = new double[3];
        network.Predict(ArticleExample.Input.ToArray(), 1, output);
        return output;
    }

    public static Task<ExplainServer> StartInProcess() => ExplainServer.StartAsync(new LiveState(), IPAddress.Loopback, 0);

    public static async Task<(HttpStatusCode Status, JsonElement Body)> Post(HttpClient client, Uri server, string json, string type = "application/json")
    {
        using var content = new StringContent(json, Encoding.UTF8, type);
        using HttpResponseMessage response = await client.PostAsync(new Uri(server, "api/explain"), content);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    public static async Task<(HttpStatusCode Status, JsonElement Body)> Get(HttpClient client, Uri url)
    {
        using HttpResponseMessage response = await client.GetAsync(url);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    /// <summary>A quantity of an answer as rows.</summary>
    public static double[][] Quantity(JsonElement answer, string name) =>
        [.. answer.GetProperty("quantities").EnumerateArray().Single(q => q.GetProperty("name").GetString() == name)
            .GetProperty("rows").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray())];

    /// <summary>The words of a POSIX shell command line (plain words and single-quoted ones, as the page writes them).</summary>
    public static string[] ShellWords(string command)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool quoted = false, any = false;
        for (int i = 0; i < command.Length; i++)
        {
            char c = command[i];
            if (quoted)
            {
                if (c == '\'')
                {
                    quoted = false;
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c == '\'')
            {
                quoted = any = true;
            }
            else if (c == '\\' && i + 1 < command.Length)
            {
                word.Append(command[++i]);
                any = true;
            }
            else if (c == ' ')
            {
                if (any)
                {
                    words.Add(word.ToString());
                }
                word.Clear();
                any = false;
            }
            else
            {
                word.Append(c);
                any = true;
            }
        }
        if (any)
        {
            words.Add(word.ToString());
        }
        return [.. words];
    }

    /// <summary>`backprop serve ARGS` as a process, once it has printed its URL line; dispose to stop it.</summary>
    public sealed class ServeProcess : IDisposable
    {
        private readonly Process _process;

        private ServeProcess(Process process, string line, Uri url)
        {
            _process = process;
            Line = line;
            Url = url;
        }

        public string Line { get; }

        public Uri Url { get; }

        public static ServeProcess Start(params string[] args)
        {
            string dll = Path.Combine(AppContext.BaseDirectory, "Backprop.Cli.dll");
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(dll);
            info.ArgumentList.Add("serve");
            foreach (string arg in args)
            {
                info.ArgumentList.Add(arg);
            }
            Process process = Process.Start(info)!;
            Task<string?> first = process.StandardOutput.ReadLineAsync();
            if (!first.Wait(60_000) || first.Result is not string line)
            {
                process.Kill(entireProcessTree: true);
                string error = process.StandardError.ReadToEnd();
                process.Dispose();
                throw new InvalidOperationException($"backprop serve printed no URL line; stderr: {error}");
            }
            Match m = UrlLine().Match(line);
            if (!m.Success)
            {
                process.Kill(entireProcessTree: true);
                process.Dispose();
                throw new InvalidOperationException($"unexpected first line: {line}");
            }
            return new ServeProcess(process, line, new Uri(m.Groups[1].Value));
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
            _process.Dispose();
        }
    }

    [GeneratedRegex(@"^Serving the explanation at (http://127\.0\.0\.1:\d+/) \(Ctrl\+C to stop\)$")]
    public static partial Regex UrlLine();
}
