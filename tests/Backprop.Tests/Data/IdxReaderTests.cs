namespace Backprop.Tests.Data;

public class IdxReaderTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Images_are_flattened_row_by_row_and_scaled_to_0_1(bool gzip)
    {
        using var dir = new TempDirectory();
        byte[] raw = IdxFiles.Images(3, 2, 2, i => (byte)(i * 20));
        string path = dir.Write("images-idx3-ubyte", gzip ? IdxFiles.Gzip(raw) : raw);

        (float[] pixels, int count, int rows, int columns) = IdxReader.ReadImages<float>(path);

        Assert.Equal((3, 2, 2), (count, rows, columns));
        Assert.Equal(12, pixels.Length);
        for (int i = 0; i < 12; i++)
        {
            Assert.Equal(i * 20 / 255f, pixels[i]);
        }
    }

    [Fact]
    public void Extreme_bytes_map_to_exactly_0_and_1()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("i", IdxFiles.Images(1, 1, 2, i => i == 0 ? (byte)0 : (byte)255));
        Assert.Equal([0.0, 1.0], IdxReader.ReadImages<double>(path).Pixels);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Images_and_labels_make_a_classification_set(bool gzip)
    {
        using var dir = new TempDirectory();
        byte[] images = IdxFiles.Images(4, 2, 3, i => (byte)i);
        byte[] labels = IdxFiles.Labels(2, 0, 1, 2);
        string imagesPath = dir.Write("img", gzip ? IdxFiles.Gzip(images) : images);
        string labelsPath = dir.Write("lab", gzip ? IdxFiles.Gzip(labels) : labels);

        Dataset<float> data = IdxReader.Load<float>(imagesPath, labelsPath);

        Assert.Equal(4, data.Count);
        Assert.Equal(6, data.FeatureCount);
        Assert.Equal([2, 0, 1, 2], data.Labels.ToArray());
        Assert.Equal(["0", "1", "2"], data.ClassNames);
        Assert.Equal("pixel5", data.FeatureNames[5]);
        Assert.True(data.KeepsPixelBytes); // the bytes are kept and converted as batches are gathered
        Assert.Equal(6 / 255f, data.Row(1)[0]);
    }

    private static string ErrorFor(byte[] images, byte[]? labels = null)
    {
        using var dir = new TempDirectory();
        string imagesPath = dir.Write("images.idx", images);
        string labelsPath = dir.Write("labels.idx", labels ?? IdxFiles.Labels(0, 1));
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.Load<float>(imagesPath, labelsPath));
        Assert.Contains(dir.Path, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        return e.Message;
    }

    [Fact]
    public void A_wrong_magic_number_is_reported_with_both_values()
        => Assert.Contains("magic number 0x00000801 is not that of an IDX image file (0x00000803)", ErrorFor(IdxFiles.Labels(1, 2)));

    [Fact]
    public void A_text_file_given_as_images_is_named_as_text()
        => Assert.Contains("images.idx: magic number 0x612C622C is not that of an IDX image file (0x00000803); it starts with the text 'a,b,', so it is a text file, not IDX",
            ErrorFor("a,b,label\n1,2,x\n"u8.ToArray()));

    [Fact]
    public void A_label_file_with_a_wrong_magic_number_is_reported()
        => Assert.Contains("labels.idx: magic number 0x00000803 is not that of an IDX label file (0x00000801)", ErrorFor(IdxFiles.Images(2, 1, 1, _ => 0), IdxFiles.Images(2, 1, 1, _ => 0)));

    [Fact]
    public void A_zero_image_dimension_is_reported()
        => Assert.Contains("wrong dimensions: dimension 3 of the header is 0", ErrorFor(IdxFiles.Images(2, 2, 0, _ => 0)));

    [Fact]
    public void A_negative_count_is_reported()
        => Assert.Contains("wrong dimensions: dimension 1 of the header is -1", ErrorFor(IdxFiles.Images(0, 2, 2, _ => 0) is var b ? [.. b[..4], 0xFF, 0xFF, 0xFF, 0xFF, .. b[8..]] : []));

    [Fact]
    public void Truncated_image_data_is_reported_with_the_image_it_ends_in()
    {
        byte[] whole = IdxFiles.Images(2, 2, 2, _ => 7);
        Assert.Contains("truncated: the header declares 2 images of 2×2 (8 bytes) but the data ends after 6 bytes (in image 2)", ErrorFor(whole[..^2]));
    }

    [Fact]
    public void A_header_cut_short_is_reported()
        => Assert.Contains("truncated: the file ends inside the header", ErrorFor(IdxFiles.Images(2, 2, 2, _ => 7)[..9]));

    [Fact]
    public void A_file_shorter_than_the_magic_number_is_reported()
        => Assert.Contains("truncated", ErrorFor([0, 0]));

    [Fact]
    public void Data_beyond_what_the_header_declares_is_reported()
        => Assert.Contains("wrong dimensions: the file holds more data than the 2 images its header declares", ErrorFor([.. IdxFiles.Images(2, 1, 1, _ => 7), 9]));

    [Fact]
    public void Truncated_gzip_data_is_reported()
    {
        byte[] gz = IdxFiles.Gzip(IdxFiles.Images(50, 10, 10, i => (byte)(i * 31)));
        string message = ErrorFor(gz[..(gz.Length / 2)]);
        Assert.True(message.Contains("truncated", StringComparison.Ordinal) || message.Contains("corrupt", StringComparison.Ordinal), message);
    }

    [Fact]
    public void Truncated_labels_are_reported()
        => Assert.Contains("labels.idx: truncated: the header declares 2 labels but the data ends after 1", ErrorFor(IdxFiles.Images(2, 1, 1, _ => 0), IdxFiles.Labels(1, 0)[..^1]));

    [Fact]
    public void Images_and_labels_of_different_counts_are_reported_with_both_files()
    {
        string message = ErrorFor(IdxFiles.Images(3, 1, 1, _ => 0), IdxFiles.Labels(0, 1));
        Assert.Matches("images.idx holds 3 images but .*labels.idx holds 2 labels", message);
    }

    [Fact]
    public void A_label_outside_the_class_list_is_reported()
    {
        using var dir = new TempDirectory();
        string images = dir.Write("i", IdxFiles.Images(2, 1, 1, _ => 0));
        string labels = dir.Write("l", IdxFiles.Labels(1, 12));
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.Load<float>(images, labels, ["a", "b"]));
        Assert.Contains("label 12 of item 2 is outside 0..1", e.Message);
    }

    [Fact]
    public void Idx_files_are_recognised_by_content_and_other_files_are_not()
    {
        using var dir = new TempDirectory();
        Assert.True(IdxReader.IsIdx(dir.Write("a", IdxFiles.Images(1, 1, 1, _ => 0))));
        Assert.True(IdxReader.IsIdx(dir.Write("b.csv", IdxFiles.Gzip(IdxFiles.Labels(1)))));
        Assert.False(IdxReader.IsIdx(dir.Write("c.csv", "a,b\n1,2\n")));
        Assert.False(IdxReader.IsIdx(dir.Write("d", [0, 0])));
    }

    [Theory]
    [InlineData("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz")]
    [InlineData("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte.gz")]
    [InlineData("train-images.idx3-ubyte", "train-labels.idx1-ubyte")]
    public void The_labels_file_is_found_beside_the_images(string images, string labels)
    {
        using var dir = new TempDirectory();
        string imagesPath = dir.Write(images, [0]);
        string labelsPath = dir.Write(labels, [0]);
        Assert.Equal(labelsPath, IdxReader.FindLabelsFile(imagesPath));
    }

    [Fact]
    public void No_labels_file_is_null()
    {
        using var dir = new TempDirectory();
        Assert.Null(IdxReader.FindLabelsFile(dir.Write("train-images-idx3-ubyte", [0])));
        Assert.Null(IdxReader.FindLabelsFile(dir.Write("pictures", [0])));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_short_file_declaring_a_billion_labels_is_found_truncated_without_allocating_them(bool gzip)
    {
        using var dir = new TempDirectory();
        byte[] raw = [.. IdxFiles.Labels(new byte[100]).Take(4), 0x40, 0, 0, 0, .. new byte[100]];
        string path = dir.Write("labels-idx1-ubyte", gzip ? IdxFiles.Gzip(raw) : raw);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.True(allocated < 4 << 20, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Dimensions_whose_product_overflows_a_long_are_refused_by_name()
    {
        using var dir = new TempDirectory();
        byte[] raw = [0, 0, 8, 3, 0x7F, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 1, 2, 3];
        string path = dir.Write("images-idx3-ubyte", raw);

        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages<float>(path));

        Assert.Contains("more values than one array holds", e.Message, StringComparison.Ordinal);
    }
}
