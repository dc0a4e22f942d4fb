using System.Globalization;
using System.Text;
using Backprop.Serialization.Onnx;
using Backprop.Tests.Data;

namespace Backprop.Tests.Interop;

/// <summary>
/// A model trained on a table exports what ONNX expresses cleanly: dropped columns (the input is the kept ones) and
/// numeric fills (IsNaN, Where), scored by ONNX Runtime on rows with missing (NaN) cells as Backprop scores them.
/// One-hot columns are refused in one line.
/// </summary>
public sealed class OnnxPreprocessingExportTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Three numeric columns with NA cells, a constant one, and a class decided by the first two.</summary>
    private static string Table()
    {
        var rng = new Random(7);
        var text = new StringBuilder("a,b,c,constant,y\n");
        for (int i = 0; i < 150; i++)
        {
            double a = rng.NextDouble() * 4 - 2;
            double b = rng.NextDouble() * 4 - 2;
            string Cell(double v) => rng.NextDouble() < 0.1 ? "NA" : v.ToString("R", CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $"{Cell(a)},{Cell(b)},{Cell(rng.NextDouble())},1,{(a + b > 0 ? "up" : "down")}\n");
        }
        return text.ToString();
    }

    [Fact]
    public void Numeric_fills_score_rows_with_missing_cells_like_backprop()
    {
        Dataset<float> table = CsvDatasetReader.Read<float>(new StringReader(Table()), "t.csv", new CsvDatasetOptions { Label = "y", Table = new TableReading() });
        Preprocessor pre = Preprocessor.Fit(table, new PreprocessingOptions { Impute = ImputeStrategy.Median });
        Dataset<float> features = pre.Transform(table).Data;
        Model model = Classifier.Fit(features, new ClassifierOptions { HiddenLayers = [6], Epochs = 20, Seed = 1 });
        model.Preprocessing = pre;
        string path = Path.Combine(_dir.Path, "m.onnx");
        OnnxFile.Export(model, path);

        // ONNX Runtime reads the kept columns as they are, NaN where a cell is missing.
        int[] kept = [0, 1, 2];
        var raw = new float[table.Count * kept.Length];
        for (int r = 0; r < table.Count; r++)
        {
            for (int j = 0; j < kept.Length; j++)
            {
                raw[r * kept.Length + j] = table.Row(r)[kept[j]];
            }
        }
        Assert.Contains(raw, float.IsNaN);
        OnnxRuntimeRunner.AssertMatches(model, features, OnnxRuntimeRunner.Run(path, raw, table.Count, kept.Length));
    }

    [Fact]
    public void One_hot_columns_are_refused_in_one_line()
    {
        Dataset<float> table = CsvDatasetReader.Read<float>(new StringReader("colour,v,y\nred,1,p\nblue,2,q\nred,3,p\nblue,4,q\n"), "t.csv",
            new CsvDatasetOptions { Label = "y", Table = new TableReading() });
        Preprocessor pre = Preprocessor.Fit(table);
        Dataset<float> features = pre.Transform(table).Data;
        Model model = Classifier.Fit(features, new ClassifierOptions { HiddenLayers = [2], Epochs = 1, Seed = 1 });
        model.Preprocessing = pre;
        var e = Assert.Throws<NotSupportedException>(() => OnnxFile.Export(model, Path.Combine(_dir.Path, "m.onnx")));
        Assert.Equal("the onnx format cannot express the model's preprocessing of its columns (one-hot columns colour) yet; keep the model as .json", e.Message);
        Assert.False(File.Exists(Path.Combine(_dir.Path, "m.onnx")));
    }
}
