using System.Text;
using System.Text.Json.Nodes;

namespace Backprop.Tests.Serialization;

/// <summary>Checkpoints are validated field by field when read: a damaged one is one line naming the file and the field.</summary>
public sealed class CheckpointFileTests : IDisposable
{
    private readonly string _dir = TestData.TempDirectory();

    public void Dispose() => Directory.Delete(_dir, true);

    private JsonNode Good() => JsonNode.Parse(SampleFiles.WriteCheckpoint(Path.Combine(_dir, "good.json")))!;

    private InvalidDataException LoadFails(string text)
    {
        string path = Path.Combine(_dir, "bad.json");
        File.WriteAllText(path, text);
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => TrainingCheckpoint.Load(path));
        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    [Fact]
    public void A_written_checkpoint_loads_and_resumes()
    {
        string path = Path.Combine(_dir, "ck.json");
        SampleFiles.WriteCheckpoint(path);
        TrainingCheckpoint checkpoint = TrainingCheckpoint.Load(path);
        Assert.Equal(3, checkpoint.Epoch);
        Assert.Equal("7", checkpoint.Settings["seed"]);
        (Dataset<float> train, _) = SampleFiles.CheckpointData();
        new ClassifierRun(SampleFiles.CheckpointOptions, train, null).Trainer.Restore(checkpoint);
    }

    [Theory]
    [InlineData("parameters", "\"NaN\"", "parameters[5] is NaN")]
    [InlineData("parameters", "1e39", "parameters[5] is 1E+39; it must be a finite number within float range")]
    [InlineData("parameters", "\"-Infinity\"", "parameters[5] is -Infinity")]
    [InlineData("first-moment", "\"NaN\"", "optimizer.state[0][5] is NaN")]
    [InlineData("second-moment", "\"NaN\"", "optimizer.state[1][5] is NaN")]
    [InlineData("second-moment", "-0.001", "optimizer.state[1][5] is -0.001; Adam's second moment is a mean of squares and never negative")]
    [InlineData("second-moment", "\"Infinity\"", "optimizer.state[1][5] is Infinity")]
    [InlineData("best", "\"NaN\"", "early_stopping.best_parameters[5] is NaN")]
    public void Non_finite_parameters_and_optimizer_state_are_refused_when_read(string where, string value, string expected)
    {
        JsonNode root = Good();
        JsonNode target = where switch
        {
            "parameters" => root["parameters"]!,
            "first-moment" => root["optimizer"]!["state"]![0]!,
            "second-moment" => root["optimizer"]!["state"]![1]!,
            _ => root["early_stopping"]!["best_parameters"]!,
        };
        target[5] = JsonNode.Parse(value);
        Assert.Contains(expected, LoadFails(root.ToJsonString()).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("epoch", "-3", "epoch is -3; a checkpoint is written after a completed epoch, so it is at least 1")]
    [InlineData("epoch", "0", "epoch is 0")]
    [InlineData("steps", "-1", "optimizer.steps is -1; a step count is zero or more")]
    [InlineData("learning_rate", "-0.01", "optimizer.learning_rate is -0.01")]
    [InlineData("learning_rate", "\"NaN\"", "optimizer.learning_rate is NaN")]
    [InlineData("best_epoch", "9", "early_stopping.best_epoch is 9; it must be between 0 and the epoch, 3")]
    [InlineData("wait", "-1", "early_stopping.wait is -1")]
    [InlineData("best_loss", "\"NaN\"", "early_stopping.best_loss is NaN")]
    [InlineData("multiplier", "0", "schedule.state[2] (multiplier) is 0")]
    [InlineData("waited", "1.5", "schedule.state[1] (epochs waited) is 1.5")]
    [InlineData("history-loss", "\"NaN\"", "history[1].loss is out of range")]
    [InlineData("history-epoch", "7", "history[1].epoch is 7; expected 2")]
    public void Counts_epochs_and_rates_out_of_range_are_refused(string field, string value, string expected)
    {
        JsonNode root = Good();
        JsonNode v = JsonNode.Parse(value)!;
        switch (field)
        {
            case "epoch": root["epoch"] = v; break;
            case "steps": root["optimizer"]!["steps"] = v; break;
            case "learning_rate": root["optimizer"]!["learning_rate"] = v; break;
            case "best_epoch": root["early_stopping"]!["best_epoch"] = v; break;
            case "wait": root["early_stopping"]!["wait"] = v; break;
            case "best_loss": root["early_stopping"]!["best_loss"] = v; break;
            case "multiplier": root["schedule"]!["state"]![2] = v; break;
            case "waited": root["schedule"]!["state"]![1] = v; break;
            case "history-loss": root["history"]![1]!["loss"] = v; break;
            case "history-epoch": root["history"]![1]!["epoch"] = v; break;
        }
        Assert.Contains(expected, LoadFails(root.ToJsonString()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_checkpoint_without_its_settings_is_refused_so_the_option_check_cannot_be_skipped()
    {
        JsonNode root = Good();
        root.AsObject().Remove("settings");
        Assert.Contains("\"settings\" is missing", LoadFails(root.ToJsonString()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Layer_sizes_are_checked_against_the_parameters_present()
    {
        JsonNode root = Good();
        root["sizes"]![1] = 2_000_000_000;
        Assert.Contains("parameters has 27 values but the layer sizes need 12000000003", LoadFails(root.ToJsonString()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Optimizer_state_must_have_one_buffer_per_moment_of_the_parameter_count()
    {
        JsonNode root = Good();
        root["optimizer"]!["state"]!.AsArray().RemoveAt(1);
        Assert.Contains("optimizer.state holds 1 buffers; the adam optimizer keeps 2", LoadFails(root.ToJsonString()).Message, StringComparison.Ordinal);
        root = Good();
        root["optimizer"]!["state"]![0]!.AsArray().RemoveAt(0);
        Assert.Contains("optimizer.state[0] has 26 values but the layer sizes need 27", LoadFails(root.ToJsonString()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_checkpoint_with_invalid_utf8_names_the_byte_offset_and_one_with_a_byte_order_mark_loads()
    {
        string path = Path.Combine(_dir, "ck.json");
        string text = SampleFiles.WriteCheckpoint(path);
        File.WriteAllText(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        Assert.Equal(3, TrainingCheckpoint.Load(path).Epoch);

        byte[] bytes = Encoding.UTF8.GetBytes(text);
        int at = text.IndexOf("\"7\"", StringComparison.Ordinal) + 1;
        bytes[at] = 0xFF;
        File.WriteAllBytes(path, bytes);
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => TrainingCheckpoint.Load(path));
        Assert.StartsWith($"{path}: the checkpoint file is not UTF-8 text: byte offset {at} (line 1) holds 0xFF", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Restoring_into_another_architecture_names_the_checkpoint_file()
    {
        string path = Path.Combine(_dir, "ck.json");
        SampleFiles.WriteCheckpoint(path);
        (Dataset<float> train, _) = SampleFiles.CheckpointData();
        var other = new ClassifierRun(SampleFiles.CheckpointOptions with { HiddenLayers = [5] }, train, null);
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => other.Trainer.Restore(TrainingCheckpoint.Load(path)));
        Assert.StartsWith($"{path}: the checkpoint is for layers 2,4,3", e.Message, StringComparison.Ordinal);
    }
}
