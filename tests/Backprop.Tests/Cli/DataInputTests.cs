using System.Text;
using Backprop.Cli.Commands;
using Backprop.Tests.Data;

namespace Backprop.Tests.Cli;

/// <summary>
/// The data-reading options of train/evaluate/predict end to end: --encoding, --decimal-separator, warnings that
/// --quiet does not hide, pipes and gzipped files as --data, and the loading progress display.
/// </summary>
public sealed class DataInputTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static (int Code, string Out, string Error) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Backprop.Cli.Cli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Twelve rows, two numeric features and a label; <paramref name="extraColumn"/> adds a text column.</summary>
    private static string Rows(Func<int, string> label, string delimiter = ",", Func<int, string>? extraColumn = null)
    {
        var text = new StringBuilder($"a{delimiter}b{(extraColumn is null ? "" : delimiter + "note")}{delimiter}label\n");
        for (int i = 0; i < 12; i++)
        {
            text.Append(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{i}{delimiter}{i % 3}"));
            if (extraColumn is not null)
            {
                text.Append(delimiter).Append(extraColumn(i));
            }
            text.Append(delimiter).Append(label(i)).Append('\n');
        }
        return text.ToString();
    }

    [Fact]
    public void A_windows_1252_file_is_refused_without_encoding_and_keeps_its_classes_with_it()
    {
        // café, cafè and thé: in Windows-1252 é is 0xE9 and è is 0xE8; as UTF-8 both are invalid.
        string text = Rows(i => (i % 3) switch { 0 => "café", 1 => "cafè", _ => "thé" });
        string path = _dir.Write("drinks.csv", Encoding.Latin1.GetBytes(text));

        (int code, _, string error) = Run("train", "--data", path, "--epochs", "1", "--quiet");
        Assert.Equal(1, code);
        Assert.StartsWith($"error: {path}: line 2, byte offset 17: invalid UTF-8 (0xE9)", error, StringComparison.Ordinal);

        (code, string output, error) = Run("train", "--data", path, "--epochs", "1", "--encoding", "windows-1252");
        Assert.True(code == 0, error);
        Assert.Contains("3 classes (cafè, café, thé)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_decimal_comma_file_is_stopped_and_then_read_with_the_separator()
    {
        string path = _dir.Write("wine.csv", Rows(i => i % 2 == 0 ? "red" : "white", ";", i => $"{i},{i % 7}5"));

        (int code, _, string error) = Run("train", "--data", path, "--epochs", "1", "--quiet");
        Assert.Equal(1, code);
        Assert.Contains("column 'note': '0,05' is a number with a decimal comma", error, StringComparison.Ordinal);
        Assert.Contains("--decimal-separator ,", error, StringComparison.Ordinal);

        (code, string output, error) = Run("train", "--data", path, "--epochs", "1", "--decimal-separator", ",");
        Assert.True(code == 0, error);
        Assert.Contains("12 rows, 3 features", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dropped_text_column_is_warned_about_on_stderr_even_with_quiet()
    {
        string path = _dir.Write("notes.csv", Rows(i => i % 2 == 0 ? "x" : "y", ",", i => $"note {i}"));
        (int code, _, string error) = Run("train", "--data", path, "--epochs", "1", "--quiet");
        Assert.Equal(0, code);
        Assert.Equal($"warning: {path}: 1 column is dropped: note (every value distinct, an id)\n", error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_named_pipe_is_read_as_data()
    {
        using var pipe = new NamedPipe(Path.Combine(_dir.Path, "fifo.csv"), Encoding.UTF8.GetBytes(Rows(i => i % 2 == 0 ? "x" : "y")));
        (int code, string output, string error) = Run("train", "--data", pipe.Path, "--epochs", "1");
        Assert.True(code == 0, error);
        Assert.Contains($"Data: {pipe.Path}: 12 rows, 2 features", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gzipped_csv_file_is_read_as_data()
    {
        string path = _dir.Write("rows.csv.gz", IdxFiles.Gzip(Encoding.UTF8.GetBytes(Rows(i => i % 2 == 0 ? "x" : "y"))));
        (int code, string output, string error) = Run("train", "--data", path, "--epochs", "1");
        Assert.True(code == 0, error);
        Assert.Contains("12 rows, 2 features, 2 classes (x, y)", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--encoding", "ebcdic", "--encoding: unknown encoding 'ebcdic'")]
    [InlineData("--decimal-separator", ";", "--decimal-separator: ';' is not a decimal separator")]
    public void A_bad_option_value_is_a_usage_error(string option, string value, string message)
    {
        string path = _dir.Write("rows.csv", Rows(i => i % 2 == 0 ? "x" : "y"));
        (int code, _, string error) = Run("train", "--data", path, option, value);
        Assert.Equal(2, code);
        Assert.StartsWith($"error: {message}", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Encoding_applies_to_data_files_not_to_built_in_sets()
    {
        (int code, _, string error) = Run("train", "--dataset", "iris", "--encoding", "latin1");
        Assert.Equal(2, code);
        Assert.Contains("--encoding applies to --data files", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Decimal_commas_cannot_share_the_comma_delimiter()
    {
        string path = _dir.Write("rows.csv", Rows(i => i % 2 == 0 ? "x" : "y"));
        (int code, _, string error) = Run("train", "--data", path, "--decimal-separator", ",", "--delimiter", ",");
        Assert.Equal(2, code);
        Assert.Contains("cannot both be ','", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Loading_progress_is_silent_for_the_first_second()
    {
        var clock = TimeSpan.Zero;
        var writer = new StringWriter();
        var progress = new LoadingProgress(writer, "big.csv", terminal: false, () => clock);
        clock = TimeSpan.FromSeconds(0.9);
        progress.Report(new ReadProgress(100_000_000, 200_000_000));
        progress.Finish();
        Assert.Equal("", writer.ToString());
    }

    [Fact]
    public void Loading_progress_off_a_terminal_is_a_plain_line_every_few_seconds()
    {
        var clock = TimeSpan.Zero;
        var writer = new StringWriter();
        var progress = new LoadingProgress(writer, "big.csv", terminal: false, () => clock);
        foreach (double seconds in new[] { 1.2, 2.0, 4.0, 6.5 })
        {
            clock = TimeSpan.FromSeconds(seconds);
            progress.Report(new ReadProgress((long)(seconds * 50_000_000), 400_000_000));
        }
        progress.Finish();
        Assert.Equal("loading big.csv: 15% (60 of 400 MB)\nloading big.csv: 81% (325 of 400 MB)\n", writer.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Loading_progress_on_a_terminal_redraws_one_line_and_clears_it()
    {
        var clock = TimeSpan.Zero;
        var writer = new StringWriter();
        var progress = new LoadingProgress(writer, "<stdin>", terminal: true, () => clock);
        clock = TimeSpan.FromSeconds(1.5);
        progress.Report(new ReadProgress(150_000_000, null));
        clock = TimeSpan.FromSeconds(1.55);
        progress.Report(new ReadProgress(155_000_000, null)); // within 100 ms of the last redraw: skipped
        clock = TimeSpan.FromSeconds(1.7);
        progress.Report(new ReadProgress(170_000_000, null));
        progress.Finish();
        string line = "loading <stdin>: 150 MB";
        Assert.Equal($"\r{line}\rloading <stdin>: 170 MB\r{new string(' ', line.Length)}\r", writer.ToString());
    }
}
