using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Backprop.Explain;

/// <summary>
/// The sentences of an explanation in one language, read from an embedded resource (Resources/explain-LANG.json).
/// A sentence has named holes, {name}, filled with text or inline formulas; no sentence is assembled in code.
/// </summary>
internal sealed partial class Prose
{
    private readonly Dictionary<string, string> _sentences;

    private Prose(string language, Dictionary<string, string> sentences)
    {
        Language = language;
        _sentences = sentences;
    }

    /// <summary>The languages with a resource file.</summary>
    public static IReadOnlyList<string> Languages { get; } = ["en", "zh"];

    public string Language { get; }

    public IEnumerable<string> Keys => _sentences.Keys;

    /// <summary>Loads a language; <see cref="ArgumentException"/> names the known ones when it is not there.</summary>
    public static Prose Load(string language)
    {
        if (!Languages.Contains(language))
        {
            throw new ArgumentException($"unknown language '{language}' (expected {string.Join(" or ", Languages)})", nameof(language));
        }
        string name = $"Backprop.Explain.Resources.explain-{language}.json";
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"resource {name} is missing from the build");
        Dictionary<string, string> sentences = JsonSerializer.Deserialize(stream, ProseJsonContext.Default.DictionaryStringString)
            ?? throw new InvalidDataException($"resource {name} is empty");
        return new Prose(language, sentences);
    }

    /// <summary>A sentence without holes.</summary>
    public string this[string key] => _sentences.TryGetValue(key, out string? s)
        ? s
        : throw new KeyNotFoundException($"prose '{key}' is missing for language '{Language}'");

    /// <summary>A sentence as plain text, holes filled with text.</summary>
    public string Text(string key, params (string Name, string Value)[] values)
    {
        string template = this[key];
        return Hole().Replace(template, m =>
        {
            string name = m.Groups[1].Value;
            foreach ((string n, string v) in values)
            {
                if (n == name)
                {
                    return v;
                }
            }
            throw new KeyNotFoundException($"prose '{key}' ({Language}) has a hole {{{name}}} that nothing fills");
        });
    }

    /// <summary>A sentence as a paragraph, holes filled with text (string) or formulas (<see cref="MathNode"/>).</summary>
    public DocParagraph Paragraph(string key, DocTone tone, params (string Name, object Value)[] values)
    {
        string template = this[key];
        var parts = new List<DocInline>();
        int at = 0;
        foreach (Match m in Hole().Matches(template))
        {
            if (m.Index > at)
            {
                parts.Add(new DocText(template[at..m.Index]));
            }
            string name = m.Groups[1].Value;
            object value = values.FirstOrDefault(v => v.Name == name).Value
                ?? throw new KeyNotFoundException($"prose '{key}' ({Language}) has a hole {{{name}}} that nothing fills");
            parts.Add(value switch
            {
                MathNode math => new DocMath(math),
                string text => new DocText(text),
                _ => throw new ArgumentException($"hole {{{name}}} of '{key}' is filled with a {value.GetType().Name}", nameof(values)),
            });
            at = m.Index + m.Length;
        }
        if (at < template.Length)
        {
            parts.Add(new DocText(template[at..]));
        }
        return new DocParagraph(parts, tone);
    }

    public DocParagraph Paragraph(string key, params (string Name, object Value)[] values) => Paragraph(key, DocTone.Plain, values);

    /// <summary>The holes a sentence has, for the tests that keep the languages in step.</summary>
    public IReadOnlyList<string> HolesOf(string key) => [.. Hole().Matches(this[key]).Select(m => m.Groups[1].Value).Order()];

    [GeneratedRegex(@"\{([A-Za-z][A-Za-z0-9]*)\}")]
    private static partial Regex Hole();
}
