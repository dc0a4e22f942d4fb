namespace Backprop.Serialization;

/// <summary>
/// Models written to and read from streams, in the JSON model format. The format's reader takes a file, so a stream is
/// staged in a private temporary file; its errors name <c>source</c>, never the temporary path.
/// </summary>
internal static class ModelStream
{
    public static void Save(Model model, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        new JsonModelFormat().Write(model, stream);
    }

    public static Model Load(Stream stream, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        string directory = Path.Combine(Path.GetTempPath(), "backprop-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        string staged = Path.Combine(directory, "model.json");
        try
        {
            using (var file = new FileStream(staged, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.CopyTo(file);
            }
            return new JsonModelFormat().Read(staged, source);
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException)
        {
            throw new InvalidDataException(e.Message.Replace(staged, source, StringComparison.Ordinal), e);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
