using System.Reflection;
using System.Text.Json;

namespace Backprop.Cli.Serve;

/// <summary>
/// The live page: `explain --format html`'s page as it is, with a panel above it (the reproducing command, the
/// output and the loss, the editor, the chain rule of a chosen edge), the first answer as JSON data, and the page's
/// script and style sheet (live.js, live.css, served by the same server; nothing comes from a network).
/// </summary>
internal static class LivePage
{
    private const string Panel = """
        <aside id="live" class="live" aria-label="Live page">
        <p class="live-note">Live: change a number or a choice below and the server runs the step again on the engine, as <code>backprop explain</code> does; every number and the diagram follow. Click an edge of the diagram for its chain rule.</p>
        <p class="live-label">This page in a terminal:</p>
        <pre id="live-command" class="live-command"></pre>
        <p id="live-status" class="live-status" role="status" aria-live="polite"></p>
        <div id="live-outputs" class="live-outputs"></div>
        <details id="live-edit" class="live-edit" open><summary>Edit the network, the sample and η</summary><form id="live-form" autocomplete="off"></form></details>
        <section id="live-chain" class="live-chain" hidden></section>
        </aside>

        """;

    /// <summary>The page for <paramref name="result"/>, whose <see cref="LiveResult.Page"/> is explain's whole page.</summary>
    public static string Render(LiveResult result)
    {
        string page = result.Page;
        int head = page.IndexOf("</head>", StringComparison.Ordinal);
        int main = page.IndexOf("<main>", StringComparison.Ordinal);
        int body = page.LastIndexOf("</body>", StringComparison.Ordinal);
        if (head < 0 || main < head || body < main)
        {
            throw new InvalidOperationException("the explanation's HTML has no head, main or body");
        }
        // The data block holds JSON, which the serializer writes with <, > and & escaped, so it cannot end the element.
        string data = JsonSerializer.Serialize(result with { Html = "" }, LiveJsonContext.Default.LiveResult);
        return new System.Text.StringBuilder(page.Length + Panel.Length + data.Length + 256)
            .Append(page, 0, head)
            .Append("<link rel=\"stylesheet\" href=\"/live.css\">\n<script src=\"/live.js\" defer></script>\n")
            .Append(page, head, main - head)
            .Append(Panel)
            .Append("<main id=\"explanation\">")
            .Append(page, main + "<main>".Length, body - main - "<main>".Length)
            .Append("<script type=\"application/json\" id=\"live-state\">").Append(data).Append("</script>\n")
            .Append(page, body, page.Length - body)
            .ToString();
    }

    /// <summary>live.js or live.css, embedded in the tool.</summary>
    public static string Asset(string name)
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Backprop.Cli.Serve." + name)
            ?? throw new InvalidOperationException($"{name} is not embedded in the tool");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
