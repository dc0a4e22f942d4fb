using System.Diagnostics;
using Backprop.Explain;
using static Backprop.Tests.Explain.ExplainHarness;

namespace Backprop.Tests.Explain;

public class ArticleProgramTests
{
    [Fact]
    public void The_csharp_program_is_this_compiled_code_and_trains_to_the_articles_epoch()
    {
        // The code between the markers below is the printed program's, line for line: it compiles against today's
        // public API here, so the printed program cannot drift from the library.
        // program:begin
        double[] a1 = [1.0, 1.0, 1.0];  // the sample
        double[] t = [1.0, 0.0, 0.0];   // its target: class 1, one-hot
        var network = new Network<double>([3, 2, 3], [Activation.Sigmoid, Activation.Softmax], Loss.CrossEntropy);
        WeightsFile.Parse("""
            {
              "W1": [[0.10, 0.20, 0.30], [0.40, 0.50, 0.60]], "b1": [0.10, 0.10],
              "W2": [[0.70, 0.80], [0.90, 1.00], [1.10, 1.20]], "b2": [0.20, 0.20, 0.20]
            }
            """, network);
        var gradientDescent = new Sgd<double>(learningRate: 0.1);
        const double threshold = 0.01;
        const int maxEpochs = 10000;

        int epoch;
        double loss = double.NaN;
        for (epoch = 1; epoch <= maxEpochs; epoch++)
        {
            // Forward pass: z2, a2, z3, a3 and the cross-entropy loss, kept in the network's buffers.
            loss = network.Forward(a1, t, batch: 1);
            if (loss < threshold)
            {
                break;
            }
            // Backward pass: delta3 = a3 − t, ∇W2, ∇b2, delta2 = (W2ᵀ delta3) ⊙ σ′(z2), ∇W1, ∇b1 into network.Gradients.
            network.Backward();
            // Update: θ ← θ − η ∇θ for every weight and bias at once (the parameters are one flat block).
            gradientDescent.Step(network.Parameters, network.Gradients);
        }
        // program:end

        Assert.Equal(ProgramLines(ArticleProgram.Source("csharp")), ProgramLines(File.ReadAllText(ThisFile())));
        // The article's program prints Epoch=278, Loss=0.009970, and these final parameters.
        Assert.Equal(278, epoch);
        Assert.Equal(0.0099695912419886876, loss, 10); // the article adds 1e-12 inside its logarithm
        Assert.Equal(1.8665409098651078, network.DenseLayers[1].Weights[0], 10);
        Assert.Equal(-0.69459881067603335, network.DenseLayers[1].Bias[2], 10);
    }

    [Fact]
    public void The_python_program_parses_and_uses_the_articles_values()
    {
        string source = ArticleProgram.Source("python");
        foreach (string line in new[] { "W1 = np.array([[0.10, 0.20, 0.30],", "[0.40, 0.50, 0.60]])", "eta, threshold, max_epochs = 0.1, 0.01, 10000",
            "delta3 = a3 - t", "dW2 = delta3 @ a2.T", "delta2 = (W2.T @ delta3) * (a2 * (1.0 - a2))", "W1 -= eta * dW1" })
        {
            Assert.Contains(line, source, StringComparison.Ordinal);
        }
        string path = Path.Combine(Path.GetTempPath(), $"article-{Guid.NewGuid():N}.py");
        File.WriteAllText(path, source);
        try
        {
            // Python's own parser: the program is valid Python (numpy itself is not needed to parse it).
            var start = new ProcessStartInfo("python3", ["-c", "import ast, sys; ast.parse(open(sys.argv[1]).read())", path])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            Process python;
            try
            {
                python = Process.Start(start)!;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return; // no python3 on this machine: the checks above still ran
            }
            string error = python.StandardError.ReadToEnd();
            python.WaitForExit();
            Assert.True(python.ExitCode == 0, error);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Explain_program_prints_either_language_and_refuses_others()
    {
        Result python = Run("--program");
        Assert.Equal(0, python.Exit);
        Assert.Equal(ArticleProgram.Source("python"), python.Out);
        Result csharp = Run("--program", "csharp");
        Assert.Equal(0, csharp.Exit);
        Assert.Contains("gradientDescent.Step(network.Parameters, network.Gradients);", csharp.Out, StringComparison.Ordinal);
        Result bad = Run("--program", "fortran");
        Assert.Equal(2, bad.Exit);
        Assert.StartsWith("error: --program: unknown language 'fortran'", bad.Error, StringComparison.Ordinal);
    }

    // This file in the source tree. Not [CallerFilePath]: a CI build (ContinuousIntegrationBuild) maps source paths to /_/.
    private static string ThisFile()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Backprop.slnx")))
            {
                return Path.Combine(dir.FullName, "tests", "Backprop.Tests", "Explain", "ArticleProgramTests.cs");
            }
        }
        throw new InvalidOperationException($"no Backprop.slnx above {AppContext.BaseDirectory}");
    }

    /// <summary>The trimmed lines between the program:begin and program:end markers.</summary>
    private static string[] ProgramLines(string source)
    {
        string[] lines = [.. source.Split('\n').Select(l => l.Trim())];
        int begin = Array.IndexOf(lines, "// program:begin");
        int end = Array.IndexOf(lines, "// program:end");
        Assert.True(begin >= 0 && end > begin, "no program:begin/end markers");
        return lines[(begin + 1)..end];
    }
}
