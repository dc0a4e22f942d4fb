using Microsoft.Playwright;

namespace Backprop.Tests.Support;

/// <summary>
/// Debian's Chromium, headless, as every browser test opens it: a fresh profile, a viewport of the given size, and
/// (with <c>refused</c>) every request outside what the page may load aborted and recorded, so that a test can check
/// that a page works offline.
/// </summary>
internal static class HeadlessChromium
{
    /// <summary>Opens a browser context with its profile in <paramref name="profile"/>.</summary>
    /// <param name="refused">Where aborted requests are recorded; null lets every request through.</param>
    /// <param name="allowed">Which URLs may load (default: file: URLs only).</param>
    public static async Task<IBrowserContext> OpenAsync(IPlaywright playwright, string profile, int width, int height,
        List<string>? refused = null, Func<string, bool>? allowed = null, bool javaScript = true)
    {
        IBrowserContext context = await playwright.Chromium.LaunchPersistentContextAsync(profile, new()
        {
            ExecutablePath = ChromiumTheoryAttribute.Path,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            ViewportSize = new ViewportSize { Width = width, Height = height },
            JavaScriptEnabled = javaScript,
            Timeout = 60_000,
        });
        if (refused is not null)
        {
            allowed ??= url => url.StartsWith("file:", StringComparison.Ordinal);
            await context.RouteAsync("**/*", async route =>
            {
                if (allowed(route.Request.Url))
                {
                    await route.ContinueAsync();
                }
                else
                {
                    lock (refused)
                    {
                        refused.Add(route.Request.Url);
                    }
                    await route.AbortAsync();
                }
            });
        }
        return context;
    }

    /// <summary>The context's first tab (a persistent context opens with one).</summary>
    public static async Task<IPage> TabAsync(IBrowserContext context) => context.Pages.Count > 0 ? context.Pages[0] : await context.NewPageAsync();
}
