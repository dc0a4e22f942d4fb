using System.Net;
using static Backprop.Tests.Serve.ServeHarness;

namespace Backprop.Tests.Serve;

/// <summary>`backprop serve` on the command line: its URL line, and its address rules.</summary>
public class ServeCommandTests
{
    [Fact]
    public async Task Serve_prints_one_line_with_its_url_and_answers_there()
    {
        using ServeProcess serve = ServeProcess.Start("--port", "0");
        Assert.Matches(UrlLine(), serve.Line);
        using var client = new HttpClient();
        using HttpResponseMessage response = await client.GetAsync(serve.Url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("id=\"live-state\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--host", "0.0.0.0" }, "add --allow-remote")]
    [InlineData(new[] { "--host", "example.com" }, "--host: 'example.com' is not an IP address")]
    [InlineData(new[] { "--port", "70000" }, "--port must be between 0 and 65535")]
    [InlineData(new[] { "--layers", "3,20,3", "--port", "0" }, "at most 6 layers of 8 units")]
    [InlineData(new[] { "--lang", "fr", "--port", "0" }, "--lang: unknown language 'fr'")]
    public void Serve_refuses_what_it_cannot_serve_before_listening(string[] args, string expected)
    {
        CliRunner.Result result = CliRunner.InProcess(["serve", .. args]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
    }
}
