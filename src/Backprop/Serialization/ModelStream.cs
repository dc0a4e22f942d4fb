namespace Backprop.Serialization;

/// <summary>
/// Models written to and read from streams, in the JSON model format; read errors name <c>source</c>.
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
        return new JsonModelFormat().Read(stream, source);
    }
}
