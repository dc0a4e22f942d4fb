using System.Globalization;
using Backprop.Tests.Support;
using Microsoft.Playwright;
using static Backprop.Tests.Explain.ExplainHarness;

namespace Backprop.Tests.Explain;

/// <summary>
/// The HTML page's step-through diagram in headless Chromium with every network request refused: readable in full
/// with scripts off, moved by Previous/Next and the arrow keys with scripts on, and every number it shows the engine's
/// (from a step the test runs itself through <see cref="TrainingStep.Run{T}"/>). Screenshots go to the test output
/// folder (explain-diagram-*.png).
/// </summary>
public class ExplainStepperTests
{
    private static readonly string[] Stages = ["forward", "loss", "backward", "update"];

    /// <summary>Opens <paramref name="html"/> in Chromium; <paramref name="refused"/> collects every request that left the file.</summary>
    internal static async Task<T> InBrowser<T>(string html, int width, bool javaScript, List<string> refused, Func<IPage, Task<T>> use)
    {
        string folder = Directory.CreateTempSubdirectory("explain-stepper-").FullName;
        string page = Path.Combine(folder, "page.html");
        await File.WriteAllTextAsync(page, html);
        try
        {
            using IPlaywright playwright = await Playwright.CreateAsync();
            await using IBrowserContext context = await HeadlessChromium.OpenAsync(playwright, Path.Combine(folder, "profile"), width, 900, refused, javaScript: javaScript);
            IPage tab = await HeadlessChromium.TabAsync(context);
            await tab.GotoAsync(new Uri(page).AbsoluteUri);
            return await use(tab);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<string[]> VisibleStages(IPage tab)
    {
        var visible = new List<string>();
        foreach (string stage in Stages)
        {
            if (await tab.Locator($"figure[data-stage={stage}]").IsVisibleAsync())
            {
                visible.Add(stage);
            }
        }
        return [.. visible];
    }

    [ChromiumTheory]
    [InlineData("en")]
    [InlineData("zh")]
    public async Task Without_scripts_every_stage_and_all_its_numbers_show(string language)
    {
        Result r = Run("--format", "html", "--lang", language);
        var refused = new List<string>();
        (string[] visible, bool navigation, int numbers, int shown) = await InBrowser(r.Out, 1000, javaScript: false, refused, async tab => (
            await VisibleStages(tab),
            await tab.Locator(".stepper-nav").IsVisibleAsync(),
            await tab.Locator("svg [data-q]").CountAsync(),
            await tab.EvaluateAsync<int>("() => [...document.querySelectorAll('svg [data-q]')].filter(t => t.getBoundingClientRect().width > 0).length")));
        Assert.Equal(Stages, visible);
        Assert.False(navigation, "the buttons show without the script that works them");
        Assert.True(numbers > 80, $"only {numbers} numbers in the diagram");
        Assert.Equal(numbers, shown);
        Assert.Empty(refused);
    }

    [ChromiumTheory]
    [InlineData("en")]
    [InlineData("zh")]
    public async Task Previous_next_and_the_arrow_keys_move_the_stage(string language)
    {
        Result r = Run("--format", "html", "--lang", language);
        var refused = new List<string>();
        List<string[]> seen = await InBrowser(r.Out, 1000, javaScript: true, refused, async tab =>
        {
            var states = new List<string[]> { await VisibleStages(tab) };
            ILocator next = tab.Locator(".stepper-nav button[data-go='1']");
            ILocator previous = tab.Locator(".stepper-nav button[data-go='-1']");
            Assert.True(await previous.IsDisabledAsync());
            await next.ClickAsync();
            states.Add(await VisibleStages(tab));
            await tab.Keyboard.PressAsync("ArrowRight");
            states.Add(await VisibleStages(tab));
            await tab.Keyboard.PressAsync("ArrowRight");
            states.Add(await VisibleStages(tab));
            Assert.True(await next.IsDisabledAsync());
            await tab.Keyboard.PressAsync("ArrowRight"); // stays on the last stage
            states.Add(await VisibleStages(tab));
            await tab.Keyboard.PressAsync("ArrowLeft");
            states.Add(await VisibleStages(tab));
            await previous.ClickAsync();
            states.Add(await VisibleStages(tab));
            states.Add([await tab.InnerTextAsync(".stepper-name")]);
            return states;
        });
        Assert.Equal([["forward"], ["loss"], ["backward"], ["update"], ["update"], ["backward"], ["loss"]], seen.Take(7));
        Assert.Equal(language == "zh" ? "2/4 损失" : "2/4 Loss", seen[7][0]);
        Assert.Empty(refused);
    }

    // The engine's values of the article's step, named as the diagram names them (z3[1,1], W2[1,2], dW2[1,2], W2'[1,2], …).
    private sealed class EngineValues : IStepObserver<double>
    {
        public Dictionary<string, double> Values { get; } = [];

        public void AfterBackward(StepView<double> step)
        {
            Network<double> network = step.Network;
            for (int u = 0; u < network.InputSize; u++)
            {
                Values[$"a1[{u + 1},1]"] = step.Input[u];
            }
            for (int u = 0; u < network.OutputSize; u++)
            {
                Values[$"t[{u + 1},1]"] = step.Target[u];
            }
            Values["loss"] = step.Loss;
            for (int l = 0; l < step.LayerCount; l++)
            {
                Dense<double> layer = network.DenseLayers[l];
                for (int u = 0; u < layer.Outputs; u++)
                {
                    Values[$"z{l + 2}[{u + 1},1]"] = step.Z(l)[u];
                    Values[$"a{l + 2}[{u + 1},1]"] = step.A(l)[u];
                    Values[$"delta{l + 2}[{u + 1},1]"] = step.Delta(l)[u];
                    for (int i = 0; i < layer.Inputs; i++)
                    {
                        Values[$"W{l + 1}[{u + 1},{i + 1}]"] = layer.Weights[u * layer.Inputs + i];
                        Values[$"dW{l + 1}[{u + 1},{i + 1}]"] = layer.WeightGradients[u * layer.Inputs + i];
                    }
                }
            }
        }

        public void AfterUpdate(StepView<double> step)
        {
            for (int l = 0; l < step.LayerCount; l++)
            {
                Dense<double> layer = step.Network.DenseLayers[l];
                for (int u = 0; u < layer.Outputs; u++)
                {
                    Values[$"b{l + 1}'[{u + 1},1]"] = layer.Bias[u];
                    for (int i = 0; i < layer.Inputs; i++)
                    {
                        Values[$"W{l + 1}'[{u + 1},{i + 1}]"] = layer.Weights[u * layer.Inputs + i];
                    }
                }
            }
        }
    }

    [ChromiumTheory]
    [InlineData("en", 1000)]
    [InlineData("en", 390)]
    [InlineData("zh", 1000)]
    [InlineData("zh", 390)]
    public async Task Every_number_in_the_diagram_is_the_engines(string language, int width)
    {
        var engine = new EngineValues();
        TrainingStep.Run(ArticleExample.CreateNetwork<double>(), new Sgd<double>(0.1), [.. ArticleExample.Input], [.. ArticleExample.Target], 1, engine);

        Result r = Run("--format", "html", "--lang", language);
        Assert.True(r.Exit == 0, r.Error);
        var refused = new List<string>();
        string shot = Path.Combine(AppContext.BaseDirectory, $"explain-diagram-{language}-{width}.png");
        (string[][] shown, string[] unnamed, double overflow) = await InBrowser(r.Out, width, javaScript: true, refused, async tab =>
        {
            string[][] texts = await tab.EvaluateAsync<string[][]>("() => [...document.querySelectorAll('svg [data-q]')].map(t => [t.dataset.q, t.textContent])");
            // Any other text of the pictures is a layer number, not a value.
            string[] others = await tab.EvaluateAsync<string[]>("() => [...document.querySelectorAll('svg text:not([data-q])')].map(t => t.textContent).filter(t => !/^\\d+$/.test(t))");
            await tab.Keyboard.PressAsync("ArrowRight");
            await tab.Keyboard.PressAsync("ArrowRight");
            await tab.Locator(".stepper").ScrollIntoViewIfNeededAsync();
            await tab.ScreenshotAsync(new() { Path = shot, FullPage = false });
            return (texts, others, await tab.EvaluateAsync<double>("() => document.documentElement.scrollWidth - window.innerWidth"));
        });
        Assert.Empty(unnamed);
        Assert.True(shown.Length > 80, $"only {shown.Length} numbers in the diagram");
        foreach (string[] pair in shown)
        {
            (string name, string text) = (pair[0], pair[1]);
            Assert.True(engine.Values.TryGetValue(name, out double value), $"the diagram shows {name}, which the engine's step has not");
            string printed = text[(text.LastIndexOf(' ') + 1)..];
            Assert.True(AgreesAtPrintedPrecision(printed, value), $"{name}: the diagram shows {printed}, the engine has {value.ToString("R", CultureInfo.InvariantCulture)}");
        }
        // And every value of the step is shown somewhere.
        Assert.Empty(engine.Values.Keys.Except(shown.Select(p => p[0])));
        Assert.True(overflow <= 1, $"the page is {overflow}px wider than a {width}px screen");
        Assert.True(new FileInfo(shot).Length > 10_000, "the screenshot is empty");
        Assert.Empty(refused);
    }
}
