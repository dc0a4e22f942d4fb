namespace Backprop.Tests.Models;

/// <summary>The data sets of the regression and multi-label tests: diabetes (a copy beside the tests) and a multi-label table derived from iris.</summary>
internal static class TaskData
{
    /// <summary>The diabetes table (442 rows, 10 numeric features, label 'progression'), as a CSV file path.</summary>
    public static string DiabetesPath => Path.Combine(AppContext.BaseDirectory, "Data", "Files", "diabetes.csv");

    public static Dataset<float> Diabetes() => CsvDatasetReader.Read<float>(DiabetesPath, new CsvDatasetOptions { Label = "progression" });

    /// <summary>
    /// Iris's four measurements with three yes/no labels derived from the real table: is_setosa (yes/no), long_petal
    /// (petal length above 4.5 cm: true/false) and wide_sepal (sepal width above 3 cm: 1/0). Rows may have any number of them.
    /// </summary>
    public static string IrisLabelsCsv()
    {
        Dataset<float> iris = BuiltInDatasets.Iris<float>();
        var sb = new System.Text.StringBuilder();
        sb.Append(string.Join(",", iris.FeatureNames)).Append(",is_setosa,long_petal,wide_sepal\n");
        for (int r = 0; r < iris.Count; r++)
        {
            ReadOnlySpan<float> x = iris.Row(r);
            foreach (float v in x)
            {
                sb.Append(v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).Append(',');
            }
            sb.Append(iris.ClassNames[iris.Labels[r]] == "setosa" ? "yes" : "no").Append(',')
                .Append(x[2] > 4.5f ? "true" : "false").Append(',')
                .Append(x[1] > 3f ? "1" : "0").Append('\n');
        }
        return sb.ToString();
    }

    public static Dataset<float> IrisLabels()
        => CsvDatasetReader.Read<float>(new StringReader(IrisLabelsCsv()), "iris-labels.csv", new CsvDatasetOptions { Labels = ["is_setosa", "long_petal", "wide_sepal"] });
}
