namespace Backprop.Tests.Optimizers;

public class LearningRateScheduleTests
{
    [Fact]
    public void Step_schedule_multiplies_by_gamma_every_n_epochs()
    {
        LearningRateSchedule s = LearningRateSchedule.Step(3, 0.5);
        double[] rates = [.. Enumerable.Range(1, 7).Select(e => s.RateAt(e, 7, 0.8))];
        Assert.Equal([0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2], rates);
    }

    [Fact]
    public void Cosine_schedule_starts_at_the_base_rate_and_falls_to_the_minimum()
    {
        LearningRateSchedule s = LearningRateSchedule.Cosine(0.01);
        Assert.Equal(1.0, s.RateAt(1, 10, 1.0), 1e-15);
        Assert.Equal(0.505, s.RateAt(6, 10, 1.0), 1e-12);
        Assert.True(s.RateAt(10, 10, 1.0) < s.RateAt(9, 10, 1.0));
        Assert.True(s.RateAt(10, 10, 1.0) > 0.01);
        Assert.True(LearningRateSchedule.Cosine().RateAt(10, 10, 1.0) > 0);
    }

    [Fact]
    public void Plateau_schedule_reduces_after_patience_epochs_without_improvement()
    {
        LearningRateSchedule s = LearningRateSchedule.ReduceOnPlateau(0.1, 2);
        double[] losses = [1.0, 0.9, 0.95, 0.92, 0.91, 0.93, 0.5];
        var rates = new List<double>();
        for (int e = 1; e <= losses.Length; e++)
        {
            rates.Add(s.RateAt(e, 10, 1.0));
            s.Observe(e, losses[e - 1]);
        }
        Assert.Equal([1.0, 1.0, 1.0, 1.0, 0.1, 0.1, 0.01], rates, new ToleranceComparer(1e-15));
    }

    [Fact]
    public void Plateau_state_survives_save_and_restore()
    {
        LearningRateSchedule a = LearningRateSchedule.ReduceOnPlateau(0.5, 1);
        a.Observe(1, 1.0);
        a.Observe(2, 2.0);
        LearningRateSchedule b = LearningRateSchedule.ReduceOnPlateau(0.5, 1);
        b.RestoreState(a.SaveState());
        Assert.Equal(a.RateAt(3, 10, 1.0), b.RateAt(3, 10, 1.0));
        Assert.Equal(0.5, b.RateAt(3, 10, 1.0));
    }

    [Theory]
    [InlineData("constant")]
    [InlineData("step:10:0.5")]
    [InlineData("cosine")]
    [InlineData("cosine:1E-05")]
    [InlineData("plateau:5:0.5")]
    public void Parse_reads_what_describe_writes(string text)
    {
        Assert.Equal(text, LearningRateSchedule.Parse(text).Describe());
    }

    [Theory]
    [InlineData("linear")]
    [InlineData("step:0:0.5")]
    [InlineData("step:x:0.5")]
    [InlineData("plateau:3")]
    public void Parse_rejects_unknown_schedules_with_the_expected_forms(string text)
    {
        FormatException e = Assert.Throws<FormatException>(() => LearningRateSchedule.Parse(text));
        Assert.Contains("step:EVERY:GAMMA", e.Message, StringComparison.Ordinal);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
