using Backprop.Tests.Support;
using Microsoft.Playwright;
using Backprop.Tests.Data;

namespace Backprop.Tests.Plots;

/// <summary>
/// Opens a training report in headless Chromium (the Debian package, /usr/bin/chromium) with every network request
/// refused, at a desktop and a phone width: the pictures are laid out, their smallest text stays readable, the page
/// never scrolls sideways, and a screenshot is saved into the test output folder (report-*.png).
/// </summary>
public class ReportBrowserTests
{
    private const string Chromium = ChromiumTheoryAttribute.Path;

    [ChromiumTheory]
    [InlineData(1000, 1400)]
    [InlineData(390, 844)]
    public async Task Report_reads_offline_on_a_desktop_and_a_phone(int width, int height)
    {
        Assert.True(File.Exists(Chromium),
            $"{Chromium} is missing: this test needs Chromium; install it with `apt-get install chromium` (.ci/run does so)");
        using var dir = new TempDirectory();
        string page = Path.Combine(dir.Path, "report.html");
        CliRunner.Result run = CliRunner.InProcess("train", "--dataset", "spirals", "--hidden", "16", "--epochs", "8", "--lr", "0.01",
            "--validation-fraction", "0.2", "--report", page, "--quiet");
        Assert.True(run.ExitCode == 0, run.Error);

        using IPlaywright playwright = await Playwright.CreateAsync();
        var refused = new List<string>();
        await using IBrowserContext context = await HeadlessChromium.OpenAsync(playwright, Path.Combine(dir.Path, "profile"), width, height, refused);
        IPage tab = await HeadlessChromium.TabAsync(context);
        await tab.GotoAsync(new Uri(page).AbsoluteUri);

        Assert.Equal(4, await tab.Locator("figure svg").CountAsync());
        // Each picture is drawn at its column's width; its smallest text (12 units) has a box at least 10 CSS px tall even on a phone.
        double[] widths = await tab.EvaluateAsync<double[]>("() => [...document.querySelectorAll('figure svg')].map(s => s.getBoundingClientRect().width)");
        Assert.All(widths, w => Assert.InRange(w, 300, width));
        double smallestText = await tab.EvaluateAsync<double>("() => Math.min(...[...document.querySelectorAll('figure svg text')].map(t => t.getBoundingClientRect().height))");
        Assert.True(smallestText >= 10, $"the smallest picture text is {smallestText}px tall");
        double overflow = await tab.EvaluateAsync<double>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 1, $"the page is {overflow}px wider than a {width}px screen");
        Assert.Empty(refused);

        string shot = Path.Combine(AppContext.BaseDirectory, $"report-{width}.png");
        await tab.ScreenshotAsync(new() { Path = shot, FullPage = true });
        Assert.True(new FileInfo(shot).Length > 10_000, "the screenshot is empty");
    }
}
