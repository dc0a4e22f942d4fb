using System.Text;

namespace Backprop.Tests.Serialization;

/// <summary>The weights file (--weights): UTF-8 with or without a byte-order mark, finite values that fit the network's type.</summary>
public sealed class WeightsFileTests : IDisposable
{
    private readonly string _dir = TestData.TempDirectory();

    public void Dispose() => Directory.Delete(_dir, true);

    private InvalidDataException LoadFails<T>(string text, Network<T> network) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        string path = Path.Combine(_dir, "w.json");
        File.WriteAllText(path, text);
        T[] before = network.Parameters.ToArray();
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => WeightsFile.Load(path, network));
        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(before, network.Parameters.ToArray());
        return e;
    }

    [Fact]
    public void A_weights_file_with_a_byte_order_mark_loads_the_same_values()
    {
        string path = Path.Combine(_dir, "w.json");
        File.WriteAllText(path, SampleFiles.WeightsText(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        Network<double> network = SampleFiles.WeightsNetwork();
        WeightsFile.Load(path, network);
        Network<double> expected = SampleFiles.WeightsNetwork();
        WeightsFile.Parse(SampleFiles.WeightsText(), expected);
        Assert.Equal(expected.Parameters.ToArray(), network.Parameters.ToArray());
    }

    [Fact]
    public void Bytes_that_are_not_utf8_are_refused_with_their_offset_instead_of_silently_replaced()
    {
        string text = SampleFiles.WeightsText().Replace("\"b1\"", "\"b1\u00e9\"", StringComparison.Ordinal);
        byte[] bytes = Encoding.Latin1.GetBytes(text);
        int at = Array.IndexOf(bytes, (byte)0xE9);
        string path = Path.Combine(_dir, "w.json");
        File.WriteAllBytes(path, bytes);
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => WeightsFile.Load(path, SampleFiles.WeightsNetwork()));
        Assert.StartsWith($"{path}: the weights file is not UTF-8 text: byte offset {at} (line 3) holds 0xE9", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_beyond_float_range_is_refused_for_a_float_network()
    {
        var network = new Network<float>([2, 3, 2], [Activation.Sigmoid, Activation.Sigmoid], Loss.MeanSquaredError);
        string text = """{"W1": [[1e39, 0], [0, 0], [0, 0]], "b1": [0, 0, 0], "W2": [[0, 0, 0], [0, 0, 0]], "b2": [0, 0]}""";
        Assert.Contains("W1[1,1] is 1e39, beyond the range of the network's Single values", LoadFails(text, network).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"W1": [[0, 0], [0, 0], [0, 0]], "b1": [0, 0, 0], "W2": [[0, 0, 0], [0, 0, 0]], "b2": [0, 0], "b2": [1, 1]}""", "not valid JSON")]
    [InlineData("""{"W1": [[0, 0], [0, 0, 0], [0, 0]], "b1": [0, 0, 0], "W2": [[0, 0, 0], [0, 0, 0]], "b2": [0, 0]}""", "W1 row 2 has 3 values but row 1 has 2; the network needs 3×2")]
    [InlineData("""{"W1": [[0, 0], [0, 0], [0, 0]], "b1": [0, 0, 0], "W2": [[0, 0, 0], [0, 0, 0]], "b2": [0, "NaN"]}""", "b2[2] is \"NaN\", not a finite number")]
    [InlineData("""{"W1": [[0, 0], [0, 0], [0, 0]], "b1": [0, 0, 0], "W2": [[0, 0, 0], [0, 0, 0]], "b2": [0, 1e999]}""", "b2[2] is 1e999, not a finite number")]
    public void Duplicate_tensors_ragged_rows_and_non_finite_values_are_refused(string text, string expected)
        => Assert.Contains(expected, LoadFails(text, SampleFiles.WeightsNetwork()).Message, StringComparison.Ordinal);
}
