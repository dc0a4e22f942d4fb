namespace Backprop.Tests.Training;

public class LearningRateFinderTests
{
    private static (ClassifierRun Run, Dataset<float> Data) Blobs(long seed = 0)
    {
        Dataset<float> data = TestData.Blobs(60, seed: 3);
        data.Rescale(FeatureScaler.Fit(data, ScalingKind.Standard));
        return (new ClassifierRun(new ClassifierOptions { HiddenLayers = [16], Seed = seed }, data), data);
    }

    [Fact]
    public void The_rate_grows_exponentially_from_start_to_end_and_the_suggestion_is_a_sane_rate()
    {
        (ClassifierRun run, Dataset<float> data) = Blobs();
        var options = new LearningRateSweepOptions { StartRate = 1e-6, EndRate = 10, Steps = 100, BatchSize = 16 };

        LearningRateSweep sweep = LearningRateFinder.Run(run.Network, run.Trainer.Optimizer, data, options);

        Assert.Equal(1e-6, sweep.Steps[0].LearningRate, 1e-15);
        for (int i = 1; i < sweep.Steps.Count; i++)
        {
            Assert.Equal(i + 1, sweep.Steps[i].Step);
            Assert.True(sweep.Steps[i].LearningRate > sweep.Steps[i - 1].LearningRate);
            Assert.Equal(Math.Pow(1e7, 1.0 / 99), sweep.Steps[i].LearningRate / sweep.Steps[i - 1].LearningRate, 9);
        }
        // Adam learns these blobs at 1e-3 to 1e-1; the steepest fall of the loss lies there, not at the ends.
        Assert.NotNull(sweep.SuggestedRate);
        Assert.InRange(sweep.SuggestedRate!.Value, 1e-4, 1);
        Assert.True(sweep.Steps[sweep.SuggestedStep!.Value - 1].SmoothedLoss < sweep.Steps[0].SmoothedLoss);
    }

    [Fact]
    public void The_sweep_stops_when_the_loss_blows_up()
    {
        (ClassifierRun run, Dataset<float> data) = Blobs();
        // SGD at rates up to 1e6 diverges long before the last step.
        var sgd = OptimizerNames.Create("sgd", new OptimizerSettings(0.01, 0, 0));
        LearningRateSweep sweep = LearningRateFinder.Run(run.Network, sgd, data,
            new LearningRateSweepOptions { StartRate = 1e-4, EndRate = 1e6, Steps = 100, BatchSize = 16 });

        Assert.True(sweep.Diverged);
        Assert.True(sweep.Steps.Count < 100, $"{sweep.Steps.Count} steps");
    }

    [Fact]
    public void The_same_seed_gives_the_same_sweep()
    {
        var options = new LearningRateSweepOptions { Steps = 30, EndRate = 1, Seed = 4 };
        (ClassifierRun a, Dataset<float> data) = Blobs(seed: 1);
        (ClassifierRun b, _) = Blobs(seed: 1);
        LearningRateSweep first = LearningRateFinder.Run(a.Network, a.Trainer.Optimizer, data, options);
        LearningRateSweep second = LearningRateFinder.Run(b.Network, b.Trainer.Optimizer, data, options);
        Assert.Equal(first.Steps, second.Steps);
    }

    [Fact]
    public void A_loss_that_never_falls_has_no_suggestion()
    {
        LearningRateStep[] rising = [.. Enumerable.Range(1, 30).Select(i => new LearningRateStep(i, Math.Pow(10, i / 3.0 - 8), i, i))];
        Assert.Null(LearningRateFinder.Suggest(rising, 10));
        LearningRateStep[] falling = [.. Enumerable.Range(1, 30).Select(i => new LearningRateStep(i, Math.Pow(10, i / 3.0 - 8), 1.0 / i, i < 20 ? 100.0 / (i * i) : 1))];
        // The fall is steepest right after the skipped steps.
        Assert.Equal(11, LearningRateFinder.Suggest(falling, 10));
    }

    [Theory]
    [InlineData(0, 1, 10)]
    [InlineData(1e-3, 1e-3, 10)]
    [InlineData(1e-3, 1, 1)]
    public void Bad_sweeps_are_refused(double start, double end, int steps)
    {
        (ClassifierRun run, Dataset<float> data) = Blobs();
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateFinder.Run(run.Network, run.Trainer.Optimizer, data,
            new LearningRateSweepOptions { StartRate = start, EndRate = end, Steps = steps }));
    }
}
