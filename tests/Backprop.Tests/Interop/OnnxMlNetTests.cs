using Backprop.Serialization.Onnx;
using Backprop.Tests.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.Tests.Interop;

/// <summary>The documented way to use a Backprop model from ML.NET: ApplyOnnxModel on the exported file.</summary>
public sealed class OnnxMlNetTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public sealed class Row
    {
        [ColumnName("features")]
        public float[] Features { get; set; } = [];
    }

    [Fact]
    public void An_ml_net_pipeline_scores_the_exported_model_like_backprop()
    {
        DatasetSplits<float> splits = StratifiedSplit.Split(BuiltInDatasets.Iris<float>(), 0.2, 0, 1);
        Model model = Classifier.Fit(splits.Train, new ClassifierOptions { HiddenLayers = [8], Epochs = 40, Seed = 1 });
        Dataset<float> test = splits.Test!;
        string path = System.IO.Path.Combine(_dir.Path, "iris.onnx");
        OnnxFile.Export(model, path);

        var ml = new MLContext(seed: 0);
        int d = test.FeatureCount;
        SchemaDefinition schema = SchemaDefinition.Create(typeof(Row));
        schema["features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, d);
        float[] x = test.Features.ToArray();
        IDataView rows = ml.Data.LoadFromEnumerable(Enumerable.Range(0, test.Count).Select(r => new Row { Features = x[(r * d)..((r + 1) * d)] }), schema);
        var pipeline = ml.Transforms.ApplyOnnxModel(outputColumnNames: ["probabilities"], inputColumnNames: ["features"], modelFile: path);
        IDataView scored = pipeline.Fit(rows).Transform(rows);
        float[][] probabilities = [.. scored.GetColumn<float[]>("probabilities")];

        float[] expected = model.PredictProbabilities(test);
        int k = model.ClassNames.Count;
        Assert.Equal(test.Count, probabilities.Length);
        for (int r = 0; r < test.Count; r++)
        {
            Assert.Equal(k, probabilities[r].Length);
            for (int c = 0; c < k; c++)
            {
                Assert.True(Math.Abs(expected[r * k + c] - probabilities[r][c]) <= 1e-5, $"row {r}, class {c}: {expected[r * k + c]} vs {probabilities[r][c]}");
            }
        }
    }
}
