namespace Backprop.Tests.Data;

public class SyntheticImagesTests
{
    [Fact]
    public void The_same_seed_gives_the_same_rows_and_another_seed_others()
    {
        Dataset<float> a = SyntheticImages.Bands(20, seed: 1);
        Dataset<float> b = SyntheticImages.Bands(20, seed: 1);
        Dataset<float> c = SyntheticImages.Bands(20, seed: 2);
        Assert.Equal(a.Features.ToArray(), b.Features.ToArray());
        Assert.Equal(a.Labels.ToArray(), b.Labels.ToArray());
        Assert.NotEqual(a.Features.ToArray(), c.Features.ToArray());
    }

    [Fact]
    public void Rows_are_pixels_in_0_1_and_each_class_brightens_its_band()
    {
        Dataset<float> data = SyntheticImages.Bands(200, seed: 3, pixels: 40, classes: 4);
        Assert.Equal((200, 40, 4), (data.Count, data.FeatureCount, data.OutputCount));
        Assert.All(data.Features.ToArray(), v => Assert.InRange(v, 0f, 1f));
        for (int r = 0; r < data.Count; r++)
        {
            int label = data.Labels[r];
            ReadOnlySpan<float> row = data.Row(r);
            double inBand = 0, outside = 0;
            for (int c = 0; c < 40; c++)
            {
                if (c * 4 / 40 == label)
                {
                    inBand += row[c];
                }
                else
                {
                    outside += row[c];
                }
            }
            Assert.True(inBand / 10 > outside / 30, $"row {r}: band mean {inBand / 10}, elsewhere {outside / 30}");
        }
    }

    [Fact]
    public void Sizes_below_one_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticImages.Bands(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticImages.Bands(5, 1, pixels: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticImages.Bands(5, 1, classes: 0));
    }
}
