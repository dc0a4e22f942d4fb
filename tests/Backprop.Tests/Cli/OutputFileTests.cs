namespace Backprop.Tests.Cli;

/// <summary>
/// Outputs never replace inputs or each other and are checked for writing before any work (<see cref="Backprop.Cli.OutputFiles"/>).
/// </summary>
public sealed class OutputFileTests : IDisposable
{
    private readonly string _dir = TestData.TempDirectory();

    public OutputFileTests()
    {
        WriteCsv(PathOf("iris.csv"), TestData.Blobs(20, classes: 3, features: 4));
    }

    public void Dispose() => Directory.Delete(_dir, true);

    /// <summary>Writes a data set as CSV: its feature columns, then a "label" column of class names.</summary>
    internal static void WriteCsv(string path, Dataset<float> data)
    {
        var sb = new System.Text.StringBuilder();
        sb.Append(string.Join(',', data.FeatureNames)).Append(",label\n");
        for (int r = 0; r < data.Count; r++)
        {
            foreach (float v in data.Row(r))
            {
                sb.Append(v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).Append(',');
            }
            sb.Append(data.ClassNames[data.Labels[r]]).Append('\n');
        }
        File.WriteAllText(path, sb.ToString());
    }

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static void AssertRefused(CliRunner.Result result, params string[] expected)
    {
        Assert.Equal(2, result.ExitCode);
        string[] lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one error line, got:\n{result.Error}");
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        foreach (string part in expected)
        {
            Assert.Contains(part, lines[0], StringComparison.Ordinal);
        }
        // Refused before any work: nothing was trained, so nothing was printed.
        Assert.Equal("", result.Out);
    }

    [Fact]
    public void Metrics_equal_to_out_is_refused_and_the_model_is_kept()
    {
        string model = PathOf("m.json");
        File.WriteAllText(model, "the model of an earlier run");
        CliRunner.Result result = CliRunner.InProcess("train", "--data", PathOf("iris.csv"), "--epochs", "3", "--out", model, "--metrics", model);
        AssertRefused(result, "--out", "--metrics", "same file");
        Assert.Equal("the model of an earlier run", File.ReadAllText(model));
    }

    [Theory]
    [InlineData("--metrics")]
    [InlineData("--checkpoint")]
    public void An_output_that_is_the_data_file_is_refused_and_the_data_kept(string option)
    {
        string data = PathOf("iris.csv");
        byte[] before = File.ReadAllBytes(data);
        string[] extra = option == "--checkpoint" ? ["--checkpoint-every", "1"] : [];
        CliRunner.Result result = CliRunner.InProcess(["train", "--data", data, "--epochs", "3", "--out", PathOf("m.json"), option, data, .. extra]);
        AssertRefused(result, option, "--data");
        Assert.Equal(before, File.ReadAllBytes(data));
        Assert.False(File.Exists(PathOf("m.json")));
    }

    [Fact]
    public void An_output_reached_through_a_symbolic_link_to_the_data_is_refused()
    {
        string data = PathOf("iris.csv");
        Directory.CreateDirectory(PathOf("sub"));
        File.CreateSymbolicLink(PathOf("sub/link.csv"), data);
        Directory.CreateSymbolicLink(PathOf("dirlink"), PathOf("sub"));
        byte[] before = File.ReadAllBytes(data);
        // A link in the directory part and a link as the file itself, and a data path spelled with "..".
        CliRunner.Result result = CliRunner.InProcess("train", "--data", PathOf("sub/../iris.csv"), "--epochs", "3", "--metrics", PathOf("dirlink/link.csv"));
        AssertRefused(result, "--metrics", "--data");
        Assert.Equal(before, File.ReadAllBytes(data));
    }

    [Fact]
    public void An_output_that_is_a_hard_link_of_the_data_replaces_only_that_name()
    {
        // Hard links are not recognised as the data (.NET has no way to ask for a file's identity), but every output
        // is written to a new file that is renamed over its path: the link's name then names the new file, and the
        // data keeps its bytes under its own name.
        string data = PathOf("iris.csv");
        string link = PathOf("hard.csv");
        using (var ln = System.Diagnostics.Process.Start("ln", [data, link]))
        {
            ln.WaitForExit();
            Assert.Equal(0, ln.ExitCode);
        }
        byte[] before = File.ReadAllBytes(data);
        CliRunner.Result result = CliRunner.InProcess("train", "--data", data, "--epochs", "3", "--metrics", link);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(before, File.ReadAllBytes(data));
        Assert.StartsWith("epoch,", File.ReadAllText(link), StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_metrics_path_beside_out_may_not_be_the_data_either()
    {
        string data = PathOf("m.metrics.csv");
        File.Copy(PathOf("iris.csv"), data);
        CliRunner.Result result = CliRunner.InProcess("train", "--data", data, "--epochs", "3", "--out", PathOf("m.json"));
        AssertRefused(result, "--metrics (default beside --out)", "--data");
    }

    [Fact]
    public void An_output_that_is_the_labels_file_beside_idx_images_is_refused()
    {
        string images = PathOf("t-images-idx3-ubyte");
        string labels = PathOf("t-labels-idx1-ubyte");
        File.WriteAllBytes(images, [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 1, 2, 3, 4]);
        File.WriteAllBytes(labels, [0, 0, 8, 1, 0, 0, 0, 2, 0, 1]);
        byte[] before = File.ReadAllBytes(labels);
        AssertRefused(CliRunner.InProcess("train", "--data", images, "--epochs", "3", "--metrics", labels), "--metrics", "--data labels");
        Assert.Equal(before, File.ReadAllBytes(labels));
    }

    [Fact]
    public void Out_that_is_the_resumed_checkpoint_is_refused()
    {
        string checkpoint = PathOf("ck.json");
        Assert.Equal(0, CliRunner.InProcess("train", "--data", PathOf("iris.csv"), "--epochs", "2", "--checkpoint-every", "1", "--checkpoint", checkpoint, "--quiet").ExitCode);
        AssertRefused(CliRunner.InProcess("train", "--data", PathOf("iris.csv"), "--epochs", "4", "--resume", checkpoint, "--out", checkpoint), "--out", "--resume");
    }

    [Fact]
    public void Resuming_from_the_checkpoint_being_written_still_works()
    {
        string checkpoint = PathOf("ck.json");
        string[] common = ["train", "--data", PathOf("iris.csv"), "--checkpoint-every", "1", "--checkpoint", checkpoint, "--quiet", "--hidden", "4"];
        Assert.Equal(0, CliRunner.InProcess([.. common, "--epochs", "2"]).ExitCode);
        CliRunner.Result resumed = CliRunner.InProcess([.. common, "--epochs", "4", "--resume", checkpoint]);
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Equal(4, Backprop.Training.TrainingCheckpoint.Load(checkpoint).Epoch);
    }

    [Fact]
    public void Predict_out_that_is_its_data_or_model_is_refused()
    {
        string model = PathOf("m.json");
        Assert.Equal(0, CliRunner.InProcess("train", "--data", PathOf("iris.csv"), "--epochs", "2", "--out", model, "--quiet").ExitCode);
        AssertRefused(CliRunner.InProcess("predict", "--model", model, "--data", PathOf("iris.csv"), "--out", PathOf("iris.csv")), "--out", "--data");
        AssertRefused(CliRunner.InProcess("predict", "--model", model, "--data", PathOf("iris.csv"), "--out", model), "--out", "--model");
        Assert.NotEmpty(Backprop.Models.Model.Load(model).ClassNames);
    }

    [Fact]
    public void An_unwritable_out_directory_is_found_before_training()
    {
        // /sys refuses new files even for root (where permission bits do not), and exists on every Linux machine.
        string directory = OperatingSystem.IsLinux() ? "/sys" : UnwritableDirectory();
        CliRunner.Result result = CliRunner.InProcess("train", "--data", PathOf("iris.csv"), "--epochs", "3", "--out", Path.Combine(directory, "m.json"));
        AssertRefused(result, "--out", directory);
    }

    [Fact]
    public void A_directory_in_the_way_of_an_output_is_found_before_training()
    {
        Directory.CreateDirectory(PathOf("log.csv"));
        AssertRefused(CliRunner.InProcess("train", "--data", PathOf("iris.csv"), "--epochs", "3", "--metrics", PathOf("log.csv")), "--metrics", "is a directory");
    }

    [Fact]
    public void Writing_an_output_removes_temporary_files_left_by_a_killed_process()
    {
        string model = PathOf("m.json");
        int deadPid = DeadProcessId();
        string stale = PathOf($".m.json.{deadPid}.{Guid.NewGuid():N}.tmp");
        string live = PathOf($".m.json.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        string otherOutput = PathOf($".other.json.{deadPid}.{Guid.NewGuid():N}.tmp");
        string notOurs = PathOf(".m.json.backup.tmp");
        foreach (string file in new[] { stale, live, otherOutput, notOurs })
        {
            File.WriteAllText(file, "partial");
        }
        CliRunner.Result result = CliRunner.InProcess("train", "--data", PathOf("iris.csv"), "--epochs", "2", "--out", model, "--quiet");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.False(File.Exists(stale), "the temporary file of a process that is gone stays");
        Assert.True(File.Exists(live), "the temporary file of a running process was removed");
        Assert.True(File.Exists(otherOutput), "another output's temporary file was removed");
        Assert.True(File.Exists(notOurs), "a file of another naming was removed");
    }

    // The id of a process that has exited (ids are reused only after the system has gone through the others).
    private static int DeadProcessId()
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("dotnet", "--version") { RedirectStandardOutput = true })!;
        process.WaitForExit();
        return process.Id;
    }

    private string UnwritableDirectory()
    {
        string directory = PathOf("readonly");
        Directory.CreateDirectory(directory);
        File.SetAttributes(directory, FileAttributes.ReadOnly);
        return directory;
    }
}
