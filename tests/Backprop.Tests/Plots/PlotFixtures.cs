using System.Xml.Linq;

namespace Backprop.Tests.Plots;

/// <summary>A small moons model shared by the picture tests, and helpers to read SVG.</summary>
internal static class PlotFixtures
{
    public static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static readonly Lazy<(Model Model, Dataset<float> Train, Dataset<float> Test)> MoonsRun = new(() =>
    {
        Dataset<float> moons = SyntheticDatasets.Moons<float>(300, 0.1, seed: 3);
        DatasetSplits<float> parts = StratifiedSplit.Split(moons, testFraction: 0.2, validationFraction: 0.2, seed: 1);
        Model model = Classifier.Fit(parts.Train, new ClassifierOptions { HiddenLayers = [16], Epochs = 40, LearningRate = 0.01, Seed = 2 }, parts.Validation);
        return (model, parts.Train, parts.Test!);
    });

    /// <summary>A 2-16-2 model trained 40 epochs on 300 moons points (with validation), and its raw train and test rows.</summary>
    public static (Model Model, Dataset<float> Train, Dataset<float> Test) Moons => MoonsRun.Value;

    /// <summary>Parses the SVG as XML (throws when it is not well-formed) and checks the root.</summary>
    public static XElement Parse(string svg)
    {
        XElement root = XDocument.Parse(svg).Root!;
        Assert.Equal(Svg + "svg", root.Name);
        Assert.StartsWith("0 0 ", (string?)root.Attribute("viewBox"), StringComparison.Ordinal);
        Assert.Equal("100%", (string?)root.Attribute("width"));
        return root;
    }

    public static IEnumerable<string> Texts(XElement root) => root.Descendants(Svg + "text").Select(t => t.Value);

    public static double Number(XElement element, string attribute)
        => double.Parse((string)element.Attribute(attribute)!, System.Globalization.CultureInfo.InvariantCulture);
}
