using System.Text.Json.Serialization;

namespace Backprop.Explain;

/// <summary>Source-generated JSON reading for the prose resources (the library is trimming- and AOT-safe).</summary>
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class ProseJsonContext : JsonSerializerContext;
