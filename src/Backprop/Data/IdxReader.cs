using System.Buffers.Binary;
using System.Numerics;

namespace Backprop.Data;

/// <summary>
/// Reads IDX files, the format of MNIST and Fashion-MNIST, plain or gzip-compressed (recognised by content, not by
/// name): a big-endian header (magic 0x00000803 for unsigned-byte images of (count, rows, columns), 0x00000801 for
/// unsigned-byte labels of (count)) followed by the bytes. Images are flattened row by row and scaled to [0, 1].
/// Every problem is an <see cref="InvalidDataException"/> naming the file.
/// </summary>
public static class IdxReader
{
    /// <summary>The magic number of an unsigned-byte image file with three dimensions.</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>The magic number of an unsigned-byte label file with one dimension.</summary>
    public const int LabelsMagic = 0x00000801;

    private const int ChunkBytes = 1 << 16;

    /// <summary>
    /// Reads an image file into one contiguous block (count, rows × columns), each byte b as b / 255.
    /// </summary>
    /// <returns>The pixels, the image count, and each image's rows and columns.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">Wrong magic number, a zero dimension, or data shorter or longer than the header says.</exception>
    public static (T[] Pixels, int Count, int Rows, int Columns) ReadImages<T>(string path) where T : unmanaged, IFloatingPointIeee754<T>
    {
        (byte[] bytes, int count, int rows, int columns) = ReadImageBytes(path);
        var pixels = new T[bytes.Length];
        PixelBytes.Convert<T>(bytes, pixels);
        return (pixels, count, rows, columns);
    }

    /// <summary>Reads an image file's bytes, one contiguous block (count, rows × columns); see <see cref="ReadImages{T}"/>.</summary>
    internal static (byte[] Pixels, int Count, int Rows, int Columns) ReadImageBytes(string path)
    {
        using InputStream stream = Open(path);
        int[] dims = ReadHeader(stream, path, ImagesMagic, "image");
        // Int128: three header dimensions of up to 2^31 each overflow a long.
        Int128 declared = (Int128)dims[0] * dims[1] * dims[2];
        if (declared > Array.MaxLength)
        {
            throw new InvalidDataException($"{path}: {dims[0]} images of {dims[1]}×{dims[2]} are more values than one array holds");
        }
        long total = (long)declared;
        byte[] pixels = ReadDeclared(stream, total, done =>
            $"{path}: truncated: the header declares {dims[0]} images of {dims[1]}×{dims[2]} ({total} bytes) but the data ends after {done} bytes (in image {done / ((long)dims[1] * dims[2]) + 1})");
        EnsureEnd(stream, path, $"{dims[0]} images");
        return (pixels, dims[0], dims[1], dims[2]);
    }

    /// <summary>Reads a label file: one byte per item.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">Wrong magic number, or data shorter or longer than the header says.</exception>
    public static byte[] ReadLabels(string path)
    {
        using InputStream stream = Open(path);
        int[] dims = ReadHeader(stream, path, LabelsMagic, "label");
        if (dims[0] > Array.MaxLength)
        {
            throw new InvalidDataException($"{path}: {dims[0]} labels are more than one array holds");
        }
        byte[] labels = ReadDeclared(stream, dims[0], done => $"{path}: truncated: the header declares {dims[0]} labels but the data ends after {done}");
        EnsureEnd(stream, path, $"{labels.Length} labels");
        return labels;
    }

    /// <summary>
    /// Reads an image file and its label file into a classification set. Feature names are pixel0, pixel1, …;
    /// <paramref name="classNames"/> (default "0" … the largest label) names the classes.
    /// </summary>
    /// <exception cref="InvalidDataException">Either file is malformed, their counts differ, or a label has no class.</exception>
    public static Dataset<T> Load<T>(string imagesPath, string labelsPath, IReadOnlyList<string>? classNames = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(imagesPath);
        ArgumentNullException.ThrowIfNull(labelsPath);
        byte[] raw = ReadLabels(labelsPath);
        (byte[] pixels, int count, int rows, int columns) = ReadImageBytes(imagesPath);
        if (raw.Length != count)
        {
            throw new InvalidDataException($"{imagesPath} holds {count} images but {labelsPath} holds {raw.Length} labels");
        }
        int classCount = classNames?.Count ?? (raw.Length == 0 ? 1 : raw.Max() + 1);
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            if (raw[i] >= classCount)
            {
                throw new InvalidDataException($"{labelsPath}: label {raw[i]} of item {i + 1} is outside 0..{classCount - 1}");
            }
            labels[i] = raw[i];
        }
        int width = rows * columns;
        string[] featureNames = new string[width];
        for (int j = 0; j < width; j++)
        {
            featureNames[j] = "pixel" + j.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        IReadOnlyList<string> names = classNames ?? [.. Enumerable.Range(0, classCount).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        // The set keeps the bytes and gathers batches from them (see Dataset): a quarter of the memory of floats.
        Dataset<T> data = Dataset<T>.FromPixels(pixels, width, labels, classCount, featureNames, names);
        return new Dataset<T>(data) { LabelName = "label" };
    }

    /// <summary>
    /// True when the file (plain or gzipped) starts like an IDX file of unsigned bytes: 0x00, 0x00, 0x08 and a rank.
    /// False for anything else, including a file too short to tell.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static bool IsIdx(string path)
    {
        using InputStream stream = Open(path);
        Span<byte> magic = stackalloc byte[4];
        try
        {
            return stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false) == 4 && magic[0] == 0 && magic[1] == 0 && magic[2] == 0x08 && magic[3] is >= 1 and <= 4;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    /// <summary>
    /// The label file beside an image file, named as MNIST names them: "images" → "labels" and "idx3" → "idx1"
    /// (train-images-idx3-ubyte.gz → train-labels-idx1-ubyte.gz), compressed or not. Null when there is none.
    /// </summary>
    public static string? FindLabelsFile(string imagesPath)
    {
        ArgumentNullException.ThrowIfNull(imagesPath);
        string name = Path.GetFileName(imagesPath);
        string labels = name.Replace("images", "labels", StringComparison.Ordinal).Replace("idx3", "idx1", StringComparison.Ordinal);
        if (labels == name)
        {
            return null;
        }
        string dir = Path.GetDirectoryName(imagesPath) ?? "";
        string stem = labels.EndsWith(".gz", StringComparison.Ordinal) ? labels[..^3] : labels;
        foreach (string candidate in new[] { labels, stem, stem + ".gz" })
        {
            string path = Path.Combine(dir, candidate);
            if (File.Exists(path))
            {
                return path;
            }
        }
        return null;
    }

    /// <summary>
    /// Reads the <paramref name="total"/> bytes a header declares. The buffer grows as the data arrives (doubling, from at
    /// most 1 MiB) unless the file is known to be able to hold them, so a short file whose header declares gigabytes is
    /// found truncated without allocating them first.
    /// </summary>
    private static byte[] ReadDeclared(InputStream stream, long total, Func<long, string> truncated)
    {
        // All of it at once when the file can hold that much (Fashion-MNIST: no copies, no second buffer at the end).
        long first = stream.MostBytes is long most && total <= most ? total : Math.Min(total, 1 << 20);
        byte[] buffer = GC.AllocateUninitializedArray<byte>((int)first);
        long done = 0;
        while (done < total)
        {
            if (done == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(total, Math.Min((long)buffer.Length * 2, Array.MaxLength)));
            }
            int want = (int)Math.Min(ChunkBytes, buffer.Length - done);
            int got = stream.ReadAtLeast(buffer.AsSpan((int)done, want), want, throwOnEndOfStream: false);
            done += got;
            if (got < want)
            {
                throw new InvalidDataException(truncated(done));
            }
        }
        return buffer;
    }

    /// <summary>Opens the file (read forward only, so a pipe works too), decompressing when it starts with the gzip signature 1f 8b.</summary>
    private static InputStream Open(string path) => InputStream.Open(path).Decompressed();

    private static int[] ReadHeader(Stream stream, string path, int expectedMagic, string what)
    {
        Span<byte> word = stackalloc byte[4];
        if (stream.ReadAtLeast(word, 4, throwOnEndOfStream: false) < 4)
        {
            throw new InvalidDataException($"{path}: truncated: the file ends inside the 4-byte magic number");
        }
        int magic = BinaryPrimitives.ReadInt32BigEndian(word);
        if (magic != expectedMagic)
        {
            // A text file (a CSV given where images were expected) is named as text rather than as a strange number.
            bool text = !word.ContainsAnyExceptInRange((byte)0x20, (byte)0x7E);
            string hint = text ? $"; it starts with the text '{System.Text.Encoding.ASCII.GetString(word)}', so it is a text file, not IDX" : "";
            throw new InvalidDataException($"{path}: magic number 0x{magic:X8} is not that of an IDX {what} file (0x{expectedMagic:X8}){hint}");
        }
        int rank = expectedMagic & 0xFF;
        var dims = new int[rank];
        for (int d = 0; d < rank; d++)
        {
            if (stream.ReadAtLeast(word, 4, throwOnEndOfStream: false) < 4)
            {
                throw new InvalidDataException($"{path}: truncated: the file ends inside the header (dimension {d + 1} of {rank})");
            }
            dims[d] = BinaryPrimitives.ReadInt32BigEndian(word);
            bool itemCount = d == 0;
            if (dims[d] < (itemCount ? 0 : 1))
            {
                throw new InvalidDataException($"{path}: wrong dimensions: dimension {d + 1} of the header is {dims[d]} (({string.Join(", ", dims.Take(d + 1))}))");
            }
        }
        return dims;
    }

    private static void EnsureEnd(Stream stream, string path, string declared)
    {
        if (stream.ReadByte() >= 0)
        {
            throw new InvalidDataException($"{path}: wrong dimensions: the file holds more data than the {declared} its header declares");
        }
    }
}
