using Backprop.Tests.Tensors;

namespace Backprop.Tests.Training;

/// <summary>How the trainer times epochs. It changes a process-wide setting, so it runs alone.</summary>
[Collection(KernelSettingsCollection.Name)]
public class EpochTimingTests
{
    [Fact]
    public void Short_epochs_nobody_watches_are_timed_in_groups_and_watched_ones_each_on_their_own()
    {
        static Network<double> Make() => ArticleExample.CreateNetwork<double>();
        Dataset<double> data = ArticleExample.CreateDataset<double>();
        var options = new TrainingOptions { MaxEpochs = 200, BatchSize = 0, Shuffle = false };
        double saved = Trainer<double>.GroupedEpochSeconds;
        try
        {
            // Every epoch counts as short: the first is timed alone (nothing measured yet), then groups of 64 epochs
            // (the last one shorter) each share one reading.
            Trainer<double>.GroupedEpochSeconds = double.PositiveInfinity;
            TrainingResult unwatched = new Trainer<double>(Make(), new Sgd<double>(0.1), options).Fit(data);
            double[] seconds = [.. unwatched.History.Select(r => r.Seconds)];
            Assert.Equal(200, seconds.Length);
            Assert.All(seconds, s => Assert.True(s > 0));
            foreach ((int start, int count) in new[] { (1, 64), (65, 64), (129, 64), (193, 7) })
            {
                Assert.All(seconds.AsSpan(start, count).ToArray(), s => Assert.Equal(seconds[start], s));
            }

            // No epoch counts as short: each gets its own reading.
            Trainer<double>.GroupedEpochSeconds = 0;
            TrainingResult individual = new Trainer<double>(Make(), new Sgd<double>(0.1), options).Fit(data);
            Assert.All(individual.History, r => Assert.True(r.Seconds > 0));

            // A callback sees each report with its own time, measured before the call, however short the epochs.
            Trainer<double>.GroupedEpochSeconds = double.PositiveInfinity;
            var seen = new List<double>();
            new Trainer<double>(Make(), new Sgd<double>(0.1), options).Fit(data, r => seen.Add(r.Seconds));
            Assert.Equal(200, seen.Count);
            Assert.All(seen, s => Assert.True(s > 0));
        }
        finally
        {
            Trainer<double>.GroupedEpochSeconds = saved;
        }
    }
}
