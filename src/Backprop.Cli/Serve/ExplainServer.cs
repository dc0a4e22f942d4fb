using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Backprop.Cli.Serve;

/// <summary>
/// The web server of `backprop serve` (ASP.NET Core minimal API, Kestrel): GET / the live page, POST /api/explain
/// a state → the engine's step laid out, GET /api/chain?weight=W2[1,1] the chain rule for one weight of the state
/// last explained, POST /api/check a learner's answers checked against that state as `explain --check` checks them.
/// One learner's page: the server remembers the last state it explained well. Every refusal is a 400 with one line;
/// nothing a request sends can stop the server. Bound to loopback (the default), it answers only requests addressed
/// to a loopback host name, so a web site cannot reach it by renaming itself.
/// </summary>
internal sealed class ExplainServer : IAsyncDisposable
{
    /// <summary>The largest request body read (a state of the largest network is well under this).</summary>
    public const int MaxBody = 64 * 1024;

    private const string Policy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    // The page's own inline scripts (the diagram's step-through): nothing but scripts with exactly this text may run inline.
    private static readonly System.Text.RegularExpressions.Regex s_inlineScript =
        new("<script>(.*?)</script>", System.Text.RegularExpressions.RegexOptions.Singleline | System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private readonly bool _loopback;
    private LiveState _current;

    private ExplainServer(WebApplication app, LiveState initial, bool loopback)
    {
        _app = app;
        _current = initial;
        _loopback = loopback;
    }

    /// <summary>Where the page is, e.g. http://127.0.0.1:5000/.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Checks <paramref name="initial"/> (explaining it once), then listens on <paramref name="address"/>:<paramref name="port"/> (0: any free port).</summary>
    /// <exception cref="IOException">The port is in use or cannot be bound.</exception>
    public static async Task<ExplainServer> StartAsync(LiveState initial, IPAddress address, int port, CancellationToken cancellation = default)
    {
        LiveExplain.Explain(initial);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders();
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = MaxBody;
            k.Listen(address, port);
        });
        WebApplication app = builder.Build();
        var server = new ExplainServer(app, initial, IPAddress.IsLoopback(address));
        server.Map(app);
        try
        {
            await app.StartAsync(cancellation).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new IOException($"cannot listen on {Host(address)}:{port}: {e.Message.TrimEnd('.')}; choose another --port (0: any free port)", e);
        }
        string url = app.Urls.First();
        server.Url = new Uri(url.EndsWith('/') ? url : url + "/");
        return server;
    }

    /// <summary>Runs until Ctrl+C (or <paramref name="cancellation"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellation) => _app.WaitForShutdownAsync(cancellation);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static string Host(IPAddress address) => address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();

    private LiveState Current
    {
        get
        {
            lock (_lock)
            {
                return _current;
            }
        }
        set
        {
            lock (_lock)
            {
                _current = value;
            }
        }
    }

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            HttpResponse response = context.Response;
            response.Headers.ContentSecurityPolicy = Policy;
            response.Headers.XContentTypeOptions = "nosniff";
            response.Headers.CacheControl = "no-store";
            response.Headers["Referrer-Policy"] = "no-referrer";
            if (_loopback && context.Request.Host.Host is not ("127.0.0.1" or "localhost" or "[::1]" or "::1"))
            {
                await Refuse(context, 400, $"this server answers requests for localhost only, not '{Short(context.Request.Host.Host)}'").ConfigureAwait(false);
                return;
            }
            await next(context).ConfigureAwait(false);
        });
        app.MapGet("/", (RequestDelegate)(context => Guard(context, () => Page(context))));
        app.MapGet("/live.js", (RequestDelegate)(context => Asset(context, "live.js", "text/javascript; charset=utf-8")));
        app.MapGet("/live.css", (RequestDelegate)(context => Asset(context, "live.css", "text/css; charset=utf-8")));
        app.MapPost("/api/explain", (RequestDelegate)(context => Guard(context, () => Explain(context))));
        app.MapGet("/api/chain", (RequestDelegate)(context => Guard(context, () => Chain(context))));
        app.MapPost("/api/check", (RequestDelegate)(context => Guard(context, () => Check(context))));
    }

    private async Task Page(HttpContext context)
    {
        LiveResult result = LiveExplain.Explain(Current);
        string page = LivePage.Render(result);
        context.Response.Headers.ContentSecurityPolicy = PolicyFor(page);
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(page, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// The policy for <paramref name="page"/>: the plain one, with the SHA-256 of each of the page's inline scripts allowed
    /// (the step-through's text is the same on every page, so it may run again when an edit replaces the explanation).
    /// </summary>
    internal static string PolicyFor(string page)
    {
        var hashes = new SortedSet<string>(StringComparer.Ordinal);
        foreach (System.Text.RegularExpressions.Match match in s_inlineScript.Matches(page))
        {
            byte[] digest = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(match.Groups[1].Value));
            hashes.Add($" 'sha256-{Convert.ToBase64String(digest)}'");
        }
        return Policy.Replace("script-src 'self'", "script-src 'self'" + string.Concat(hashes), StringComparison.Ordinal);
    }

    private async Task Explain(HttpContext context)
    {
        HttpRequest request = context.Request;
        if (!request.HasJsonContentType())
        {
            await Refuse(context, 400, "send the state as JSON (Content-Type: application/json)").ConfigureAwait(false);
            return;
        }
        if (request.ContentLength > MaxBody)
        {
            // The body is left unread, so the connection cannot carry another request.
            context.Response.Headers.Connection = "close";
            await Refuse(context, 400, $"the state is larger than {MaxBody / 1024} KB").ConfigureAwait(false);
            return;
        }
        LiveState? state;
        try
        {
            state = await JsonSerializer.DeserializeAsync(request.Body, LiveJsonContext.Default.LiveState, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            await Refuse(context, 400, JsonMessage(e)).ConfigureAwait(false);
            return;
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            context.Response.Headers.Connection = "close";
            await Refuse(context, 400, $"the state is larger than {MaxBody / 1024} KB").ConfigureAwait(false);
            return;
        }
        if (state is null)
        {
            await Refuse(context, 400, "state: expected a JSON object").ConfigureAwait(false);
            return;
        }
        LiveResult result = LiveExplain.Explain(state);
        Current = state;
        await Json(context, 200, result).ConfigureAwait(false);
    }

    private async Task Chain(HttpContext context)
    {
        string? weight = context.Request.Query["weight"];
        if (string.IsNullOrWhiteSpace(weight))
        {
            await Refuse(context, 400, "weight: give the weight as ?weight=W2[1,1] (layer, row, column from 1)").ConfigureAwait(false);
            return;
        }
        await Json(context, 200, LiveExplain.Chain(Current, weight)).ConfigureAwait(false);
    }

    private async Task Check(HttpContext context)
    {
        if (!context.Request.HasJsonContentType())
        {
            await Refuse(context, 400, "send the answers as JSON (Content-Type: application/json)").ConfigureAwait(false);
            return;
        }
        string? answers = await ReadBody(context).ConfigureAwait(false);
        if (answers is not null)
        {
            await Json(context, 200, LiveExplain.Check(Current, answers)).ConfigureAwait(false);
        }
    }

    /// <summary>The request body as text, or null (and a 400 sent) when it is over <see cref="MaxBody"/>.</summary>
    private static async Task<string?> ReadBody(HttpContext context)
    {
        try
        {
            if (context.Request.ContentLength <= MaxBody || context.Request.ContentLength is null)
            {
                using var reader = new StreamReader(context.Request.Body, System.Text.Encoding.UTF8);
                string text = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
                if (text.Length <= MaxBody)
                {
                    return text;
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
        }
        context.Response.Headers.Connection = "close";
        await Refuse(context, 400, $"the answers are larger than {MaxBody / 1024} KB").ConfigureAwait(false);
        return null;
    }

    /// <summary>Runs a handler; a refused state or weight becomes a 400 with its one line, anything else a 500 with one line.</summary>
    private static async Task Guard(HttpContext context, Func<Task> handler)
    {
        try
        {
            await handler().ConfigureAwait(false);
        }
        catch (Exception e) when (e is UsageException or InvalidDataException or ArgumentException or FileNotFoundException or NotSupportedException)
        {
            await Refuse(context, 400, Cli.OneLine(e.Message)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException && !context.Response.HasStarted)
        {
            await Refuse(context, 500, Cli.OneLine($"unexpected {e.GetType().Name}: {e.Message}")).ConfigureAwait(false);
        }
    }

    private static string JsonMessage(JsonException e)
    {
        string at = e.Path is { Length: > 0 } path && path != "$" ? $" at {path}" : "";
        return e.Path == "$" && e.Message.Contains("could not be converted", StringComparison.Ordinal) ? "state: expected a JSON object"
            : e.Message.Contains("could not be mapped", StringComparison.Ordinal) ? $"state: unknown field{at}"
            : e.Message.Contains("could not be converted", StringComparison.Ordinal) ? $"state: the value{at} is not what the field takes (numbers, lists of numbers, or text)"
            : e.Message.Contains("maximum configured depth", StringComparison.Ordinal) ? $"state: nested too deeply{at}"
            : $"state: not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})";
    }

    private static string Short(string text) => Cli.OneLine(text.Length > 60 ? text[..60] + "…" : text);

    private static Task Refuse(HttpContext context, int status, string message) => Json(context, status, new LiveError(message));

    private static async Task Json<T>(HttpContext context, int status, T value)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(context.Response.Body, value, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)LiveJsonContext.Default.GetTypeInfo(typeof(T))!,
            context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task Asset(HttpContext context, string name, string type)
    {
        context.Response.ContentType = type;
        await context.Response.WriteAsync(LivePage.Asset(name), context.RequestAborted).ConfigureAwait(false);
    }
}
