using System.Globalization;
using System.Text;
using Backprop.Serialization.Onnx;
using Backprop.Tests.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Backprop.Tests.Interop;

/// <summary>
/// A model trained on a table exports what ONNX expresses cleanly: dropped columns (the input is the kept ones) and
/// numeric fills (IsNaN, Where), scored by ONNX Runtime on rows with missing (NaN) cells as Backprop scores them; one-hot
/// columns as string inputs encoded in the graph, scored on raw rows with missing, rare and unseen categories.
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

    /// <summary>
    /// An id, a colour with two rare values and missing cells, a number with missing cells (its name needs sanitising),
    /// a size with missing cells, a constant, and a class and a number decided by colour, number and size.
    /// </summary>
    private static string ColourTable()
    {
        var rng = new Random(11);
        var text = new StringBuilder("id,colour,x (cm),size,constant,y,t,big\n");
        for (int i = 0; i < 240; i++)
        {
            double u = rng.NextDouble();
            string colour = u < 0.4 ? "red" : u < 0.7 ? "green" : u < 0.92 ? "blue" : u < 0.97 ? "violet" : "black";
            string size = (i % 3) switch { 0 => "S", 1 => "M", _ => "L" };
            double x = rng.NextDouble() * 4 - 2;
            bool yes = (colour is "red" or "violet") ^ (x > 0.3);
            double t = x + (size == "L" ? 2 : 0) + (colour == "blue" ? -1 : 0);
            string Missing(string cell, double p, string marker) => rng.NextDouble() < p ? marker : cell;
            text.Append(CultureInfo.InvariantCulture,
                $"r{i},{Missing(colour, 0.05, "NA")},{Missing(x.ToString("R", CultureInfo.InvariantCulture), 0.1, "NA")},{Missing(size, 0.08, "")},1,{(yes ? "yes" : "no")},{t:R},{(size == "L" ^ x < 0 ? "yes" : "no")}\n");
        }
        return text.ToString();
    }

    /// <summary>New rows: a rare colour (black), an unseen one (pink, folded into "(other)"), an unseen size (XL, all zeros), missing cells spelled NA, na, "" and ?.</summary>
    private const string NewRows = """
        id,colour,x (cm),size,constant,y,t,big
        n1,red,0.5,S,1,yes,0,no
        n2,black,-1.25,M,1,no,0,yes
        n3,pink,1.5,L,1,yes,0,no
        n4,green,NA,XL,1,no,0,yes
        n5,NA,0.25,na,1,yes,0,no
        n6,,-0.75,,1,no,0,yes
        n7,violet,?,M,1,yes,0,no
        n8,blue,1.75,L,1,no,0,yes
        """;

    private static LearningTask TaskOf(string labels) => labels switch
    {
        "t" => LearningTask.Regression,
        "y,big" => LearningTask.MultiLabel,
        _ => LearningTask.Classification,
    };

    private static (Preprocessor Pre, Dataset<float> Features) Fit(string labels)
    {
        Dataset<float> table = CsvDatasetReader.Read<float>(new StringReader(ColourTable()), "t.csv", new CsvDatasetOptions
        {
            Labels = labels.Split(','),
            Task = TaskOf(labels),
            FeatureColumns = ["id", "colour", "x (cm)", "size", "constant"],
            Table = new TableReading(),
        });
        Preprocessor pre = Preprocessor.Fit(table, new PreprocessingOptions { MaxCategories = 4, FoldRareCategories = true });
        Assert.Equal(["colour=blue", "colour=green", "colour=red", "colour=(other)", "x (cm)", "size=L", "size=M", "size=S"], pre.FeatureNames);
        return (pre, pre.Transform(table).Data);
    }

    /// <summary>The new rows as Backprop reads them (the features), and as ONNX Runtime takes them: one [N, 1] tensor per column, the text as written.</summary>
    private static (Dataset<float> Features, NamedOnnxValue[] Inputs) NewData(Preprocessor pre, string labels)
    {
        Dataset<float> table = CsvDatasetReader.Read<float>(new StringReader(NewRows), "new.csv",
            new CsvDatasetOptions { Labels = labels.Split(','), Task = TaskOf(labels), Table = pre.Reading });
        PreprocessedData data = pre.Transform(table);
        // pink is folded into colour=(other), as black and violet are; XL is unseen: all zeros.
        Assert.Equal(new Dictionary<string, int> { ["size"] = 1 }, data.UnseenCategories);
        Assert.Equal(new Dictionary<string, int> { ["colour"] = 2, ["x (cm)"] = 2, ["size"] = 2 }, data.FilledCells);

        string[][] cells = [.. NewRows.ReplaceLineEndings("\n").Split('\n').Skip(1).Select(line => line.Split(','))];
        string[] Column(int j) => [.. cells.Select(row => row[j])];
        float Number(string cell) => float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) ? v : float.NaN;
        NamedOnnxValue[] inputs =
        [
            NamedOnnxValue.CreateFromTensor("colour", new DenseTensor<string>(Column(1), [cells.Length, 1])),
            NamedOnnxValue.CreateFromTensor("x__cm_", new DenseTensor<float>(Column(2).Select(Number).ToArray(), [cells.Length, 1])),
            NamedOnnxValue.CreateFromTensor("size", new DenseTensor<string>(Column(3), [cells.Length, 1])),
        ];
        return (data.Data, inputs);
    }

    [Fact]
    public void One_hot_columns_score_raw_rows_like_backprop()
    {
        (Preprocessor pre, Dataset<float> features) = Fit("y");
        Model model = Classifier.Fit(features, new ClassifierOptions { HiddenLayers = [8], Epochs = 30, Seed = 1 });
        model.Preprocessing = pre;
        string path = Path.Combine(_dir.Path, "m.onnx");
        OnnxFile.Export(model, path);

        using (var session = new InferenceSession(path))
        {
            Assert.Equal(["colour", "x__cm_", "size"], session.InputMetadata.Keys);
            Assert.Equal(typeof(string), session.InputMetadata["colour"].ElementType);
            Assert.Equal(typeof(float), session.InputMetadata["x__cm_"].ElementType);
            Assert.Equal("""[{"name":"colour","column":"colour","type":"string"},{"name":"x__cm_","column":"x (cm)","type":"float"},{"name":"size","column":"size","type":"string"}]""",
                session.ModelMetadata.CustomMetadataMap["inputs"]);
        }
        (Dataset<float> rows, NamedOnnxValue[] inputs) = NewData(pre, "y");
        OnnxRuntimeRunner.AssertMatches(model, rows, OnnxRuntimeRunner.Run(path, inputs));
    }

    [Fact]
    public void One_hot_columns_give_a_regression_models_values_like_backprop()
    {
        (Preprocessor pre, Dataset<float> features) = Fit("t");
        Model model = Regressor.Fit(features, new ClassifierOptions { HiddenLayers = [8], Epochs = 30, Seed = 1 });
        model.Preprocessing = pre;
        string path = Path.Combine(_dir.Path, "r.onnx");
        OnnxFile.Export(model, path);

        (Dataset<float> rows, NamedOnnxValue[] inputs) = NewData(pre, "t");
        float[] expected = model.PredictValues(rows);
        using var session = new InferenceSession(path);
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run(inputs);
        float[] values = [.. results.Single(r => r.Name == "values").AsTensor<float>()];
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - values[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"row {i}: Backprop {expected[i]:R}, ONNX Runtime {values[i]:R}");
        }
    }

    [Fact]
    public void One_hot_columns_give_a_multi_label_models_probabilities_and_decisions_like_backprop()
    {
        (Preprocessor pre, Dataset<float> features) = Fit("y,big");
        Model model = MultiLabelClassifier.Fit(features, new ClassifierOptions { HiddenLayers = [8], Epochs = 30, Seed = 1 });
        model.Preprocessing = pre;
        string path = Path.Combine(_dir.Path, "l.onnx");
        OnnxFile.Export(model, path);

        (Dataset<float> rows, NamedOnnxValue[] inputs) = NewData(pre, "y,big");
        float[] expected = model.PredictProbabilities(rows);
        using var session = new InferenceSession(path);
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run(inputs);
        float[] probabilities = [.. results.Single(r => r.Name == "probabilities").AsTensor<float>()];
        Assert.Equal(expected.Length, probabilities.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - probabilities[i]) <= 1e-5, $"row {i / 2}, label {i % 2}: Backprop {expected[i]:R}, ONNX Runtime {probabilities[i]:R}");
        }
        Assert.Equal(model.PredictLabels(rows.Features).Select(b => b ? 1L : 0L), results.Single(r => r.Name == "decisions").AsTensor<long>());
    }

    [Fact]
    public void Import_refuses_a_table_model_in_one_line()
    {
        (Preprocessor pre, Dataset<float> features) = Fit("y");
        Model model = Classifier.Fit(features, new ClassifierOptions { HiddenLayers = [2], Epochs = 1, Seed = 1 });
        model.Preprocessing = pre;
        using var stream = new MemoryStream();
        OnnxFile.Export(model, stream);
        var e = Assert.Throws<InvalidDataException>(() => OnnxFile.Import(stream.ToArray(), "t.onnx"));
        Assert.Equal("t.onnx: the graph has 3 inputs; import reads graphs with one input (the feature rows)", e.Message);
    }

    [Fact]
    public void Safetensors_still_refuses_one_hot_columns_in_one_line()
    {
        (Preprocessor pre, Dataset<float> features) = Fit("y");
        Model model = Classifier.Fit(features, new ClassifierOptions { HiddenLayers = [2], Epochs = 1, Seed = 1 });
        model.Preprocessing = pre;
        var e = Assert.Throws<NotSupportedException>(() => Backprop.Interop.ModelParts.From(model, "safetensors"));
        Assert.Equal("the safetensors format cannot express the model's preprocessing of its columns (one-hot columns colour, size) yet; keep the model as .json", e.Message);
    }

    [Fact]
    public void Input_names_are_identifiers_distinct_from_the_graphs_own_values()
    {
        PreprocessedColumn Column(string name) => new(name, false, ColumnTreatment.Numeric, 0, double.NaN, null, [], false);
        string[] names = [.. OnnxExporter.TableInputs([.. new[] { "a b", "a_b", "1st", "z1", "class", "features", "été", "zone" }.Select(Column)]).Select(i => i.Name)];
        Assert.Equal(["a_b", "a_b_2", "_1st", "z1_column", "class_column", "features_column", "_t_", "zone"], names);
    }
}
