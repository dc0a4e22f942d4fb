using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Backprop.Interop;

namespace Backprop.Serialization.Safetensors;

/// <summary>
/// The safetensors layout: an 8-byte little-endian header length, a UTF-8 JSON header
/// {"__metadata__": {string: string}, "NAME": {"dtype", "shape", "data_offsets": [begin, end]}, …} and the tensors'
/// bytes. Backprop writes F32 tensors named like PyTorch's nn.Sequential state dict ("0.weight" [out, in], "0.bias"
/// [out], "2.weight", …) and the architecture, names and scaler in __metadata__ (<see cref="ModelMetadata"/>).
/// The reader checks everything a hostile file could get wrong before it trusts a byte.
/// </summary>
internal static class SafetensorsFormat
{
    /// <summary>The largest header read: 100 MB (the reference implementation's own limit).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private static readonly Dictionary<string, int> DtypeSizes = new(StringComparer.Ordinal)
    {
        ["BOOL"] = 1, ["U8"] = 1, ["I8"] = 1, ["F8_E4M3"] = 1, ["F8_E5M2"] = 1,
        ["I16"] = 2, ["U16"] = 2, ["F16"] = 2, ["BF16"] = 2,
        ["I32"] = 4, ["U32"] = 4, ["F32"] = 4,
        ["I64"] = 8, ["U64"] = 8, ["F64"] = 8,
    };

    public static void Write(ModelParts parts, Stream stream)
    {
        var tensors = new List<(string Name, int[] Shape, float[] Values)>();
        for (int l = 0; l < parts.Layers.Count; l++)
        {
            LayerParts layer = parts.Layers[l];
            tensors.Add((Naming.Weight(l), [layer.Outputs, layer.Inputs], layer.Weights));
            tensors.Add((Naming.Bias(l), [layer.Outputs], layer.Bias));
        }
        using var headerStream = new MemoryStream();
        using (var w = new Utf8JsonWriter(headerStream))
        {
            w.WriteStartObject();
            w.WriteStartObject("__metadata__");
            foreach ((string key, string value) in ModelMetadata.Write(parts).OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                w.WriteString(key, value);
            }
            w.WriteEndObject();
            long offset = 0;
            foreach ((string name, int[] shape, float[] values) in tensors)
            {
                w.WriteStartObject(name);
                w.WriteString("dtype", "F32");
                w.WriteStartArray("shape");
                foreach (int s in shape)
                {
                    w.WriteNumberValue(s);
                }
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + values.Length * 4L);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += values.Length * 4L;
            }
            w.WriteEndObject();
        }
        // The header is padded with spaces to a multiple of 8 bytes, so the tensors that follow start aligned.
        int padding = (int)((8 - headerStream.Length % 8) % 8);
        for (int i = 0; i < padding; i++)
        {
            headerStream.WriteByte((byte)' ');
        }
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)headerStream.Length);
        stream.Write(length);
        stream.Write(headerStream.GetBuffer().AsSpan(0, (int)headerStream.Length));
        var buffer = new byte[4096];
        foreach ((_, _, float[] values) in tensors)
        {
            for (int i = 0; i < values.Length; i += buffer.Length / 4)
            {
                int n = Math.Min(buffer.Length / 4, values.Length - i);
                for (int j = 0; j < n; j++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(j * 4), values[i + j]);
                }
                stream.Write(buffer, 0, n * 4);
            }
        }
    }

    /// <summary>Reads and validates a whole file; <paramref name="source"/> names it in errors.</summary>
    public static ModelParts Read(Stream stream, string source)
    {
        Span<byte> lengthBytes = stackalloc byte[8];
        if (stream.ReadAtLeast(lengthBytes, 8, throwOnEndOfStream: false) < 8)
        {
            throw new InvalidDataException($"{source}: not a safetensors file (shorter than its 8-byte header length)");
        }
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > MaxHeaderBytes)
        {
            throw new InvalidDataException($"{source}: the safetensors header claims {headerLength} bytes; the limit is {MaxHeaderBytes}");
        }
        if (stream.CanSeek && (long)headerLength > stream.Length - stream.Position)
        {
            throw new InvalidDataException($"{source}: the safetensors header claims {headerLength} bytes but the file has {stream.Length - stream.Position} after the length (truncated)");
        }
        var header = new byte[headerLength];
        if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length)
        {
            throw new InvalidDataException($"{source}: the safetensors header is truncated");
        }
        var tensors = new Dictionary<string, TensorEntry>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        ParseHeader(header, source, tensors, metadata);

        long dataLength = stream.CanSeek ? stream.Length - stream.Position : -1;
        long covered = CheckLayout(tensors, source, dataLength);
        var data = new byte[covered];
        if (stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false) < data.Length)
        {
            throw new InvalidDataException($"{source}: the tensor data is truncated (the header needs {covered} bytes)");
        }
        if (!stream.CanSeek && stream.ReadByte() >= 0)
        {
            throw new InvalidDataException($"{source}: bytes after the last tensor (the tensors must cover the data exactly)");
        }
        return ToParts(tensors, metadata, data, source);
    }

    private sealed record TensorEntry(string Name, string Dtype, long[] Shape, long Begin, long End);

    private static void ParseHeader(byte[] header, string source, Dictionary<string, TensorEntry> tensors, Dictionary<string, string> metadata)
    {
        JsonDocument document;
        try
        {
            // Strict UTF-8 first: System.Text.Json replaces nothing, but a clear message beats a position.
            _ = new UTF8Encoding(false, true).GetString(header);
            document = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (DecoderFallbackException)
        {
            throw new InvalidDataException($"{source}: the safetensors header is not valid UTF-8");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: the safetensors header is not valid JSON (byte {e.BytePositionInLine + 1})");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{source}: the safetensors header is not a JSON object");
            }
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                string name = property.Name;
                if (name == "__metadata__")
                {
                    if (property.Value.ValueKind != JsonValueKind.Object)
                    {
                        throw new InvalidDataException($"{source}: __metadata__ is not an object of strings");
                    }
                    foreach (JsonProperty entry in property.Value.EnumerateObject())
                    {
                        if (entry.Value.ValueKind != JsonValueKind.String)
                        {
                            throw new InvalidDataException($"{source}: __metadata__.{entry.Name} is not a string");
                        }
                        metadata[entry.Name] = entry.Value.GetString()!;
                    }
                    continue;
                }
                if (tensors.ContainsKey(name))
                {
                    throw new InvalidDataException($"{source}: tensor '{name}' appears twice");
                }
                tensors[name] = Entry(property.Value, name, source);
            }
        }
    }

    private static TensorEntry Entry(JsonElement e, string name, string source)
    {
        if (e.ValueKind != JsonValueKind.Object
            || !e.TryGetProperty("dtype", out JsonElement dtype) || dtype.ValueKind != JsonValueKind.String
            || !e.TryGetProperty("shape", out JsonElement shape) || shape.ValueKind != JsonValueKind.Array
            || !e.TryGetProperty("data_offsets", out JsonElement offsets) || offsets.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"{source}: tensor '{name}' needs \"dtype\", \"shape\" and \"data_offsets\"");
        }
        string type = dtype.GetString()!;
        if (!DtypeSizes.ContainsKey(type))
        {
            throw new InvalidDataException($"{source}: tensor '{name}' has unknown dtype '{type}'");
        }
        var dims = new List<long>();
        foreach (JsonElement d in shape.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long v) || v < 0)
            {
                throw new InvalidDataException($"{source}: tensor '{name}' has a shape entry that is not a non-negative integer");
            }
            dims.Add(v);
        }
        if (offsets.GetArrayLength() != 2 || !offsets[0].TryGetInt64(out long begin) || !offsets[1].TryGetInt64(out long end) || begin < 0 || end < begin)
        {
            throw new InvalidDataException($"{source}: tensor '{name}' has data_offsets that are not two integers 0 ≤ begin ≤ end");
        }
        return new TensorEntry(name, type, [.. dims], begin, end);
    }

    /// <summary>Shape × dtype size = byte length for each tensor; together the tensors cover [0, end) without overlap.</summary>
    private static long CheckLayout(Dictionary<string, TensorEntry> tensors, string source, long dataLength)
    {
        foreach (TensorEntry t in tensors.Values)
        {
            long bytes = DtypeSizes[t.Dtype];
            foreach (long d in t.Shape)
            {
                if (d != 0 && bytes > long.MaxValue / d)
                {
                    throw new InvalidDataException($"{source}: tensor '{t.Name}' has a shape too large to address");
                }
                bytes *= d;
            }
            if (bytes != t.End - t.Begin)
            {
                throw new InvalidDataException($"{source}: tensor '{t.Name}' has shape [{string.Join(", ", t.Shape)}] of {t.Dtype} ({bytes} bytes) but data_offsets span {t.End - t.Begin} bytes");
            }
            if (dataLength >= 0 && t.End > dataLength)
            {
                throw new InvalidDataException($"{source}: tensor '{t.Name}' ends at byte {t.End} but the data has {dataLength} bytes");
            }
        }
        long position = 0;
        foreach (TensorEntry t in tensors.Values.OrderBy(t => t.Begin).ThenBy(t => t.End))
        {
            if (t.Begin < position)
            {
                throw new InvalidDataException($"{source}: tensor '{t.Name}' (bytes {t.Begin}–{t.End}) overlaps the tensor before it");
            }
            if (t.Begin > position)
            {
                throw new InvalidDataException($"{source}: bytes {position}–{t.Begin} before tensor '{t.Name}' belong to no tensor");
            }
            position = t.End;
        }
        if (dataLength >= 0 && position != dataLength)
        {
            throw new InvalidDataException($"{source}: the tensors cover {position} bytes but the data has {dataLength}");
        }
        if (position > Array.MaxLength)
        {
            throw new InvalidDataException($"{source}: the tensors need {position} bytes, more than one model can hold");
        }
        return position;
    }

    private static ModelParts ToParts(Dictionary<string, TensorEntry> tensors, Dictionary<string, string> metadata, byte[] data, string source)
    {
        if (!ModelMetadata.IsBackprop(metadata))
        {
            throw new InvalidDataException($"{source}: __metadata__ does not describe a Backprop model (\"format\": \"{ModelMetadata.FormatName}\"); "
                + "a state dict from elsewhere needs its architecture: export it to ONNX and import that");
        }
        if (metadata.TryGetValue("version", out string? version) && version != ModelMetadata.Version)
        {
            throw new InvalidDataException($"{source}: __metadata__ version {version} is not supported (this build reads version {ModelMetadata.Version})");
        }
        (int[] sizes, Activation[] activations) = ModelMetadata.Layers(metadata, source);
        var expected = new List<string>();
        for (int l = 0; l < activations.Length; l++)
        {
            expected.Add(Naming.Weight(l));
            expected.Add(Naming.Bias(l));
        }
        foreach (string name in expected.Where(n => !tensors.ContainsKey(n)).Take(1))
        {
            throw new InvalidDataException($"{source}: tensor '{name}' is missing");
        }
        foreach (string name in tensors.Keys.Where(n => !expected.Contains(n)).Take(1))
        {
            throw new InvalidDataException($"{source}: tensor '{name}' is not part of the architecture ({string.Join(", ", expected)})");
        }
        var layers = new List<LayerParts>();
        for (int l = 0; l < activations.Length; l++)
        {
            float[] w = Floats(tensors[Naming.Weight(l)], data, [sizes[l + 1], sizes[l]], source);
            float[] b = Floats(tensors[Naming.Bias(l)], data, [sizes[l + 1]], source);
            layers.Add(new LayerParts(sizes[l], sizes[l + 1], w, b, activations[l]));
        }
        return ModelMetadata.Parts(metadata, layers, ModelHead.Classification, source);
    }

    private static float[] Floats(TensorEntry t, byte[] data, long[] shape, string source)
    {
        string name = t.Name;
        if (t.Dtype != "F32")
        {
            throw new InvalidDataException($"{source}: tensor '{name}' is {t.Dtype}; Backprop reads F32 weights");
        }
        if (!t.Shape.SequenceEqual(shape))
        {
            throw new InvalidDataException($"{source}: tensor '{name}' has shape [{string.Join(", ", t.Shape)}] but the architecture needs [{string.Join(", ", shape)}]");
        }
        var values = new float[(t.End - t.Begin) / 4];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan((int)t.Begin + i * 4, 4));
            if (!float.IsFinite(values[i]))
            {
                throw new InvalidDataException($"{source}: tensor '{name}' value {i} is not finite");
            }
        }
        return values;
    }
}
