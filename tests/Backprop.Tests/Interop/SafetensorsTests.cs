using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using Backprop.Serialization.Safetensors;
using Backprop.Tests.Data;

namespace Backprop.Tests.Interop;

/// <summary>safetensors files: PyTorch's names and shapes on the way out, every kind of hostile header refused on the way in.</summary>
public sealed class SafetensorsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static Model Trained() => Classifier.Fit(TestData.Blobs(20, classes: 3, features: 4), new ClassifierOptions { HiddenLayers = [5, 4], Activations = [Activation.Tanh], Epochs = 3, Seed = 1 });

    private static byte[] Bytes(Model model)
    {
        using var stream = new MemoryStream();
        SafetensorsFile.Export(model, stream);
        return stream.ToArray();
    }

    private static (JsonObject Header, byte[] Data) Split(byte[] file)
    {
        int length = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        return ((JsonObject)JsonNode.Parse(file.AsSpan(8, length))!, file[(8 + length)..]);
    }

    private static byte[] Join(string header, byte[] data)
    {
        byte[] h = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + h.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)h.Length);
        h.CopyTo(file, 8);
        data.CopyTo(file, 8 + h.Length);
        return file;
    }

    [Fact]
    public void Tensors_have_pytorch_sequential_names_and_out_in_shapes()
    {
        Model model = Trained();
        (JsonObject header, byte[] data) = Split(Bytes(model));
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"], header.Select(p => p.Key).Where(k => k != "__metadata__"));
        Assert.Equal("[5,4]", header["0.weight"]!["shape"]!.ToJsonString());
        Assert.Equal("F32", (string?)header["0.weight"]!["dtype"]);
        Assert.Equal("[3,4]", header["4.weight"]!["shape"]!.ToJsonString());
        JsonObject metadata = header["__metadata__"]!.AsObject();
        Assert.All(metadata, p => Assert.Equal(System.Text.Json.JsonValueKind.String, p.Value!.GetValueKind()));
        Assert.Equal("[\"class0\",\"class1\",\"class2\"]", (string?)metadata["classes"]);
        // The second layer's first weight, read as PyTorch would: little-endian F32 at its offset.
        long begin = (long)header["2.weight"]!["data_offsets"]![0]!;
        Assert.Equal(model.Network.DenseLayers[1].Weights[0], BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan((int)begin)));
    }

    [Fact]
    public void A_model_read_back_is_identical()
    {
        Model model = Trained();
        Model back = SafetensorsFile.Import(new MemoryStream(Bytes(model)));
        string a = System.IO.Path.Combine(_dir.Path, "a.json"), b = System.IO.Path.Combine(_dir.Path, "b.json");
        model.Save(a);
        back.Save(b);
        Assert.Equal(File.ReadAllText(a), File.ReadAllText(b));
    }

    [Fact]
    public void Every_truncation_is_refused_with_one_line()
    {
        byte[] good = Bytes(Trained());
        for (int length = 0; length < good.Length; length++)
        {
            var e = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Import(new MemoryStream(good, 0, length)));
            Assert.DoesNotContain('\n', e.Message);
        }
    }

    public static TheoryData<string, string> Damages() => new()
    {
        { "huge-header", "header claims 10000000000 bytes; the limit is 100000000" },
        { "short", "shorter than its 8-byte header length" },
        { "header-past-end", "truncated" },
        { "not-utf8", "not valid UTF-8" },
        { "not-json", "not valid JSON" },
        { "dtype", "tensor '0.bias' has unknown dtype 'F128'" },
        { "int32", "tensor '0.bias' is I32; Backprop reads F32 weights" },
        { "shape-vs-bytes", "tensor '0.weight' has shape [5, 5] of F32 (100 bytes) but data_offsets span 80 bytes" },
        { "out-of-range", "tensor '4.bias' ends at byte 1000000" },
        { "overlap", "overlaps the tensor before it" },
        { "gap", "belong to no tensor" },
        { "negative", "tensor '0.bias' has data_offsets that are not two integers" },
        { "extra-tensor", "tensor 'scaler' is not part of the architecture" },
        { "missing-tensor", "tensor '2.bias' is missing" },
        { "no-metadata", "does not describe a Backprop model" },
        { "trailing", "the tensors cover" },
    };

    [Theory]
    [MemberData(nameof(Damages))]
    public void A_hostile_file_gets_one_line_naming_the_tensor_and_the_problem(string damage, string expected)
    {
        byte[] good = Bytes(Trained());
        (JsonObject header, byte[] data) = Split(good);
        byte[] file = damage switch
        {
            "huge-header" => [.. BitConverter.GetBytes(10_000_000_000UL), .. good[8..]],
            "short" => good[..5],
            "header-past-end" => good[..100],
            "not-utf8" => Join("{\"a\": \"Z\"}", data).Select(b => b == (byte)'Z' ? (byte)0xFF : b).ToArray(),
            "not-json" => Join("{\"0.weight\": ", data),
            "trailing" => [.. good, 0, 0, 0, 0],
            _ => Join(Damage(header, damage).ToJsonString(), data),
        };
        string path = _dir.Write("m.safetensors", file);
        var e = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Import(path));
        Assert.True(e.Message.Contains(expected, StringComparison.Ordinal), e.Message);
        Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);

        CliRunner.Result r = CliRunner.InProcess("import", path, "--out", System.IO.Path.Combine(_dir.Path, "m.json"));
        Assert.Equal(1, r.ExitCode);
        Assert.Single(r.Error.Trim().Split('\n'));
        Assert.False(File.Exists(System.IO.Path.Combine(_dir.Path, "m.json")));
    }

    private static JsonObject Damage(JsonObject header, string damage)
    {
        switch (damage)
        {
            case "dtype": header["0.bias"]!["dtype"] = "F128"; break;
            case "int32": header["0.bias"]!["dtype"] = "I32"; break;
            case "shape-vs-bytes": header["0.weight"]!["shape"] = new JsonArray(5, 5); break;
            case "out-of-range": header["4.bias"]!["data_offsets"] = new JsonArray(999_988, 1_000_000); break;
            case "overlap":
                long b = (long)header["0.bias"]!["data_offsets"]![0]!;
                header["0.bias"]!["data_offsets"] = new JsonArray(b - 4, b + 16);
                break;
            case "gap":
                long g = (long)header["0.bias"]!["data_offsets"]![0]!;
                header["0.bias"]!["data_offsets"] = new JsonArray(g + 4, g + 24);
                break;
            case "negative": header["0.bias"]!["data_offsets"] = new JsonArray(-4, 16); break;
            case "extra-tensor":
                header["2.bias"]!["data_offsets"] = new JsonArray((long)header["2.bias"]!["data_offsets"]![0]!, (long)header["2.bias"]!["data_offsets"]![1]! - 4);
                header["2.bias"]!["shape"] = new JsonArray(3);
                header["scaler"] = new JsonObject { ["dtype"] = "F32", ["shape"] = new JsonArray(1), ["data_offsets"] = new JsonArray((long)header["2.bias"]!["data_offsets"]![1]!, (long)header["2.bias"]!["data_offsets"]![1]! + 4) };
                break;
            case "missing-tensor":
                long end = (long)header["2.bias"]!["data_offsets"]![1]!;
                header.Remove("2.bias");
                header["2.weight"]!["shape"] = new JsonArray(4 * 5 + 4);
                header["2.weight"]!["data_offsets"] = new JsonArray((long)header["2.weight"]!["data_offsets"]![0]!, end);
                break;
            case "no-metadata": header.Remove("__metadata__"); break;
        }
        return header;
    }
}
