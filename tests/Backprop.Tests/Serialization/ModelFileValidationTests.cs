using System.Text;
using System.Text.Json.Nodes;

namespace Backprop.Tests.Serialization;

/// <summary>Model files that are well-formed JSON but declare what they do not hold, or hold what a model cannot use.</summary>
public sealed class ModelFileValidationTests : IDisposable
{
    private readonly string _dir = TestData.TempDirectory();

    public void Dispose() => Directory.Delete(_dir, true);

    private JsonNode Good() => JsonNode.Parse(SampleFiles.WriteModel(Path.Combine(_dir, "good.json")))!;

    private InvalidDataException LoadFails(string text)
    {
        string path = Path.Combine(_dir, "bad.json");
        File.WriteAllText(path, text);
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => Model.Load(path));
        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    [Theory]
    [InlineData(2_000_000_000, 4)]
    [InlineData(2, 2_000_000_000)]
    [InlineData(2_000_000_000, 2_000_000_000)]
    public void Layer_sizes_of_two_billion_are_checked_against_the_values_present(int inputs, int hidden)
    {
        JsonNode root = Good();
        root["architecture"]!["layers"]![0]!["inputs"] = inputs;
        root["architecture"]!["layers"]![0]!["outputs"] = hidden;
        root["architecture"]!["layers"]![1]!["inputs"] = hidden;
        InvalidDataException e = LoadFails(root.ToJsonString());
        Assert.Contains("parameters.W", e.Message, StringComparison.Ordinal);
        Assert.Contains("2000000000", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_small_file_declaring_a_fifty_million_wide_layer_is_refused_before_anything_is_allocated()
    {
        JsonNode root = Good();
        root["architecture"]!["layers"]![0]!["outputs"] = 50_000_000;
        root["architecture"]!["layers"]![1]!["inputs"] = 50_000_000;
        string path = Path.Combine(_dir, "wide.json");
        File.WriteAllText(path, root.ToJsonString());
        long before = GC.GetAllocatedBytesForCurrentThread();
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => Model.Load(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("parameters.W1 has shape 4×2 but the architecture needs 50000000×2", e.Message, StringComparison.Ordinal);
        Assert.True(allocated < 4 << 20, $"reading a {new FileInfo(path).Length}-byte file allocated {allocated} bytes");
    }

    [Fact]
    public void A_model_file_with_bytes_that_are_not_utf8_names_the_byte_offset()
    {
        string text = Good().ToJsonString();
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        int at = text.IndexOf("class1", StringComparison.Ordinal) + 2;
        bytes[at] = 0xE9; // 'é' in Windows-1252: a lead byte without its continuation in UTF-8
        string path = Path.Combine(_dir, "latin1.json");
        File.WriteAllBytes(path, bytes);
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => Model.Load(path));
        Assert.Equal($"{path}: the model file is not UTF-8 text: byte offset {at} (line 1) holds 0xE9, which starts no valid UTF-8 character (save the file as UTF-8)", e.Message);
    }

    [Fact]
    public void A_model_file_with_a_utf8_byte_order_mark_loads()
    {
        string path = Path.Combine(_dir, "bom.json");
        string text = SampleFiles.WriteModel(path);
        File.WriteAllText(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        Assert.Equal(0xEF, File.ReadAllBytes(path)[0]);
        Assert.Equal(SampleFiles.Model.Network.Parameters.ToArray(), Model.Load(path).Network.Parameters.ToArray());
    }

    [Theory]
    [InlineData("features", 1, "f0", "features[0] and features[1] are both 'f0'")]
    [InlineData("features", 0, "", "features[0] is empty")]
    [InlineData("features", 1, "  ", "features[1] is blank")]
    [InlineData("classes", 2, "class0", "classes[0] and classes[2] are both 'class0'")]
    [InlineData("classes", 1, "", "classes[1] is empty")]
    public void Duplicate_or_empty_feature_and_class_names_are_refused(string field, int index, string name, string expected)
    {
        JsonNode root = Good();
        root[field]![index] = name;
        Assert.Contains(expected, LoadFails(root.ToJsonString()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_label_name_is_refused()
    {
        JsonNode root = Good();
        root["label"] = "";
        Assert.Contains("\"label\" is empty", LoadFails(root.ToJsonString()).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-2.5", "scaler.scale[1] is -2.5; scales must be finite and positive")]
    [InlineData("0", "scaler.scale[1] is 0; scales must be finite and positive")]
    [InlineData("\"NaN\"", "scaler.scale[1] is NaN; scales must be finite and positive")]
    [InlineData("\"Infinity\"", "scaler.scale[1] is Infinity; scales must be finite and positive")]
    public void A_scale_that_is_not_finite_and_positive_is_refused(string scale, string expected)
    {
        JsonNode root = Good();
        root["scaler"]!["scale"]![1] = JsonNode.Parse(scale);
        Assert.Contains(expected, LoadFails(root.ToJsonString()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_scaler_of_kind_none_must_be_the_identity()
    {
        JsonNode root = Good();
        root["scaler"]!["kind"] = "none";
        Assert.Contains("scaler.kind is none but feature 0 has offset", LoadFails(root.ToJsonString()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_non_finite_offset_is_refused()
    {
        JsonNode root = Good();
        root["scaler"]!["offset"]![0] = "-Infinity";
        Assert.Contains("scaler.offset[0] is -Infinity; offsets must be finite", LoadFails(root.ToJsonString()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_duplicated_property_is_refused_rather_than_one_copy_silently_winning()
    {
        string text = Good().ToJsonString();
        text = text.Replace("\"label\":", "\"label\":\"other\",\"label\":", StringComparison.Ordinal);
        Assert.Contains("corrupt", LoadFails(text).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_with_duplicate_class_names_is_not_saved_so_every_saved_file_loads()
    {
        Model good = SampleFiles.Model;
        var model = new Model(good.Network, good.FeatureNames, good.LabelName, ["a", "b", "a"], good.Scaler);
        string path = Path.Combine(_dir, "m.json");
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => model.Save(path));
        Assert.Contains("classes[0] and classes[2] are both 'a'", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Theory]
    [InlineData("\"features\":[\"f0\"", "\"features\":[\"\\ud800\"", "the string at features[0] is not valid text: an escaped surrogate")]
    [InlineData("\"label\":", "\"\\udc00\":1,\"label\":", "the model file is corrupt: an escaped surrogate (\\uD800-\\uDFFF) without its pair in a property name")]
    public void An_escaped_half_surrogate_pair_is_refused_naming_where_it_is(string find, string replace, string expected)
    {
        string text = Good().ToJsonString();
        Assert.Contains(find, text, StringComparison.Ordinal);
        Assert.Contains(expected, LoadFails(text.Replace(find, replace, StringComparison.Ordinal)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_file_beyond_two_gigabytes_is_refused_naming_it_before_it_is_read()
    {
        string path = Path.Combine(_dir, "huge.json");
        using (var file = new FileStream(path, FileMode.CreateNew))
        {
            file.SetLength(3L << 30); // sparse: no disk space is used
        }
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => Model.Load(path));
        Assert.Equal($"{path}: the model file is 3221225472 bytes; files up to {Array.MaxLength} bytes (2 GB) are read", e.Message);
    }
}
