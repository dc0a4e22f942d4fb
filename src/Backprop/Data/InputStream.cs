using System.Buffers.Binary;
using System.IO.Compression;

namespace Backprop.Data;

/// <summary>
/// A read-only, forward-only view of an input: lets a reader look at the first bytes before it decides what the
/// content is, counts the bytes read (for <see cref="ReadProgress"/>), and never seeks, so named pipes, /dev/fd paths
/// and standard input read like files. Errors of a gzip decompressor underneath come out naming the source.
/// </summary>
internal sealed class InputStream : Stream
{
    private const int ReportEvery = 1 << 18;

    private readonly Stream _inner;
    private readonly string _source;
    private readonly IProgress<ReadProgress>? _progress;
    private readonly long? _total;
    private readonly bool _gzip;
    private readonly bool _leaveOpen;
    private readonly long? _bound;
    private readonly string? _path;
    private readonly InputStream? _compressed;
    private byte[] _head = [];
    private int _headStart;
    private int _headEnd;
    private long _read;
    private long _nextReport = ReportEvery;
    private bool _ended;
    private bool _atEnd;
    private bool _endChecked;
    private ulong _lastBytes;

    private InputStream(Stream inner, string source, long? total, IProgress<ReadProgress>? progress, bool gzip, bool leaveOpen = false, long? bound = null,
        string? path = null, InputStream? compressed = null)
    {
        _path = path;
        _compressed = compressed;
        _bound = bound ?? total;
        _leaveOpen = leaveOpen;
        _inner = inner;
        _source = source;
        _total = total;
        _progress = progress;
        _gzip = gzip;
    }

    /// <summary>Opens the file at <paramref name="path"/> (a regular file, a named pipe or a /dev/fd path).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The path is a directory.</exception>
    public static InputStream Open(string path, IProgress<ReadProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw Directory.Exists(path)
                ? new InvalidDataException($"{path}: is a directory, not a file")
                : new FileNotFoundException($"{path}: no such file", path);
        }
        // No buffer of its own: the readers read blocks of 64 KB and more.
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        return new InputStream(file, path, file.CanSeek ? file.Length : null, progress, gzip: false, path: file.CanSeek ? path : null);
    }

    /// <summary>Wraps an open stream, read from its current position; disposing the wrapper leaves it open.</summary>
    public static InputStream Wrap(Stream stream, string source, IProgress<ReadProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long? total = null;
        if (stream.CanSeek)
        {
            total = stream.Length - stream.Position;
        }
        return new InputStream(stream, source, total, progress, gzip: false, leaveOpen: true);
    }

    /// <summary>
    /// The decompressed content when the input starts with the gzip signature 1f 8b (recognised by content, not by
    /// name); else the input itself. Disposing the result disposes this.
    /// </summary>
    public InputStream Decompressed()
    {
        ReadOnlySpan<byte> signature = Peek(2);
        return signature.Length == 2 && signature[0] == 0x1f && signature[1] == 0x8b
            ? new InputStream(new GZipStream(new BufferedStream(this, GzipInputBuffer), CompressionMode.Decompress), _source, null, null, gzip: true,
                bound: _total is long raw ? raw * MaxDeflateRatio : null, compressed: this)
            : this;
    }

    /// <summary>
    /// The decompressor asks for 8 KB of compressed bytes at a time; the file (which has no buffer of its own) is read
    /// in blocks this large instead: a few hundred reads for Fashion-MNIST's training images rather than thousands.
    /// </summary>
    private const int GzipInputBuffer = 1 << 18;

    /// <summary>Deflate's largest expansion: one compressed byte yields at most 1032 bytes.</summary>
    private const long MaxDeflateRatio = 1032;

    /// <summary>
    /// At most how many bytes the content can hold, when that is known: the file's length, or for gzip 1032 times it
    /// (deflate's largest expansion); null for a pipe. A header that declares more is wrong before anything is read.
    /// </summary>
    public long? MostBytes => _bound;

    /// <summary>True when this is the decompressed content of a gzip file.</summary>
    public bool IsGzip => _gzip;

    /// <summary>Up to <paramref name="count"/> first unread bytes, without consuming them (fewer only at the end).</summary>
    public ReadOnlySpan<byte> Peek(int count)
    {
        if (_headEnd - _headStart < count)
        {
            var head = new byte[count];
            int have = _headEnd - _headStart;
            _head.AsSpan(_headStart, have).CopyTo(head);
            _head = head;
            _headStart = 0;
            _headEnd = have;
            while (_headEnd < count)
            {
                int n = ReadInner(_head.AsSpan(_headEnd));
                if (n == 0)
                {
                    break;
                }
                _headEnd += n;
            }
        }
        return _head.AsSpan(_headStart, Math.Min(count, _headEnd - _headStart));
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_headStart < _headEnd)
        {
            int n = Math.Min(buffer.Length, _headEnd - _headStart);
            _head.AsSpan(_headStart, n).CopyTo(buffer);
            _headStart += n;
            return n;
        }
        return ReadInner(buffer);
    }

    private int ReadInner(Span<byte> buffer)
    {
        int n;
        try
        {
            n = _inner.Read(buffer);
        }
        catch (InvalidDataException e) when (_gzip)
        {
            throw new InvalidDataException($"{_source}: the gzip data is corrupt ({e.Message})", e);
        }
        if (n == 0 && !buffer.IsEmpty)
        {
            _atEnd = true;
            if (_compressed is not null && !_endChecked)
            {
                _endChecked = true;
                CheckGzipEnd(_compressed);
            }
        }
        else if (!_gzip)
        {
            // The last 8 bytes read, the latest in the high byte: a gzip file's trailer once the input has ended.
            if (n >= 8)
            {
                _lastBytes = BinaryPrimitives.ReadUInt64LittleEndian(buffer.Slice(n - 8, 8));
            }
            else
            {
                for (int i = 0; i < n; i++)
                {
                    _lastBytes = (_lastBytes >> 8) | ((ulong)buffer[i] << 56);
                }
            }
        }
        _read += n;
        if (_progress is not null && (_read >= _nextReport || (n == 0 && !_ended)))
        {
            _ended = n == 0;
            _nextReport = _read + ReportEvery;
            _progress.Report(new ReadProgress(_read, _total));
        }
        return n;
    }

    // The decompressor reported the end of the content: make sure the gzip data ended there and was not cut short
    // (GzipEnd). Compressed input it did not read to the end means the data ended before the input did, which is how
    // it skips bytes after the last member; input read to the end must close with the trailer of what came out.
    private void CheckGzipEnd(InputStream compressed)
    {
        bool allRead = compressed._atEnd || (compressed._total is long length && compressed._read >= length);
        if (!allRead)
        {
            return;
        }
        Span<byte> last = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(last, compressed._lastBytes);
        int have = (int)Math.Min(8, compressed._read);
        if (GzipEnd.RecordsLength(last[(8 - have)..], _read))
        {
            return;
        }
        if (compressed._path is { } path)
        {
            if (!GzipEnd.Complete(path))
            {
                throw new InvalidDataException($"{_source}: the gzip data is truncated: its last member ends without its trailer, after {_read} bytes of content");
            }
            return;
        }
        throw new InvalidDataException($"{_source}: the gzip data does not end with the trailer of its {_read} bytes of content: it is truncated, or it holds several "
            + "gzip members or bytes after them, which only a file that can be read twice is checked for; decompress it first");
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_leaveOpen)
        {
            _inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
