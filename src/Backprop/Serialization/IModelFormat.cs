namespace Backprop.Serialization;

/// <summary>One way of writing a <see cref="Model"/> to a file and reading it back; <see cref="ModelFile"/> picks one by extension.</summary>
internal interface IModelFormat
{
    /// <summary>The file extension, with the dot (".json").</summary>
    string Extension { get; }

    void Write(Model model, Stream stream);

    /// <summary>Reads a model; <paramref name="source"/> names the file in errors (InvalidDataException, one line).</summary>
    Model Read(string path, string source);
}
