namespace Backprop.Tests.Cli;

/// <summary>A resume continues the run it was written by: same data, same split, or it is refused naming what differs.</summary>
public sealed class ResumeTests : IDisposable
{
    private readonly string _dir = TestData.TempDirectory();

    public ResumeTests()
    {
        OutputFileTests.WriteCsv(PathOf("data.csv"), TestData.Blobs(20, classes: 3, features: 4, seed: 1));
        Assert.Equal(0, Train("data.csv", "--epochs", "2", "--checkpoint-every", "1", "--checkpoint", PathOf("ck.json")).ExitCode);
    }

    public void Dispose() => Directory.Delete(_dir, true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private CliRunner.Result Train(string data, params string[] extra)
        => CliRunner.InProcess(["train", "--data", PathOf(data), "--hidden", "4", "--quiet",
            .. extra.Contains("--validation-fraction") ? [] : new[] { "--validation-fraction", "0.2" }, .. extra]);

    private static void AssertRefused(CliRunner.Result result, params string[] expected)
    {
        Assert.Equal(1, result.ExitCode);
        Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
        foreach (string part in expected)
        {
            Assert.Contains(part, result.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_same_data_and_split_resume()
    {
        CliRunner.Result result = Train("data.csv", "--epochs", "4", "--resume", PathOf("ck.json"));
        Assert.True(result.ExitCode == 0, result.Error);
    }

    [Theory]
    [InlineData("--test-fraction", "0.3")]
    [InlineData("--validation-fraction", "0.1")]
    public void Another_split_fraction_is_refused(string option, string value)
    {
        AssertRefused(Train("data.csv", "--epochs", "4", "--resume", PathOf("ck.json"), option, value), "resume with the same " + option);
    }

    [Fact]
    public void A_setting_deleted_from_the_checkpoint_is_refused_rather_than_skipped()
    {
        var checkpoint = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(PathOf("ck.json")))!.AsObject();
        Assert.True(checkpoint["settings"]!.AsObject().Remove("learning_rate"));
        File.WriteAllText(PathOf("edited.json"), checkpoint.ToJsonString());

        AssertRefused(Train("data.csv", "--epochs", "4", "--resume", PathOf("edited.json"), "--lr", "0.5"), "do not record learning_rate", "--lr");
    }

    [Fact]
    public void Other_data_of_the_same_shape_is_refused()
    {
        OutputFileTests.WriteCsv(PathOf("other.csv"), TestData.Blobs(20, classes: 3, features: 4, seed: 2));
        AssertRefused(Train("other.csv", "--epochs", "4", "--resume", PathOf("ck.json")), "written for other data", "60 rows", "other.csv");
    }

    [Fact]
    public void The_same_rows_in_another_order_are_refused()
    {
        // Another order puts other rows into the test split.
        string[] lines = File.ReadAllLines(PathOf("data.csv"));
        File.WriteAllLines(PathOf("shuffled.csv"), [lines[0], .. lines.Skip(1).Reverse()]);
        AssertRefused(Train("shuffled.csv", "--epochs", "4", "--resume", PathOf("ck.json")), "written for other data");
    }

    [Fact]
    public void The_checkpoint_records_what_defines_the_split()
    {
        IReadOnlyDictionary<string, string> settings = Backprop.Training.TrainingCheckpoint.Load(PathOf("ck.json")).Settings;
        Assert.Equal("0.2", settings["test_fraction"]);
        Assert.Equal("0.2", settings["validation_fraction"]);
        Assert.Equal("0", settings["split_seed"]);
        Assert.Equal("60", settings["data_rows"]);
        Assert.Equal(64, settings["data_sha256"].Length);
    }
}
