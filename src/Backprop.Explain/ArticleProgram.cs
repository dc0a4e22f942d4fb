using System.Reflection;

namespace Backprop.Explain;

/// <summary>
/// The article's training program, written again in our own code: numpy-style Python in the article's notation, and
/// C# on the Backprop library's public API. Both train the article's network from its initial values until the loss
/// falls below 0.01, as <c>backprop explain --until-converged</c> does.
/// </summary>
public static class ArticleProgram
{
    /// <summary>The languages the program is written in: "python" and "csharp".</summary>
    public static IReadOnlyList<string> Languages { get; } = ["python", "csharp"];

    /// <summary>The program's source text in <paramref name="language"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="language"/> is not one of <see cref="Languages"/>.</exception>
    public static string Source(string language)
    {
        ArgumentNullException.ThrowIfNull(language);
        string extension = language switch
        {
            "python" => "py",
            "csharp" => "cs",
            _ => throw new ArgumentException($"unknown program language '{language}' (expected {string.Join(" or ", Languages)})", nameof(language)),
        };
        string name = $"Backprop.Explain.Resources.article-program.{extension}";
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"resource {name} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
