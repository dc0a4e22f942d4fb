using System.Globalization;
using Microsoft.Playwright;
using static Backprop.Tests.Serve.ServeHarness;

namespace Backprop.Tests.Serve;

/// <summary>
/// `backprop serve` in headless Chromium (the Debian package, /usr/bin/chromium): the served page is edited as a
/// learner edits it, and what it shows is checked against the library's own numbers. Requests anywhere but the server
/// are refused and counted. Screenshots go into the test output folder (serve-*.png).
/// </summary>
public class ServeBrowserTests
{
    [ChromiumTheory]
    [InlineData(1.5)]
    public async Task Changing_W2_11_shows_the_engines_a3_and_an_edge_shows_its_chain_rule(double w2_11)
    {
        using ServeProcess serve = ServeProcess.Start("--port", "0");
        string folder = Directory.CreateTempSubdirectory("serve-browser-").FullName;
        try
        {
            using IPlaywright playwright = await Playwright.CreateAsync();
            string origin = serve.Url.GetLeftPart(UriPartial.Authority);
            var refused = new List<string>();
            await using IBrowserContext context = await HeadlessChromium.OpenAsync(playwright, Path.Combine(folder, "profile"), 1100, 1400, refused,
                url => url.StartsWith(origin, StringComparison.Ordinal));
            IPage tab = await HeadlessChromium.TabAsync(context);
            var errors = new List<string>();
            tab.PageError += (_, e) => errors.Add(e);
            // A script the page's policy blocks shows as a console error, not a page error (the deliberate bad value
            // below is answered 400, which the console reports as a failed load: that one is expected).
            tab.Console += (_, m) =>
            {
                if (m.Type == "error" && !m.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
                {
                    errors.Add(m.Text);
                }
            };
            await tab.GotoAsync(serve.Url.AbsoluteUri);
            await tab.WaitForSelectorAsync("body[data-ready=true]");

            ILocator a3 = tab.Locator("#live-outputs [data-name=a3][data-index='1,1']");
            Assert.Equal(ArticleOutput(0.7)[0], Number(await a3.InnerTextAsync()));

            ILocator weight = tab.Locator("#live-form [data-name='W2[1,1]']");
            await weight.FillAsync(w2_11.ToString("R", CultureInfo.InvariantCulture));
            await weight.PressAsync("Tab");
            await tab.WaitForSelectorAsync("body[data-updates='1']");

            double[] expected = ArticleOutput(w2_11);
            for (int i = 0; i < expected.Length; i++)
            {
                string shown = await tab.Locator($"#live-outputs [data-name=a3][data-index='{i + 1},1']").InnerTextAsync();
                Assert.Equal(expected[i], Number(shown));
            }
            // The explanation itself (the engine's page) follows: a3 to 8 decimals, and the diagram's edge.
            string explanation = await tab.InnerTextAsync("#explanation");
            Assert.Contains(expected[0].ToString("F8", CultureInfo.InvariantCulture), explanation, StringComparison.Ordinal);
            IReadOnlyList<string> edges = await tab.Locator("#explanation g.edge title").AllTextContentsAsync();
            Assert.Contains(edges, e => e.StartsWith("W2[1,1]: w = 1.5", StringComparison.Ordinal));
            string command = await tab.InnerTextAsync("#live-command");
            Assert.Contains("--weights '{\"W1\"", command, StringComparison.Ordinal);
            Assert.Contains("[[1.5, 0.8]", command, StringComparison.Ordinal);
            await tab.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "serve-live.png"), FullPage = false });

            // The diagram's step-through runs in the replaced explanation too (its script is allowed by the policy).
            ILocator stepper = tab.Locator("#explanation section.stepper");
            Assert.Equal("forward", await stepper.GetAttributeAsync("data-stage"));
            await stepper.Locator("button[data-go='1']").ClickAsync();
            Assert.Equal("loss", await stepper.GetAttributeAsync("data-stage"));

            // Click the edge of W2[1,1] (its label) in the diagram: its chain rule appears, with the engine's gradient.
            ILocator edge = tab.Locator("#explanation figure.stage:not([hidden]) g.edge").Filter(new() { Has = tab.Locator("title", new() { HasTextRegex = new("^W2\\[1,1\\]:") }) });
            await edge.Locator("text").First.ClickAsync(new() { Force = true });
            await tab.WaitForSelectorAsync("#live-chain[data-weight='W2[1,1]']:not([hidden])");
            string chain = await tab.InnerTextAsync("#live-chain");
            double gradient = EngineGradient(w2_11);
            Assert.Contains(Math.Abs(gradient).ToString("F8", CultureInfo.InvariantCulture), chain, StringComparison.Ordinal);
            Assert.Contains("--weight 'W2[1,1]'", chain, StringComparison.Ordinal);
            await tab.Locator("#live-chain").ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "serve-chain.png") });

            // A bad value is refused in words, and the page keeps the last good explanation.
            await weight.FillAsync("abc");
            await weight.PressAsync("Tab");
            await tab.WaitForSelectorAsync("#live-status.bad");
            Assert.Contains("weights[1][0]", await tab.InnerTextAsync("#live-status"), StringComparison.Ordinal);
            Assert.Contains(expected[0].ToString("F8", CultureInfo.InvariantCulture), await tab.InnerTextAsync("#explanation"), StringComparison.Ordinal);

            // New layer sizes: the server starts from explain's parameters for them, and the editor follows.
            ILocator layers = tab.Locator("#live-layers");
            await layers.FillAsync("3,4,3");
            await layers.PressAsync("Tab");
            await tab.WaitForSelectorAsync("body[data-updates='2']");
            Assert.Equal(1, await tab.Locator("#live-form [data-name='W1[4,3]']").CountAsync());
            Assert.Equal("backprop explain --layers 3,4,3 --activation sigmoid --loss cross-entropy --lr 0.1 --input 1,1,1 --target 0",
                await tab.InnerTextAsync("#live-command"));
            Assert.Equal("", await tab.InnerTextAsync("#live-status"));

            Assert.Empty(errors);
            Assert.Empty(refused);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    /// <summary>∂L/∂W2[1,1] of the article's step with W2[1,1] changed, from the library's own step.</summary>
    private static double EngineGradient(double w2_11)
    {
        Network<double> network = ArticleExample.CreateNetwork<double>();
        network.DenseLayers[1].Weights[0] = w2_11;
        var step = Backprop.Explain.StepExplanation.Record(network, ArticleExample.Input.ToArray(), ArticleExample.Target.ToArray(), 1, new Sgd<double>(0.1));
        return step.Values("dW2")[0][0];
    }
}
