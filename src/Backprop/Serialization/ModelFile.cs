namespace Backprop.Serialization;

/// <summary>
/// Saves and loads <see cref="Model"/>s. The format follows the file extension; today ".json" (<see cref="JsonModelFormat"/>:
/// versioned, human-readable, parameters written in shortest round-trip form so they read back bit for bit).
/// A new format is one more <see cref="IModelFormat"/> in <see cref="Formats"/>.
/// </summary>
public static class ModelFile
{
    private static readonly IModelFormat[] Formats = [new JsonModelFormat()];

    /// <summary>The extensions <see cref="Save"/> and <see cref="Load"/> understand.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [.. Formats.Select(f => f.Extension)];

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> via a temporary file renamed into place, so no half-written file is ever left.</summary>
    /// <exception cref="ArgumentException">The extension is not a known format.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    public static void Save(Model model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        IModelFormat format = FormatFor(path);
        AtomicFile.Write(path, stream => format.Write(model, stream));
    }

    /// <summary>Reads a model file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is corrupt, truncated, of an unknown format version, or its shapes disagree
    /// (one line naming the file and the field).</exception>
    public static Model Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return FormatFor(path).Read(path, path);
    }

    private static IModelFormat FormatFor(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string extension = Path.GetExtension(path);
        return Formats.FirstOrDefault(f => string.Equals(f.Extension, extension, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"{path}: unknown model format '{extension}' (known: {string.Join(", ", Extensions)})", nameof(path));
    }
}
