namespace Backprop.Tests.Data;

public class FashionMnistTests
{
    [FashionMnistFact]
    public void The_installed_files_give_the_published_split()
    {
        DatasetSplits<float> splits = FashionMnist.Load<float>();

        Assert.Equal(60000, splits.Train.Count);
        Assert.Equal(10000, splits.Test!.Count);
        Assert.Null(splits.Validation);
        Assert.Equal(784, splits.Train.FeatureCount);
        Assert.Equal(FashionMnist.ClassNames, splits.Train.ClassNames);
        Assert.Equal(60000 * 784, splits.Train.Features.Length);

        // Every pixel is in [0, 1], the set uses the whole range, and each class has 6 000 training and 1 000 test rows.
        float min = float.MaxValue, max = float.MinValue;
        foreach (float v in splits.Train.Features)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        Assert.Equal(0f, min);
        Assert.Equal(1f, max);
        var trainCounts = new int[10];
        foreach (int label in splits.Train.Labels)
        {
            trainCounts[label]++;
        }
        var testCounts = new int[10];
        foreach (int label in splits.Test.Labels)
        {
            testCounts[label]++;
        }
        Assert.All(trainCounts, n => Assert.Equal(6000, n));
        Assert.All(testCounts, n => Assert.Equal(1000, n));
    }

    [Fact]
    public void A_missing_folder_says_how_to_install_the_package()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load<float>(dir.Path));
        Assert.Contains("apt-get install dataset-fashion-mnist", e.Message);
        Assert.Contains("--data-dir", e.Message);
        Assert.Contains(Path.Combine(dir.Path, "train-images-idx3-ubyte"), e.Message);
    }

    [Fact]
    public void A_folder_of_small_idx_files_loads_plain_or_gzipped()
    {
        using var dir = new TempDirectory();
        dir.Write("train-images-idx3-ubyte.gz", IdxFiles.Gzip(IdxFiles.Images(3, 28, 28, i => (byte)i)));
        dir.Write("train-labels-idx1-ubyte.gz", IdxFiles.Gzip(IdxFiles.Labels(9, 0, 4)));
        dir.Write("t10k-images-idx3-ubyte", IdxFiles.Images(2, 28, 28, _ => 255));
        dir.Write("t10k-labels-idx1-ubyte", IdxFiles.Labels(1, 2));

        DatasetSplits<float> splits = BuiltInDatasets.LoadSplits<float>("fashion-mnist", new BuiltInDatasetOptions { DataDirectory = dir.Path });

        Assert.Equal(3, splits.Train.Count);
        Assert.Equal(2, splits.Test!.Count);
        Assert.Equal("Ankle boot", splits.Train.ClassNames[splits.Train.Labels[0]]);
        Assert.Equal(1f, splits.Test.Row(1)[783]);
    }

    [Fact]
    public void The_splits_load_alone_as_together()
    {
        using var dir = new TempDirectory();
        dir.Write("train-images-idx3-ubyte.gz", IdxFiles.Gzip(IdxFiles.Images(3, 28, 28, i => (byte)i)));
        dir.Write("train-labels-idx1-ubyte.gz", IdxFiles.Gzip(IdxFiles.Labels(9, 0, 4)));
        dir.Write("t10k-images-idx3-ubyte", IdxFiles.Images(2, 28, 28, i => (byte)(255 - i)));
        dir.Write("t10k-labels-idx1-ubyte", IdxFiles.Labels(1, 2));
        DatasetSplits<float> both = FashionMnist.Load<float>(dir.Path);

        Dataset<float> train = FashionMnist.LoadTrain<float>(dir.Path);
        Dataset<float> test = FashionMnist.LoadTest<float>(dir.Path);

        Assert.Equal(both.Train.Features.ToArray(), train.Features.ToArray());
        Assert.Equal(both.Train.Labels.ToArray(), train.Labels.ToArray());
        Assert.Equal(both.Test!.Features.ToArray(), test.Features.ToArray());
        Assert.Equal(both.Test.Labels.ToArray(), test.Labels.ToArray());
        Assert.Equal(FashionMnist.ClassNames, test.ClassNames);
    }

    [Fact]
    public void Each_split_needs_only_its_own_files()
    {
        using var dir = new TempDirectory();
        dir.Write("t10k-images-idx3-ubyte", IdxFiles.Images(2, 28, 28, _ => 0));
        dir.Write("t10k-labels-idx1-ubyte", IdxFiles.Labels(1, 2));
        Assert.Equal(2, FashionMnist.LoadTest<float>(dir.Path).Count);
        var e = Assert.Throws<FileNotFoundException>(() => FashionMnist.LoadTrain<float>(dir.Path));
        Assert.Contains(Path.Combine(dir.Path, "train-images-idx3-ubyte"), e.Message);
        Assert.Contains("apt-get install dataset-fashion-mnist", e.Message);
    }

    [Fact]
    public void Images_that_are_not_28_by_28_are_reported()
    {
        using var dir = new TempDirectory();
        dir.Write("train-images-idx3-ubyte", IdxFiles.Images(1, 8, 8, _ => 0));
        dir.Write("train-labels-idx1-ubyte", IdxFiles.Labels(0));
        dir.Write("t10k-images-idx3-ubyte", IdxFiles.Images(1, 8, 8, _ => 0));
        dir.Write("t10k-labels-idx1-ubyte", IdxFiles.Labels(0));

        var e = Assert.Throws<InvalidDataException>(() => FashionMnist.Load<float>(dir.Path));
        Assert.Contains("wrong dimensions: Fashion-MNIST images are 28×28 but these have 64 pixels", e.Message);
    }

    [Fact]
    public void A_bad_test_file_is_reported_by_name()
    {
        using var dir = new TempDirectory();
        dir.Write("train-images-idx3-ubyte.gz", IdxFiles.Gzip(IdxFiles.Images(3, 28, 28, i => (byte)i)));
        dir.Write("train-labels-idx1-ubyte.gz", IdxFiles.Gzip(IdxFiles.Labels(9, 0, 4)));
        byte[] test = IdxFiles.Gzip(IdxFiles.Images(2, 28, 28, _ => 255));
        dir.Write("t10k-images-idx3-ubyte.gz", test[..(test.Length / 2)]);
        dir.Write("t10k-labels-idx1-ubyte", IdxFiles.Labels(1, 2));

        var e = Assert.Throws<InvalidDataException>(() => FashionMnist.Load<float>(dir.Path));
        Assert.StartsWith(Path.Combine(dir.Path, "t10k-images-idx3-ubyte.gz") + ": ", e.Message);
    }

    [Fact]
    public void When_training_and_test_files_are_both_bad_the_training_file_is_reported()
    {
        using var dir = new TempDirectory();
        dir.Write("train-images-idx3-ubyte", IdxFiles.Images(1, 28, 28, _ => 0)[..100]);
        dir.Write("train-labels-idx1-ubyte", IdxFiles.Labels(0));
        dir.Write("t10k-images-idx3-ubyte", IdxFiles.Images(1, 8, 8, _ => 0));
        dir.Write("t10k-labels-idx1-ubyte", IdxFiles.Labels(0));

        var e = Assert.Throws<InvalidDataException>(() => FashionMnist.Load<float>(dir.Path));
        Assert.StartsWith(Path.Combine(dir.Path, "train-images-idx3-ubyte") + ": truncated", e.Message);
    }
}
