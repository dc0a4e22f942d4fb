using Backprop.Tests.Support;
using Microsoft.Playwright;
using static Backprop.Tests.Explain.ExplainHarness;

namespace Backprop.Tests.Explain;

/// <summary>
/// Opens the HTML rendering in headless Chromium (the Debian package, /usr/bin/chromium) with every network request
/// refused, checks that the formulas were laid out by the browser's MathML engine, and saves screenshots into the
/// test output folder (explain-*.png).
/// </summary>
public class ExplainHtmlTests
{
    private const string Chromium = ChromiumTheoryAttribute.Path;

    [ChromiumTheory]
    [InlineData("en", 1000, 1600)]
    [InlineData("zh", 390, 844)]
    public async Task Html_page_renders_its_math_offline_in_Chromium(string language, int width, int height)
    {
        Assert.True(File.Exists(Chromium),
            $"{Chromium} is missing: this test needs Chromium; install it with `apt-get install chromium` (.ci/run does so)");
        Result r = Run("--format", "html", "--lang", language);
        Assert.True(r.Exit == 0, r.Error);
        Assert.DoesNotContain("http://", r.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", r.Out, StringComparison.Ordinal);
        // The one script is inline (the diagram's step-through); nothing is loaded from anywhere.
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(r.Out, "<script"));
        Assert.Contains("<script>", r.Out, StringComparison.Ordinal);

        string folder = Directory.CreateTempSubdirectory("explain-html-").FullName;
        string page = Path.Combine(folder, "explain.html");
        await File.WriteAllTextAsync(page, r.Out);
        try
        {
            using IPlaywright playwright = await Playwright.CreateAsync();
            var refused = new List<string>();
            await using IBrowserContext context = await HeadlessChromium.OpenAsync(playwright, Path.Combine(folder, "profile"), width, height, refused);
            IPage tab = await HeadlessChromium.TabAsync(context);
            await tab.GotoAsync(new Uri(page).AbsoluteUri);

            int blocks = await tab.Locator("math[display=block]").CountAsync();
            Assert.True(blocks >= 10, $"only {blocks} display formulas");
            Assert.True(await tab.Locator("mtable.matrix").CountAsync() >= 20, "matrices missing");
            // MathML laid out by the browser: a matrix has a real height of several lines, a fraction stacks.
            double matrixHeight = await tab.EvaluateAsync<double>("() => document.querySelector('mtable.matrix mtr:nth-child(2)') ? Math.max(...[...document.querySelectorAll('mtable.matrix')].map(m => m.getBoundingClientRect().height)) : 0");
            Assert.True(matrixHeight > 30, $"matrices are {matrixHeight}px tall: MathML was not laid out");
            double fraction = await tab.EvaluateAsync<double>("() => { const f = document.querySelector('mfrac'); const [n, d] = f.children; return d.getBoundingClientRect().top - n.getBoundingClientRect().top; }");
            Assert.True(fraction > 3, "a fraction's denominator is not below its numerator");
            string text = await tab.InnerTextAsync("body");
            foreach (string tex in new[] { "\\begin", "\\frac", "\\mathbf", "$$" })
            {
                Assert.DoesNotContain(tex, text, StringComparison.Ordinal);
            }
            Assert.Contains("0.66818777", text, StringComparison.Ordinal);
            // Readable on a phone: the page itself never scrolls sideways; wide formulas scroll in their own box.
            double overflow = await tab.EvaluateAsync<double>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 1, $"the page is {overflow}px wider than a {width}px screen");
            Assert.Empty(refused);

            string shot = Path.Combine(AppContext.BaseDirectory, $"explain-{language}-{width}.png");
            await tab.ScreenshotAsync(new() { Path = shot, FullPage = false });
            Assert.True(new FileInfo(shot).Length > 10_000, "the screenshot is empty");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [ChromiumTheory]
    [InlineData(390)]
    public async Task On_a_phone_tables_fit_matrices_line_up_and_wide_formulas_show_they_scroll(int width)
    {
        string answers = Path.Combine(Path.GetTempPath(), $"answers-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(answers, """{"a3": [0.2397, 0.3236, 0.4367], "loss": 1.434, "delta2": [0.0531, 0.0334]}""");
        string folder = Directory.CreateTempSubdirectory("explain-phone-").FullName;
        try
        {
            using IPlaywright playwright = await Playwright.CreateAsync();
            await using IBrowserContext context = await HeadlessChromium.OpenAsync(playwright, Path.Combine(folder, "profile"), width, 844);
            IPage tab = await HeadlessChromium.TabAsync(context);
            string[][] pages = [["--check", answers], ["--steps", "3", "--track", "a3,delta2"], []];
            foreach (string[] args in pages)
            {
                Result r = Run([.. args, "--format", "html", "--lang", "zh"]);
                Assert.Contains("Noto Sans CJK SC", r.Out, StringComparison.Ordinal);
                Assert.Contains("WenQuanYi", r.Out, StringComparison.Ordinal);
                string page = Path.Combine(folder, "page.html");
                await File.WriteAllTextAsync(page, r.Out);
                await tab.GotoAsync(new Uri(page).AbsoluteUri);
                string what = string.Join(' ', args);
                // Every table fits the screen, and no cell is wrapped into a column of single characters.
                double widest = await tab.EvaluateAsync<double>("() => Math.max(0, ...[...document.querySelectorAll('table')].map(t => t.getBoundingClientRect().right))");
                Assert.True(widest <= width, $"{what}: a table reaches {widest}px on a {width}px screen");
                double tallest = await tab.EvaluateAsync<double>("() => Math.max(0, ...[...document.querySelectorAll('td')].map(c => c.getBoundingClientRect().height / parseFloat(getComputedStyle(c).lineHeight || '20')))");
                Assert.True(tallest < 2.6, $"{what}: a table cell wraps over {tallest:F1} lines");
                // Columns of numbers line up on the right edge, so equal decimals put the points under one another (a minus
                // sign and the figure space that stands for it differ by a pixel or two).
                string[] ragged = await tab.EvaluateAsync<string[]>("""
                    () => { let worst = 0; let where = '';
                      for (const t of document.querySelectorAll('mtable.matrix')) {
                        const rows = [...t.children].filter(r => r.tagName.toLowerCase() === 'mtr');
                        if (rows.length < 2 || [...t.querySelectorAll('mtd')].some(d => d.children.length !== 1 || d.children[0].tagName.toLowerCase() !== 'mn')) continue;
                        for (let c = 0; c < rows[0].children.length; c++) {
                          const rights = rows.map(r => { const range = document.createRange(); range.selectNodeContents(r.children[c]); return range.getBoundingClientRect().right; });
                          const spread = Math.max(...rights) - Math.min(...rights);
                          if (spread > worst) { worst = spread; where = t.textContent; }
                        } }
                      return [String(worst), where]; }
                    """);
                Assert.True(double.Parse(ragged[0], System.Globalization.CultureInfo.InvariantCulture) <= 2, $"{what}: matrix entries are {ragged[0]}px out of line in {ragged[1]}");
            }
            // The default page has formulas wider than the phone: they scroll in their own box, which shows a shadow cue.
            int wide = await tab.EvaluateAsync<int>("() => [...document.querySelectorAll('.eq')].filter(e => e.scrollWidth > e.clientWidth + 1).length");
            Assert.True(wide > 0, $"no formula is wider than {width}px; the scroll cue is not exercised");
            string background = await tab.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('.eq')).backgroundImage");
            Assert.Contains("radial-gradient", background, StringComparison.Ordinal);
            double overflow = await tab.EvaluateAsync<double>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 1, $"the page is {overflow}px wider than the screen");
        }
        finally
        {
            File.Delete(answers);
            Directory.Delete(folder, recursive: true);
        }
    }
}
