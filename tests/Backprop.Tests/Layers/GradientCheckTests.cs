namespace Backprop.Tests.Layers;

/// <summary>
/// Backward against central finite differences of the loss, in double, on random networks of depth 1 to 4,
/// every activation, both losses, batches of 1 and 7.
/// </summary>
public class GradientCheckTests
{
    private static readonly Activation[] Hidden = [Activation.Sigmoid, Activation.Tanh, Activation.Relu, Activation.LeakyRelu, Activation.Identity];

    public static TheoryData<int, Activation, string, int> Cases()
    {
        var data = new TheoryData<int, Activation, string, int>();
        foreach (int depth in new[] { 1, 2, 3, 4 })
        {
            foreach (Activation activation in Hidden)
            {
                foreach (string loss in new[] { "cross-entropy", "mse" })
                {
                    foreach (int batch in new[] { 1, 7 })
                    {
                        data.Add(depth, activation, loss, batch);
                    }
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_matches_central_differences(int depth, Activation activation, string lossName, int batch)
    {
        Loss loss = TestData.Loss(lossName);
        var rng = new Rng(depth * 1000 + (int)activation * 10 + (lossName == "mse" ? 3 : 0) + batch);
        int[] sizes = new int[depth + 1];
        for (int i = 0; i <= depth; i++)
        {
            sizes[i] = 2 + rng.Next(4);
        }
        var activations = new Activation[depth];
        Array.Fill(activations, activation);
        // With MSE the output gets an activation too: cycle through all of them across cases.
        activations[^1] = loss.FusedActivation is Activation fused ? fused : Hidden[(depth + batch) % Hidden.Length];
        var net = new Network<double>(sizes, activations, loss);
        Initializer.Randomize(net, depth + 17L * batch);
        Span<double> p = net.Parameters;
        for (int i = 0; i < p.Length; i++)
        {
            p[i] += 0.3 * rng.NextGaussian(); // biases away from zero, weights off their initial scale
        }

        var x = new double[batch * sizes[0]];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = 2 * rng.NextDouble() - 1;
        }
        int outputs = sizes[^1];
        var t = new double[batch * outputs];
        for (int r = 0; r < batch; r++)
        {
            if (loss is SoftmaxCrossEntropy)
            {
                t[r * outputs + rng.Next(outputs)] = 1;
            }
            else
            {
                for (int k = 0; k < outputs; k++)
                {
                    t[r * outputs + k] = rng.NextDouble();
                }
            }
        }

        (double[] analytic, double[] numeric) = FiniteDifferences.Gradients(net, x, t, batch);

        double diff = 0, norm = 0;
        for (int i = 0; i < numeric.Length; i++)
        {
            diff += (analytic[i] - numeric[i]) * (analytic[i] - numeric[i]);
            norm += analytic[i] * analytic[i] + numeric[i] * numeric[i];
        }
        double relative = Math.Sqrt(diff) / Math.Max(Math.Sqrt(norm), 1e-12);
        Assert.True(relative < 1e-7, $"relative error {relative:E3} for sizes {string.Join("-", sizes)}, {activation}, {loss}, batch {batch}");
        for (int i = 0; i < numeric.Length; i++)
        {
            double scale = Math.Max(Math.Abs(analytic[i]) + Math.Abs(numeric[i]), 1e-3);
            Assert.True(Math.Abs(analytic[i] - numeric[i]) / scale < 1e-6,
                $"gradient {i}: analytic {analytic[i]:R}, numeric {numeric[i]:R}");
        }
    }
}
