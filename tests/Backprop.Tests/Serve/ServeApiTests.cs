using System.Net;
using System.Text;
using System.Text.Json;
using Backprop.Cli.Serve;
using static Backprop.Tests.Serve.ServeHarness;

namespace Backprop.Tests.Serve;

/// <summary>
/// The API of `backprop serve` over real HTTP (Kestrel on a free loopback port, in this process): a state is
/// explained by the engine exactly as `backprop explain` explains it, the page's command reproduces it, and every
/// bad or hostile request is a 400 with one line while the server keeps answering.
/// </summary>
public class ServeApiTests
{
    [Fact]
    public async Task A_state_is_explained_by_the_engine_and_its_command_reproduces_the_page()
    {
        await using ExplainServer server = await StartInProcess();
        using var client = new HttpClient();
        (HttpStatusCode status, JsonElement answer) = await Post(client, server.Url, ArticleState(1.5));
        Assert.Equal(HttpStatusCode.OK, status);

        double[] a3 = [.. Quantity(answer, "a3").Select(r => r[0])];
        Assert.Equal(ArticleOutput(1.5), a3);
        Assert.NotEqual(ArticleOutput(0.7), a3);

        string command = answer.GetProperty("command").GetString()!;
        Assert.StartsWith("backprop explain ", command, StringComparison.Ordinal);
        Assert.Contains("1.5", command, StringComparison.Ordinal);
        string[] words = ShellWords(command);
        CliRunner.Result explain = CliRunner.InProcess([.. words[1..], "--format", "html"]);
        Assert.True(explain.ExitCode == 0, explain.Error);
        Assert.Equal(LiveExplain.MainOf(explain.Out), answer.GetProperty("html").GetString());
        Assert.Contains(a3[0].ToString("F8", System.Globalization.CultureInfo.InvariantCulture), explain.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_at_the_same_time_each_get_their_own_step()
    {
        await using ExplainServer server = await StartInProcess();
        using var client = new HttpClient();
        double[] values = [.. Enumerable.Range(0, 12).Select(i => 0.25 * i - 1)];
        (HttpStatusCode Status, JsonElement Body)[] answers = await Task.WhenAll(values.Select(v => Post(client, server.Url, ArticleState(v))));
        for (int i = 0; i < values.Length; i++)
        {
            Assert.Equal(HttpStatusCode.OK, answers[i].Status);
            Assert.Equal(ArticleOutput(values[i]), Quantity(answers[i].Body, "a3").Select(r => r[0]));
        }
    }

    [Fact]
    public async Task The_article_state_needs_no_weights_in_its_command_and_defaults_are_filled_in()
    {
        await using ExplainServer server = await StartInProcess();
        using var client = new HttpClient();
        (HttpStatusCode status, JsonElement answer) = await Post(client, server.Url, ArticleState(0.7));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("backprop explain --layers 3,2,3 --activation sigmoid --loss cross-entropy --lr 0.1 --input 1,1,1 --target 0",
            answer.GetProperty("command").GetString());
        CliRunner.Result explain = CliRunner.InProcess("explain", "--format", "html");
        Assert.Equal(LiveExplain.MainOf(explain.Out), answer.GetProperty("html").GetString());

        // Only the layer sizes: explain's starting values (seed 0 for a network that is not the article's) come back.
        (status, answer) = await Post(client, server.Url, """{"layers": [2, 3, 2], "inputs": [[0.5, -1]], "loss": "mse", "targets": [[0, 1]]}""");
        Assert.Equal(HttpStatusCode.OK, status);
        JsonElement state = answer.GetProperty("state");
        Assert.Equal(2, state.GetProperty("weights").GetArrayLength());
        Assert.Equal(3, state.GetProperty("weights")[0].GetArrayLength());
        Assert.Equal("backprop explain --layers 2,3,2 --activation sigmoid --loss mse --lr 0.1 --input 0.5,-1 --target 1", answer.GetProperty("command").GetString());
    }

    [Fact]
    public async Task The_chain_rule_of_a_weight_is_the_engines_gradient_written_out()
    {
        await using ExplainServer server = await StartInProcess();
        using var client = new HttpClient();
        (_, JsonElement answer) = await Post(client, server.Url, ArticleState(1.5));
        double gradient = Quantity(answer, "dW2")[0][0];

        (HttpStatusCode status, JsonElement chain) = await Get(client, new Uri(server.Url, "api/chain?weight=" + Uri.EscapeDataString("W2[1,1]")));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("W2[1,1]", chain.GetProperty("weight").GetString());
        string html = chain.GetProperty("html").GetString()!;
        Assert.Contains(Math.Abs(gradient).ToString("F8", System.Globalization.CultureInfo.InvariantCulture), html, StringComparison.Ordinal);
        Assert.Contains("<math", html, StringComparison.Ordinal);
        Assert.EndsWith("--weight 'W2[1,1]'", chain.GetProperty("command").GetString(), StringComparison.Ordinal);

        (status, chain) = await Get(client, new Uri(server.Url, "api/chain?weight=W9%5B1,1%5D"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("is not a weight of this network", chain.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answers_are_checked_against_the_state_by_explains_checker()
    {
        await using ExplainServer server = await StartInProcess();
        using var client = new HttpClient();
        (_, JsonElement answer) = await Post(client, server.Url, ArticleState(1.5));
        double a31 = Quantity(answer, "a3")[0][0];
        string answers = $$"""{"a3": [{{a31.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)}}, 0.2767, 0.3735]}""";

        // The checker's own verdict on the same step, through `explain --check`.
        string[] words = ShellWords(answer.GetProperty("command").GetString()!);
        string file = CliRunner.TempPath("answers.json");
        File.WriteAllText(file, answers);
        CliRunner.Result cli = CliRunner.InProcess([.. words[1..], "--check", file, "--format", "html"]);
        Assert.Equal(0, cli.ExitCode);

        using var content = new StringContent(answers, Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await client.PostAsync(new Uri(server.Url, "api/check"), content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement check = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(check.GetProperty("allAgree").GetBoolean());
        Assert.Equal(LiveExplain.MainOf(cli.Out).Replace(file, "answers", StringComparison.Ordinal), check.GetProperty("html").GetString());

        // With the article's W2[1,1] the same answers are wrong.
        await Post(client, server.Url, ArticleState(0.7));
        using var again = new StringContent(answers, Encoding.UTF8, "application/json");
        using HttpResponseMessage wrong = await client.PostAsync(new Uri(server.Url, "api/check"), again);
        Assert.False(JsonDocument.Parse(await wrong.Content.ReadAsStringAsync()).RootElement.GetProperty("allAgree").GetBoolean());

        using var bad = new StringContent("""{"a9": 1}""", Encoding.UTF8, "application/json");
        using HttpResponseMessage refused = await client.PostAsync(new Uri(server.Url, "api/check"), bad);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("a9", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"layers": [3, 9, 3]}""", "layers: size 2 is 9")]
    [InlineData("""{"layers": [3, 2, 2, 2, 2, 2, 3]}""", "layers: give 2 to 6 sizes")]
    [InlineData("""{"layers": [3, 0, 3]}""", "layers: size 2 is 0")]
    [InlineData("""{"inputs": [[1, 1]]}""", "inputs[0]: an input needs 3 numbers (got 2)")]
    [InlineData("""{"inputs": [[1, 1, 1], [1, 1, 1], [1, 1, 1], [1, 1, 1], [1, 1, 1], [1, 1, 1], [1, 1, 1], [1, 1, 1], [1, 1, 1]]}""", "inputs: give 1 to 8 samples")]
    [InlineData("""{"inputs": [[1, 1, 1]], "targets": [[1, 0, 0], [0, 1, 0]]}""", "targets: give one per sample (1)")]
    [InlineData("""{"weights": [[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]], "biases": [[0.1, 0.2]]}""", "give one per layer (2)")]
    [InlineData("""{"weights": [[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], [[0.7, 0.8], [0.9, 1.0], [1.1]]], "biases": [[0.1, 0.2], [0.1, 0.2, 0.3]]}""", "weights[1][2]: a row of W2 needs 2 numbers (got 1)")]
    [InlineData("""{"weights": [[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], [[0.7, 0.8], [0.9, 1.0], [1.1, 1.2]]]}""", "give both, or neither")]
    [InlineData("""{"weights": [[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], [[1e7, 0.8], [0.9, 1.0], [1.1, 1.2]]], "biases": [[0.1, 0.2], [0.1, 0.2, 0.3]]}""", "weights[1][0][0]: 10000000 is not a finite number")]
    [InlineData("""{"weights": [[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], [[1e400, 0.8], [0.9, 1.0], [1.1, 1.2]]], "biases": [[0.1, 0.2], [0.1, 0.2, 0.3]]}""", "weights[1][0][0]: Infinity is not a finite number")]
    [InlineData("""{"weights": [[[0.1, null, 0.3], [0.4, 0.5, 0.6]], [[0.7, 0.8], [0.9, 1.0], [1.1, 1.2]]], "biases": [[0.1, 0.2], [0.1, 0.2, 0.3]]}""", "state: the value at $.weights[0][0][1]")]
    [InlineData("""{"lr": 0}""", "lr: η must be positive")]
    [InlineData("""{"lr": "NaN"}""", "state: the value at $.lr")]
    [InlineData("""{"activation": ["sigmoid", "relu"]}""", "activation: give one activation, or one per hidden layer (1)")]
    [InlineData("""{"activation": ["softmax"]}""", "activation[0]: 'softmax' is not sigmoid")]
    [InlineData("""{"loss": "huber"}""", "loss: 'huber' is not cross-entropy or mse")]
    [InlineData("""{"outputActivation": "tanh"}""", "outputActivation: applies to the mse loss")]
    [InlineData("""{"targets": [[0.5, 0.5, 0.5]]}""", "is not a probability vector")]
    [InlineData("""{"layers": [2, 2, 2]}""", "--input is needed")]
    [InlineData("""{"digits": 40}""", "digits: give 0 to 17")]
    [InlineData("""{"lang": "fr"}""", "lang: 'fr' is not en or zh")]
    [InlineData("""{"weight": "W7[1,1]"}""", "is not a weight of this network")]
    [InlineData("""{"password": 1}""", "state: unknown field at $.password")]
    [InlineData("""[1, 2, 3]""", "state: expected a JSON object")]
    [InlineData("""null""", "state: expected a JSON object")]
    [InlineData("""{"layers": [3, 2""", "state: not valid JSON")]
    [InlineData("", "state: not valid JSON")]
    public async Task A_bad_state_is_refused_with_one_line_and_the_server_keeps_answering(string json, string expected)
    {
        await using ExplainServer server = await StartInProcess();
        using var client = new HttpClient();
        (HttpStatusCode status, JsonElement answer) = await Post(client, server.Url, json);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        string error = answer.GetProperty("error").GetString()!;
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
        Assert.DoesNotContain("Exception", error, StringComparison.Ordinal);

        (status, _) = await Post(client, server.Url, ArticleState(0.7));
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Hostile_requests_are_refused_without_harm()
    {
        await using ExplainServer server = await StartInProcess();
        using var client = new HttpClient();

        // Over the size limit, nested deep, not JSON by its type, addressed to another host name.
        string big = "{\"lang\": \"" + new string('x', ExplainServer.MaxBody) + "\"}";
        (HttpStatusCode status, JsonElement answer) = await Post(client, server.Url, big);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("larger than 64 KB", answer.GetProperty("error").GetString(), StringComparison.Ordinal);

        // The same without a length (chunked): Kestrel's limit stops the reading.
        using (var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big))))
        {
            chunked.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Url, "api/explain")) { Content = chunked };
            request.Headers.TransferEncodingChunked = true;
            using HttpResponseMessage tooLong = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
            Assert.Contains("larger than 64 KB", await tooLong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        string deep = "{\"weights\": " + new string('[', 200) + new string(']', 200) + "}";
        (status, answer) = await Post(client, server.Url, deep);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("state: ", answer.GetProperty("error").GetString(), StringComparison.Ordinal);

        (status, answer) = await Post(client, server.Url, ArticleState(0.7), "text/plain");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Content-Type: application/json", answer.GetProperty("error").GetString(), StringComparison.Ordinal);

        using var rebound = new HttpRequestMessage(HttpMethod.Get, server.Url);
        rebound.Headers.Host = "attacker.example";
        using HttpResponseMessage response = await client.SendAsync(rebound);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("localhost only", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        (status, answer) = await Get(client, new Uri(server.Url, "api/chain?weight=" + Uri.EscapeDataString(new string('W', 5000))));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("weight", answer.GetProperty("error").GetString(), StringComparison.Ordinal);

        (status, _) = await Post(client, server.Url, ArticleState(0.7));
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task The_page_is_explains_page_with_the_panel_and_fetches_nothing_from_elsewhere()
    {
        await using ExplainServer server = await StartInProcess();
        using var client = new HttpClient();
        using HttpResponseMessage response = await client.GetAsync(server.Url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string page = await response.Content.ReadAsStringAsync();
        string policy = string.Join(" ", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", page, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", page, StringComparison.Ordinal);
        Assert.Contains("<script src=\"/live.js\" defer></script>", page, StringComparison.Ordinal);
        Assert.Contains("id=\"live-command\"", page, StringComparison.Ordinal);
        Assert.Contains("<main id=\"explanation\">", page, StringComparison.Ordinal);
        Assert.Contains("0.66818777", page, StringComparison.Ordinal);
        string script = await client.GetStringAsync(new Uri(server.Url, "live.js"));
        Assert.Contains("/api/explain", script, StringComparison.Ordinal);
        Assert.DoesNotContain("http", script, StringComparison.Ordinal);
        Assert.DoesNotContain("Math.exp", script, StringComparison.Ordinal);
    }
}
