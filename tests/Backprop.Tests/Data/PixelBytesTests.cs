using Backprop.Tests.Tensors;

namespace Backprop.Tests.Data;

/// <summary>
/// Image sets keep their bytes and convert them as batches are gathered. Every path that turns a byte into a value
/// (the vector conversion at every tail length, a gather, a subset, all features at once, training itself) must give
/// the bits of the scalar b / 255. These tests switch the thread count and the conversion's vector width, so they run
/// with the other tests that change process-wide kernel settings, alone: a test that counts the bytes a training epoch
/// allocates failed when the thread count changed halfway through it.
/// </summary>
[Collection(KernelSettingsCollection.Name)]
public class PixelBytesTests
{
    private static readonly byte[] AllBytes = [.. Enumerable.Range(0, 256).Select(b => (byte)b)];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Every_byte_converts_to_the_bits_of_b_over_255_in_float_and_double(bool vector512)
    {
        bool saved = PixelBytes.UseVector512;
        PixelBytes.UseVector512 = vector512 && saved;
        try
        {
            EveryByteConverts();
        }
        finally
        {
            PixelBytes.UseVector512 = saved;
        }
    }

    private static void EveryByteConverts()
    {
        for (int length = 0; length <= AllBytes.Length; length += length < 40 ? 1 : 31)
        {
            // Every tail length, and every byte in every vector lane (the offset shifts the bytes through the lanes).
            for (int offset = 0; offset < 17 && offset + length <= AllBytes.Length; offset += 8)
            {
                ReadOnlySpan<byte> source = AllBytes.AsSpan(offset, length);
                var floats = new float[length];
                var doubles = new double[length];
                PixelBytes.Convert<float>(source, floats);
                PixelBytes.Convert<double>(source, doubles);
                for (int i = 0; i < length; i++)
                {
                    Assert.Equal(source[i] / 255f, floats[i]);
                    Assert.Equal(source[i] / 255.0, doubles[i]);
                    Assert.Equal(PixelBytes.Value<float>(source[i]), floats[i]);
                }
            }
        }
    }

    [Fact]
    public void A_set_of_image_bytes_gathers_subsets_and_converts_like_the_same_values_as_floats()
    {
        (Dataset<float> bytes, Dataset<float> floats) = Pair(rows: 150, width: 37, seed: 3);
        Assert.True(bytes.KeepsPixelBytes);
        Assert.False(floats.KeepsPixelBytes);

        int[] rows = [149, 0, 7, 7, 63, 100, 1];
        var xb = new float[rows.Length * 37];
        var tb = new float[rows.Length * 4];
        var xf = new float[xb.Length];
        var tf = new float[tb.Length];
        bytes.Gather(rows, xb, tb);
        floats.Gather(rows, xf, tf);
        Assert.Equal(xf, xb);
        Assert.Equal(tf, tb);

        Dataset<float> subset = bytes.Subset(rows);
        Assert.True(subset.KeepsPixelBytes);
        Assert.Equal(floats.Subset(rows).Features.ToArray(), subset.Features.ToArray());
        Assert.Equal(rows.Select(r => floats.Labels[r]), subset.Labels.ToArray());

        bytes.Rescale(FeatureScaler.Fit(bytes, ScalingKind.None));
        Assert.True(bytes.KeepsPixelBytes);
        Assert.Equal(floats.Row(42).ToArray(), bytes.Row(42).ToArray());
        Assert.False(bytes.KeepsPixelBytes); // Row needs the values: converted once, kept
        Assert.Equal(floats.Features.ToArray(), bytes.Features.ToArray());
    }

    [Theory]
    [InlineData(ScalingKind.Standard)]
    [InlineData(ScalingKind.MinMax)]
    public void Scaling_image_bytes_keeps_the_bytes_and_gives_the_values_of_scaling_floats(ScalingKind kind)
    {
        (Dataset<float> bytes, Dataset<float> floats) = Pair(rows: 80, width: 20, seed: 5);
        FeatureScaler scaler = FeatureScaler.Fit(floats, kind);
        FeatureScaler fromBytes = FeatureScaler.Fit(bytes, kind);
        Assert.True(bytes.KeepsPixelBytes); // fitting reads the bytes row by row
        Assert.Equal(scaler.Offset, fromBytes.Offset);
        Assert.Equal(scaler.Scale, fromBytes.Scale);
        bytes.Rescale(scaler);
        floats.Rescale(scaler);
        // Scaled bytes stay bytes: a quarter of the memory of the scaled values, looked up per column as rows are gathered.
        Assert.True(bytes.KeepsPixelBytes);

        int[] rows = [79, 0, 7, 7, 63, 41, 1];
        var xb = new float[rows.Length * 20];
        var tb = new float[rows.Length * 4];
        var xf = new float[xb.Length];
        var tf = new float[tb.Length];
        bytes.Gather(rows, xb, tb);
        floats.Gather(rows, xf, tf);
        Assert.Equal(xf, xb);
        Dataset<float> subset = bytes.Subset(rows);
        Assert.True(subset.KeepsPixelBytes);
        Assert.Equal(floats.Subset(rows).Features.ToArray(), subset.Features.ToArray());

        // A second rescaling composes with the first, as it does on the values.
        FeatureScaler again = FeatureScaler.Fit(floats, ScalingKind.MinMax);
        Assert.Equal(again.Offset, FeatureScaler.Fit(bytes, ScalingKind.MinMax).Offset);
        bytes.Rescale(again);
        floats.Rescale(again);
        Assert.True(bytes.KeepsPixelBytes);
        Assert.Equal(floats.Features.ToArray(), bytes.Features.ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Training_on_scaled_image_bytes_gives_the_bits_of_training_on_scaled_values(int threads)
    {
        (Dataset<float> bytes, Dataset<float> floats) = Pair(rows: 640, width: 784, seed: 12);
        int saved = WorkerPool.ThreadCount;
        try
        {
            WorkerPool.ThreadCount = threads;
            bytes.Rescale(FeatureScaler.Fit(bytes, ScalingKind.Standard));
            floats.Rescale(FeatureScaler.Fit(floats, ScalingKind.Standard));
            float[] fromBytes = Train(bytes);
            float[] fromFloats = Train(floats);
            Assert.Equal(fromFloats, fromBytes);
            Assert.True(bytes.KeepsPixelBytes);
        }
        finally
        {
            WorkerPool.ThreadCount = saved;
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Training_on_image_bytes_gives_the_bits_of_training_on_their_values(int threads)
    {
        // 640 rows of 784: batches big enough to be gathered on both threads, and beside the computation.
        (Dataset<float> bytes, Dataset<float> floats) = Pair(rows: 640, width: 784, seed: 11);
        int saved = WorkerPool.ThreadCount;
        try
        {
            WorkerPool.ThreadCount = threads;
            float[] fromBytes = Train(bytes);
            float[] fromFloats = Train(floats);
            Assert.Equal(fromFloats, fromBytes);
            Assert.True(bytes.KeepsPixelBytes);
        }
        finally
        {
            WorkerPool.ThreadCount = saved;
        }
    }

    [Theory]
    [InlineData(1, 2100)] // two chunks of 1024 rows and a remainder the blocks take
    [InlineData(2, 2100)]
    [InlineData(2, 2051)] // a remainder of three rows: the few-row product
    [InlineData(2, 5)]
    public void Predicting_from_image_bytes_reads_blocks_of_rows_with_the_bits_of_their_values(int threads, int rows)
    {
        (Dataset<float> bytes, Dataset<float> floats) = Pair(rows, width: 40, seed: 21);
        var network = new Network<float>([40, 24, 4], [Activation.Relu, Activation.Softmax], Loss.CrossEntropy);
        Initializer.Randomize(network, 3);
        FeatureScaler scaler = FeatureScaler.Fit(floats, ScalingKind.Standard);
        var model = new Model(network, [.. Enumerable.Range(0, 40).Select(j => $"p{j}")], "label", ["a", "b", "c", "d"], scaler);
        int saved = WorkerPool.ThreadCount;
        try
        {
            WorkerPool.ThreadCount = threads;
            // Raw rows, rescaled by the model on the way in.
            Assert.Equal(model.PredictProbabilities(floats), model.PredictProbabilities(bytes));
            Assert.Equal(model.Evaluate(floats).LogLoss, model.Evaluate(bytes).LogLoss);
            // Rows rescaled beforehand, as a training run's own test split: the bytes go through the rescaled table.
            bytes.Rescale(scaler);
            floats.Rescale(scaler);
            Evaluation fromFloats = model.EvaluateScaled(floats);
            Evaluation fromBytes = model.EvaluateScaled(bytes);
            Assert.Equal(fromFloats.LogLoss, fromBytes.LogLoss);
            Assert.Equal(fromFloats.Accuracy, fromBytes.Accuracy);
            // Never converted whole.
            Assert.True(bytes.KeepsPixelBytes);
        }
        finally
        {
            WorkerPool.ThreadCount = saved;
        }
    }

    private static float[] Train(Dataset<float> data)
    {
        var network = new Network<float>([data.FeatureCount, 16, data.OutputCount], [Activation.Relu, Activation.Softmax], Loss.CrossEntropy);
        Initializer.Randomize(network, 2);
        new Trainer<float>(network, new Sgd<float>(0.1), new TrainingOptions { MaxEpochs = 2, BatchSize = 64, Shuffle = true, Seed = 4 }).Fit(data);
        return network.Parameters.ToArray();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Computed_columns_give_the_tables_values_for_every_byte_and_the_others_are_looked_up(bool vector512)
    {
        // Columns of every kind: standardised pixels, a huge and a tiny scale, a negative scale, an offset far away, no
        // change at all, and offsets equal to the value of a byte (x − o cancels to 0 there, which the affine map does
        // not reproduce: those columns must be looked up).
        const int Width = 53;
        var rng = new Rng(17);
        var offset = new double[Width];
        var scale = new double[Width];
        for (int j = 0; j < Width; j++)
        {
            (offset[j], scale[j]) = (j % 9) switch
            {
                0 => (0.0, 1.0),
                1 => (PixelBytes.Value<float>((byte)(37 * j % 256)), 0.25 + rng.NextDouble()),
                2 => (rng.NextDouble(), 1e-4 * (1 + rng.NextDouble())),
                3 => (rng.NextDouble(), 1e4 * (1 + rng.NextDouble())),
                4 => (-1e3 * rng.NextDouble(), -0.5 - rng.NextDouble()),
                _ => (rng.NextDouble(), 0.05 + 0.5 * rng.NextDouble()),
            };
        }
        var scaler = new FeatureScaler(ScalingKind.Standard, offset, scale);
        var values = new float[256 * Width];
        for (int b = 0; b < 256; b++)
        {
            values.AsSpan(b * Width, Width).Fill(PixelBytes.Value<float>((byte)b));
        }
        scaler.Apply<float>(values);
        var table = new PixelTable<float>(values, Width, scaler);
        // Every column but the cancelling ones is computed; the test would pass vacuously if none were.
        int cancelling = Enumerable.Range(0, Width).Count(j => j % 9 == 1);
        Assert.Equal(Width - cancelling, table.ExactColumns);

        // 256 rows in which every column meets every byte; segments at every start and length, so that runs of computed
        // columns begin and end anywhere and the vector loops meet every tail.
        var pixels = new byte[256 * Width];
        for (int r = 0; r < 256; r++)
        {
            for (int j = 0; j < Width; j++)
            {
                pixels[r * Width + j] = (byte)((r + 11 * j) % 256);
            }
        }
        bool saved = PixelBytes.UseVector512;
        PixelBytes.UseVector512 = vector512 && saved;
        try
        {
            var expected = new float[Width];
            var actual = new float[Width];
            for (int r = 0; r < 256; r++)
            {
                for (int start = 0; start < Width; start += r % 5 + 1)
                {
                    int length = Width - start - r % 7;
                    if (length <= 0)
                    {
                        continue;
                    }
                    ReadOnlySpan<byte> row = pixels.AsSpan(r * Width + start, length);
                    PixelBytes.Lookup<float>(row, values, Width, start, expected);
                    PixelBytes.Lookup(row, table, start, actual);
                    for (int i = 0; i < length; i++)
                    {
                        Assert.Equal(BitConverter.SingleToInt32Bits(expected[i]), BitConverter.SingleToInt32Bits(actual[i]));
                    }
                }
            }
        }
        finally
        {
            PixelBytes.UseVector512 = saved;
        }
    }

    [Fact]
    public void A_table_that_composes_two_rescalings_is_looked_up_where_the_affine_map_would_be_wrong()
    {
        (Dataset<float> bytes, Dataset<float> floats) = Pair(rows: 60, width: 24, seed: 9);
        bytes.Rescale(FeatureScaler.Fit(bytes, ScalingKind.Standard));
        floats.Rescale(FeatureScaler.Fit(floats, ScalingKind.Standard));
        Assert.Equal(24, bytes.PixelValues!.ExactColumns);
        FeatureScaler again = FeatureScaler.Fit(floats, ScalingKind.MinMax);
        bytes.Rescale(again);
        floats.Rescale(again);
        // The second scaler's map applies to the first one's values, not to b / 255: no column may be computed from it.
        Assert.True(bytes.PixelValues!.ExactColumns < 24);
        Assert.Equal(floats.Features.ToArray(), bytes.Features.ToArray());
    }

    private static (Dataset<float> Bytes, Dataset<float> Floats) Pair(int rows, int width, long seed)
    {
        var rng = new Rng(seed);
        var pixels = new byte[rows * width];
        var labels = new int[rows];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)rng.Next(256);
        }
        for (int r = 0; r < rows; r++)
        {
            labels[r] = rng.Next(4);
        }
        float[] values = [.. pixels.Select(b => b / 255f)];
        return (Dataset<float>.FromPixels(pixels, width, labels, 4), new Dataset<float>(values, width, (int[])labels.Clone(), 4));
    }
}
