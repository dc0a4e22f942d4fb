using System.Globalization;
using System.Text.RegularExpressions;
using Backprop.Explain;
using Markdig;
using Markdig.Extensions.Mathematics;
using Markdig.Syntax;
using static Backprop.Tests.Explain.ExplainHarness;

namespace Backprop.Tests.Explain;

/// <summary>A small iris model trained once for the tests of `explain --model` (in-process, a few epochs).</summary>
public sealed class TrainedIrisModel
{
    public TrainedIrisModel()
    {
        Path = CliRunner.TempPath("iris-model.json");
        CliRunner.Result r = CliRunner.InProcess("train", "--dataset", "iris", "--hidden", "4", "--epochs", "5", "--quiet", "--out", Path);
        Assert.True(r.ExitCode == 0, r.Error);
        SgdPath = CliRunner.TempPath("iris-sgd.json");
        r = CliRunner.InProcess("train", "--dataset", "iris", "--hidden", "3", "--epochs", "3", "--optimizer", "sgd", "--lr", "0.05",
            "--weight-decay", "0", "--quiet", "--out", SgdPath);
        Assert.True(r.ExitCode == 0, r.Error);
    }

    /// <summary>Adam (the default) with weight decay, hidden layer of 4.</summary>
    public string Path { get; }

    /// <summary>Plain SGD, η = 0.05, no weight decay, hidden layer of 3.</summary>
    public string SgdPath { get; }
}

public partial class ExplainModelTests(TrainedIrisModel models) : IClassFixture<TrainedIrisModel>
{
    private static readonly float[] Setosa = [5.1f, 3.5f, 1.4f, 0.2f];

    /// <summary>
    /// The reference, built here without the explain code: the model's parameters widened to double in a fresh
    /// network, the raw row rescaled by the model's scaler in single precision, then the engine's forward pass,
    /// backward pass and one Sgd step.
    /// </summary>
    private sealed record Reference(Network<double> Before, Network<double> After, double[] X, double Loss);

    private static Reference Step(Model model, float[] raw, int target, double eta)
    {
        float[] scaled = [.. raw];
        model.Scaler.Apply<float>(scaled);
        double[] x = [.. scaled.Select(v => (double)v)];
        var t = new double[model.ClassNames.Count];
        t[target] = 1;
        Network<double> Widened()
        {
            var n = new Network<double>(model.Network.Sizes, [.. model.Network.DenseLayers.Select(l => l.Activation)], model.Network.Loss);
            for (int i = 0; i < n.ParameterCount; i++)
            {
                n.Parameters[i] = model.Network.Parameters[i];
            }
            return n;
        }
        Network<double> before = Widened();
        before.Forward(x, t, 1);
        Network<double> after = Widened();
        double loss = after.Forward(x, t, 1);
        after.Backward();
        new Sgd<double>(eta).Step(after.Parameters, after.Gradients);
        return new Reference(before, after, x, loss);
    }

    private static string Args(float[] row) => string.Join(",", row.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

    [Fact]
    public void Widening_keeps_every_parameter_of_the_model_exactly()
    {
        Model model = ModelFile.Load(models.Path);
        Network<double> widened = ModelNetwork.ToDouble(model.Network);
        Assert.Equal(model.Network.Sizes, widened.Sizes);
        Assert.Equal(model.Network.DenseLayers.Select(l => l.Activation), widened.DenseLayers.Select(l => l.Activation));
        for (int i = 0; i < widened.ParameterCount; i++)
        {
            Assert.Equal((double)model.Network.Parameters[i], widened.Parameters[i]);
            Assert.Equal(model.Network.Parameters[i], (float)widened.Parameters[i]);
        }
    }

    [Fact]
    public void A_model_row_is_explained_with_the_engine_forward_pass_and_one_sgd_step_at_the_model_learning_rate()
    {
        Model model = ModelFile.Load(models.Path);
        double eta = double.Parse(model.TrainingOptions["learning_rate"], CultureInfo.InvariantCulture);
        Result r = Run("--model", models.Path, "--input", Args(Setosa), "--target", "setosa", "--format", "markdown", "--digits", "12");
        Assert.True(r.Exit == 0, r.Error);
        Reference reference = Step(model, Setosa, 0, eta);

        var results = MarkdownResults(r.Out);
        AssertValues(results, @"\mathbf{a}^{(1)}", "=", reference.X);
        int last = reference.Before.DenseLayers.Count - 1;
        AssertValues(results, $@"\mathbf{{z}}^{{({last + 2})}}", "=", [.. reference.Before.Z(last).ToArray()]);
        AssertValues(results, $@"\mathbf{{a}}^{{({last + 2})}}", "=", [.. reference.Before.A(last).ToArray()]);
        AssertValues(results, @"\mathbf{z}^{(2)}", "=", [.. reference.Before.Z(0).ToArray()]);
        AssertValues(results, "L", "=", [reference.Loss]);
        for (int l = 0; l < reference.After.DenseLayers.Count; l++)
        {
            AssertValues(results, $@"\mathbf{{W}}^{{({l + 1})}}", "←", [.. reference.After.DenseLayers[l].Weights.ToArray()]);
            AssertValues(results, $@"\mathbf{{b}}^{{({l + 1})}}", "←", [.. reference.After.DenseLayers[l].Bias.ToArray()]);
        }
        Assert.Contains(" records for its training.", r.Out, StringComparison.Ordinal);
        Assert.Contains("optimizer=adam", r.Out, StringComparison.Ordinal);
        Assert.Contains("Standard deviation σ", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void The_recorded_step_is_the_one_the_engine_takes()
    {
        // The same check without printing: the recorder's values are the reference's to the last bit.
        Model model = ModelFile.Load(models.SgdPath);
        Reference reference = Step(model, Setosa, 2, 0.05);
        var t = new double[] { 0, 0, 1 };
        Explanation e = StepRecorder.Record(ModelNetwork.ToDouble(model.Network), reference.X, t, 1, new Sgd<double>(0.05));
        Assert.Equal(reference.Before.A(1).ToArray(), e.Find("a3")!.Value.Values);
        Assert.Equal(reference.After.DenseLayers[0].Weights.ToArray(), e.Find("W1'")!.Value.Values);
        Assert.Equal(reference.After.DenseLayers[1].Bias.ToArray(), e.Find("b2'")!.Value.Values);
    }

    [Fact]
    public void Lr_option_overrides_the_model_learning_rate_and_plain_sgd_models_get_no_remark()
    {
        Model model = ModelFile.Load(models.SgdPath);
        Result r = Run("--model", models.SgdPath, "--input", Args(Setosa), "--target", "virginica", "--lr", "0.5", "--format", "markdown", "--digits", "12");
        Assert.True(r.Exit == 0, r.Error);
        Reference reference = Step(model, Setosa, 2, 0.5);
        var results = MarkdownResults(r.Out);
        AssertValues(results, @"\mathbf{W}^{(2)}", "←", [.. reference.After.DenseLayers[1].Weights.ToArray()]);
        Assert.Contains("was given with --lr", r.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("was trained with", r.Out, StringComparison.Ordinal);

        Result recorded = Run("--model", models.SgdPath, "--input", Args(Setosa), "--target", "2");
        Assert.True(recorded.Exit == 0, recorded.Error);
        Assert.Contains("η = 0.05 is the one", recorded.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_data_file_row_gives_the_same_step_as_its_features_typed_in_with_its_label_as_target()
    {
        string csv = CliRunner.TempPath("rows.csv");
        File.WriteAllText(csv, "sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,species\n"
            + "5.1,3.5,1.4,0.2,setosa\n6.3,2.9,5.6,1.8,virginica\n5.7,2.8,4.1,1.3,versicolor\n");
        Result fromFile = Run("--model", models.Path, "--data", csv, "--row", "2", "--format", "markdown");
        Assert.True(fromFile.Exit == 0, fromFile.Error);
        Result typed = Run("--model", models.Path, "--input", "6.3,2.9,5.6,1.8", "--target", "virginica", "--format", "markdown");
        Assert.True(typed.Exit == 0, typed.Error);
        Assert.Equal(MathBlocks(typed.Out), MathBlocks(fromFile.Out));
        Assert.Contains("row 2 of the 3 rows of " + csv, fromFile.Out, StringComparison.Ordinal);
        Assert.Contains("The row's label is class 2, virginica", fromFile.Out, StringComparison.Ordinal);

        // The model's own split of a built-in data set: row N of its held-out test rows.
        Result dataset = Run("--model", models.Path, "--dataset", "iris", "--row", "1");
        Assert.True(dataset.Exit == 0, dataset.Error);
        Assert.Contains("test rows that the model's own split (seed 0) held out of the data set iris", dataset.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_of_a_model_row_uses_only_KaTeX_commands_and_html_is_one_page_with_MathML()
    {
        Result md = Run("--model", models.Path, "--dataset", "iris", "--row", "3", "--format", "markdown");
        Assert.True(md.Exit == 0, md.Error);
        MarkdownDocument document = Markdown.Parse(md.Out, new MarkdownPipelineBuilder().UseMathematics().UsePipeTables().Build());
        Assert.True(document.Descendants<MathBlock>().Count() >= 10, "expected display math blocks");
        foreach (string tex in document.Descendants<MathBlock>().Select(b => b.Lines.ToString())
            .Concat(document.Descendants<MathInline>().Select(i => i.Content.ToString())))
        {
            ExplainMarkdownTests.CheckFormula(tex);
        }
        Assert.Contains("| Feature | Raw value |", md.Out, StringComparison.Ordinal);

        Result html = Run("--model", models.Path, "--dataset", "iris", "--row", "3", "--format", "html");
        Assert.True(html.Exit == 0, html.Error);
        Assert.StartsWith("<!DOCTYPE html>", html.Out, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<math", html.Out, StringComparison.Ordinal);
        Assert.Contains("sepal_length_cm", html.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("<script src", html.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Chinese_explanation_of_a_model_row_has_no_English_prose()
    {
        Result r = Run("--model", models.Path, "--dataset", "iris", "--row", "2", "--lang", "zh");
        Assert.True(r.Exit == 0, r.Error);
        // Feature and class names are data, not prose; take them out first.
        string prose = Regex.Replace(r.Out, @"\b(sepal|petal)_(length|width)_cm\b|setosa|versicolor|virginica", " ");
        Match english = EnglishWords().Match(prose);
        Assert.False(english.Success, $"English prose in the Chinese output: '{english.Value}'");
        Assert.Contains("标准差 σ", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Further_steps_continue_from_the_model()
    {
        Result r = Run("--model", models.Path, "--input", Args(Setosa), "--target", "0", "--steps", "2");
        Assert.True(r.Exit == 0, r.Error);
        Assert.Contains("Further steps", r.Out, StringComparison.Ordinal);
    }

    public static TheoryData<string[], int, string> BadInput() => new()
    {
        { ["--weights", "w.json", "--input", "1,2,3,4", "--target", "0"], 2, "--model and --weights" },
        { ["--layers", "4,3", "--input", "1,2,3,4", "--target", "0"], 2, "--model and --layers" },
        { ["--seed", "1", "--input", "1,2,3,4", "--target", "0"], 2, "--model and --seed" },
        { ["--input", "1,2,3", "--target", "0"], 2, "--input has 3 values but the model" },
        { ["--input", "1,2,3,4", "--target", "daisy"], 2, "'daisy' is not one of the model's classes (setosa, versicolor, virginica)" },
        { ["--input", "1,2,3,4", "--target", "3"], 2, "class index 3 is out of range" },
        { ["--input", "1,2,3,4"], 2, "--target is needed with --input" },
        { ["--dataset", "iris", "--row", "31"], 2, "--row 31 is out of range: iris (the test rows of the model's split, seed 0): 30 rows" },
        { ["--dataset", "iris", "--row", "0"], 2, "--row 0 is out of range" },
        { ["--dataset", "iris"], 2, "--row N is needed" },
        { ["--dataset", "iris", "--row", "1", "--input", "1,2,3,4"], 2, "--input and --data/--dataset" },
        { [], 2, "--model needs a row to explain" },
        { ["--input", "1,2,3,4", "--target", "0", "--until-converged"], 2, "--until-converged" },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public void Bad_model_options_give_one_line_and_an_exit_code(string[] args, int exit, string message)
    {
        Result r = Run(["--model", models.Path, .. args]);
        AssertOneLine(r, exit, message);
    }

    [Fact]
    public void Row_options_without_a_model_are_refused()
    {
        AssertOneLine(Run("--dataset", "iris", "--row", "1"), 2, "give --model too");
        AssertOneLine(Run("--row", "1"), 2, "give --model too");
    }

    [Fact]
    public void Missing_and_corrupt_model_files_are_named()
    {
        string missing = CliRunner.TempPath("nothing.json");
        AssertOneLine(Run("--model", missing, "--input", "1,2,3,4", "--target", "0"), 1, missing);

        string corrupt = CliRunner.TempPath("corrupt.json");
        File.WriteAllText(corrupt, File.ReadAllText(models.Path)[..200]);
        AssertOneLine(Run("--model", corrupt, "--input", "1,2,3,4", "--target", "0"), 1, corrupt);
    }

    [Fact]
    public void A_row_out_of_range_of_a_data_file_names_the_file_and_its_row_count()
    {
        string csv = CliRunner.TempPath("two.csv");
        File.WriteAllText(csv, "sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,species\n5.1,3.5,1.4,0.2,setosa\n6.3,2.9,5.6,1.8,virginica\n");
        AssertOneLine(Run("--model", models.Path, "--data", csv, "--row", "3"), 2, $"{csv}: 2 rows");
    }

    private static void AssertOneLine(Result r, int exit, string message)
    {
        Assert.True(r.Exit == exit, $"exit {r.Exit}, expected {exit}: {r.Error}");
        Assert.Equal("", r.Out);
        string[] lines = r.Error.TrimEnd().Split('\n');
        Assert.True(lines.Length == 1, $"expected one line, got: {r.Error}");
        Assert.Contains(message, lines[0], StringComparison.Ordinal);
    }

    private static string[] MathBlocks(string markdown) => [.. Regex.Matches(markdown, @"\$\$\n.*?\n\$\$", RegexOptions.Singleline).Select(m => m.Value)];

    // As in ExplainLanguageTests: two Latin words in a row are a phrase.
    [GeneratedRegex(@"\b[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}\b")]
    private static partial Regex EnglishWords();
}
