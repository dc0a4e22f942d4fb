namespace Backprop.Tests.Losses;

public class LossTests
{
    [Fact]
    public void Softmax_cross_entropy_is_stable_for_logits_of_1e4()
    {
        var net = new Network<double>([2, 3], [Activation.Softmax], Loss.CrossEntropy);
        // W = 0, b = logits: z = b whatever the input.
        net.DenseLayers[0].Bias[0] = 1e4;
        net.DenseLayers[0].Bias[1] = -1e4;
        net.DenseLayers[0].Bias[2] = 0;
        double loss = net.Forward([1.0, 1.0], [0.0, 1.0, 0.0], 1);
        Assert.Equal(2e4, loss, 9);
        net.Backward();
        Assert.All(net.Gradients.ToArray(), g => Assert.True(double.IsFinite(g)));
        TensorAssert.Close("a", [1, 0, 0], net.A(0), 0);

        double right = net.Forward([1.0, 1.0], [1.0, 0.0, 0.0], 1);
        Assert.Equal(0.0, right, 12);
    }

    [Fact]
    public void Float_softmax_cross_entropy_is_stable_for_logits_of_1e4()
    {
        var net = new Network<float>([1, 2], [Activation.Softmax], Loss.CrossEntropy);
        net.DenseLayers[0].Bias[0] = 1e4f;
        net.DenseLayers[0].Bias[1] = -1e4f;
        float loss = net.Forward([0f], [0f, 1f], 1);
        Assert.Equal(2e4f, loss);
        net.Backward();
        Assert.All(net.Gradients.ToArray(), g => Assert.True(float.IsFinite(g)));
    }

    [Fact]
    public void Batch_loss_and_gradients_are_the_means_of_the_samples()
    {
        var net = new Network<double>([3, 4, 2], [Activation.Tanh, Activation.Softmax], Loss.CrossEntropy);
        Initializer.Randomize(net, 5);
        double[] x = [0.1, -0.4, 0.9, 1.2, 0.3, -0.7];
        double[] t = [1, 0, 0, 1];
        double both = net.Forward(x, t, 2);
        net.Backward();
        double[] batchGradient = net.Gradients.ToArray();

        double first = net.Forward(x.AsSpan(0, 3), t.AsSpan(0, 2), 1);
        net.Backward();
        double[] g1 = net.Gradients.ToArray();
        double second = net.Forward(x.AsSpan(3, 3), t.AsSpan(2, 2), 1);
        net.Backward();
        double[] g2 = net.Gradients.ToArray();

        Assert.Equal((first + second) / 2, both, 14);
        TensorAssert.Close("gradient", [.. g1.Zip(g2, (a, b) => (a + b) / 2)], batchGradient, 1e-15);
    }

    [Fact]
    public void Mean_squared_error_is_the_mean_over_outputs_and_batch()
    {
        var net = new Network<double>([1, 2], [Activation.Identity], Loss.MeanSquaredError);
        net.DenseLayers[0].Bias[0] = 1;
        net.DenseLayers[0].Bias[1] = 3;
        // Outputs (1, 3) for both rows; targets (0, 0) and (1, 1): squared errors 1, 9, 0, 4.
        double loss = net.Forward([0.0, 0.0], [0, 0, 1, 1], 2);
        Assert.Equal(14.0 / 4, loss, 15);
    }

    [Theory]
    [InlineData("cross-entropy", typeof(SoftmaxCrossEntropy))]
    [InlineData(" CE ", typeof(SoftmaxCrossEntropy))]
    [InlineData("mean-squared-error", typeof(MeanSquaredError))]
    public void Losses_are_found_by_name_and_alias(string name, Type type)
    {
        Assert.True(LossNames.TryCreate(name, out Loss? loss));
        Assert.IsType(type, loss);
        Assert.Contains(loss.Name, LossNames.All);
    }

    [Theory]
    [InlineData("ce:2")]
    [InlineData("mse:x")]
    public void A_setting_a_loss_does_not_take_is_refused(string text)
    {
        Assert.Throws<FormatException>(() => LossNames.TryCreate(text, out _));
    }

    [Fact]
    public void The_command_line_names_the_option_when_a_loss_setting_is_wrong()
    {
        CliRunner.Result result = CliRunner.InProcess("train", "--loss", "mse:x");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--loss: the setting of loss mse ('x') is not a finite number", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_loss_names_are_not_found()
    {
        Assert.False(LossNames.TryCreate("hinge", out _));
    }

    [Fact]
    public void A_loss_written_outside_the_library_trains_a_network()
    {
        // L = (1 / (2B)) Σ (a − t)²: a loss the library does not have, through the public abstraction only.
        var net = new Network<double>([3, 4, 2], [Activation.Tanh, Activation.Sigmoid], new HalfSumOfSquares());
        Initializer.Randomize(net, 3);
        double[] x = [0.1, -0.4, 0.9, 1.2, 0.3, -0.7];
        double[] t = [1, 0, 0.5, 1];
        net.Forward(x, t, 2);
        net.Backward();
        double[] analytic = net.Gradients.ToArray();
        const double h = 1e-6;
        for (int i = 0; i < analytic.Length; i++)
        {
            double saved = net.Parameters[i];
            net.Parameters[i] = saved + h;
            double plus = net.Forward(x, t, 2);
            net.Parameters[i] = saved - h;
            double minus = net.Forward(x, t, 2);
            net.Parameters[i] = saved;
            Assert.Equal((plus - minus) / (2 * h), analytic[i], 1e-8);
        }
    }

    [Fact]
    public void A_fused_loss_rejects_other_output_activations_and_softmax_needs_a_fused_loss()
    {
        Assert.Throws<ArgumentException>(() => new Network<double>([2, 3], [Activation.Sigmoid], Loss.CrossEntropy));
        Assert.Throws<ArgumentException>(() => new Network<double>([2, 3], [Activation.Softmax], new HalfSumOfSquares()));
    }

    private sealed class HalfSumOfSquares : Loss
    {
        public override string Name => "half-sum-of-squares";

        public override T Value<T>(in OutputBatch<T> output)
        {
            T total = T.Zero;
            for (int i = 0; i < output.A.Length; i++)
            {
                T d = output.A[i] - output.Targets[i];
                total += d * d;
            }
            return total / T.CreateChecked(2 * output.Rows);
        }

        public override void Delta<T>(in OutputBatch<T> output, Span<T> delta)
        {
            for (int i = 0; i < output.A.Length; i++)
            {
                delta[i] = (output.A[i] - output.Targets[i]) / T.CreateChecked(output.Rows);
            }
            output.MultiplyByActivationDerivative(delta);
        }
    }

    [Fact]
    public void Softmax_cross_entropy_delta_of_a_batch_gives_the_bits_of_the_scalar_formula()
    {
        // δ = (a − t) · (1 / B), element by element, for float and double, every length up to a few vectors.
        var rng = new Rng(21);
        foreach (int batch in new[] { 2, 3, 64 })
        {
            for (int n = 0; n <= 70; n++)
            {
                float[] a = [.. Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble())];
                float[] t = [.. Enumerable.Range(0, n).Select(_ => rng.Next(3) == 0 ? 1f : 0f)];
                var delta = new float[n];
                SoftmaxCrossEntropy.MeanDelta<float>(a, t, delta, batch);
                float scale = 1f / batch;
                double[] ad = [.. a.Select(x => (double)x)];
                double[] td = [.. t.Select(x => (double)x)];
                var deltaD = new double[n];
                SoftmaxCrossEntropy.MeanDelta<double>(ad, td, deltaD, batch);
                for (int i = 0; i < n; i++)
                {
                    Assert.Equal(BitConverter.SingleToInt32Bits((a[i] - t[i]) * scale), BitConverter.SingleToInt32Bits(delta[i]));
                    Assert.Equal(BitConverter.DoubleToInt64Bits((ad[i] - td[i]) * (1.0 / batch)), BitConverter.DoubleToInt64Bits(deltaD[i]));
                }
            }
        }
    }
}
