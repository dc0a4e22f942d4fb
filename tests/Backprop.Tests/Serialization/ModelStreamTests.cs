using System.Text;

namespace Backprop.Tests.Serialization;

public sealed class ModelStreamTests
{
    private static Model Trained() => Classifier.Fit(TestData.Blobs(20), new ClassifierOptions { HiddenLayers = [5], Epochs = 3, Seed = 1 });

    [Fact]
    public void A_model_saved_to_a_stream_loads_back_bit_identically()
    {
        Model model = Trained();
        using var stream = new MemoryStream();
        model.Save(stream);
        stream.Position = 0;
        Model loaded = Model.Load(stream, "memory");
        Assert.Equal(model.Network.Parameters.ToArray(), loaded.Network.Parameters.ToArray());
        Assert.Equal(model.ClassNames, loaded.ClassNames);
        Assert.Equal(model.Scaler.Offset, loaded.Scaler.Offset);
    }

    [Theory]
    [InlineData("", "upload.json: the model file is empty")]
    [InlineData("{\"format\": ", "upload.json: the model file is corrupt or truncated")]
    [InlineData("{\"format\": \"other\"}", "upload.json: not a Backprop model file")]
    public void A_bad_stream_is_named_by_its_source_not_by_a_temporary_file(string text, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => Model.Load(new MemoryStream(Encoding.UTF8.GetBytes(text)), "upload.json"));
        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.GetTempPath(), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_is_read_from_the_streams_position_to_its_end_without_seeking()
    {
        Model model = Trained();
        using var saved = new MemoryStream();
        model.Save(saved);
        byte[] prefix = Encoding.UTF8.GetBytes("header line\n");
        using var stream = new ForwardOnlyStream([.. prefix, .. saved.ToArray()]);
        stream.ReadExactly(new byte[prefix.Length]);
        Model loaded = Model.Load(stream, "socket");
        Assert.Equal(model.Network.Parameters.ToArray(), loaded.Network.Parameters.ToArray());
        Assert.Equal(-1, stream.ReadByte());
    }

    // A network stream: reads come in small pieces, and it cannot seek or tell its length.
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(Math.Min(count, 7), bytes.Length - _position);
            Array.Copy(bytes, _position, buffer, offset, n);
            _position += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
