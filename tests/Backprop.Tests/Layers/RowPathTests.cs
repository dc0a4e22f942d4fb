namespace Backprop.Tests.Layers;

/// <summary>
/// A training pass of one row through a small double network (every layer dense with fewer than 8 inputs: the
/// article's network) skips the general passes' dispatch; it must give their bits, value by value.
/// </summary>
public class RowPathTests
{
    public static TheoryData<int[], Activation, string> Networks() => new()
    {
        { [3, 2, 3], Activation.Sigmoid, "cross-entropy" },
        { [4, 5, 3, 2], Activation.Tanh, "cross-entropy" },
        { [2, 7, 1], Activation.Relu, "mse" },
        { [7, 3, 2], Activation.LeakyRelu, "huber" },
        { [3, 4, 2], Activation.Identity, "bce" },
        { [5, 3], Activation.Sigmoid, "cross-entropy" },
        { [1, 1, 1], Activation.Sigmoid, "mse" },
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void One_row_gives_the_bits_of_the_general_passes(int[] sizes, Activation hidden, string loss)
    {
        Network<double> fast = TestData.RandomNetwork(sizes, hidden, TestData.Loss(loss), seed: 11);
        Network<double> general = TestData.RandomNetwork(sizes, hidden, TestData.Loss(loss), seed: 11);
        general.UseGeneralPasses();
        AssertSame(general, fast);
        var sgdFast = new Sgd<double>(0.5);
        var sgdGeneral = new Sgd<double>(0.5);
        for (int step = 0; step < 5; step++)
        {
            double[] x = TestData.RandomValues(sizes[0], 20 + step);
            double[] t = Targets(sizes[^1], loss, step);
            double fastLoss = fast.Forward(x, t, 1);
            double generalLoss = general.Forward(x, t, 1);
            Assert.Equal(BitConverter.DoubleToInt64Bits(generalLoss), BitConverter.DoubleToInt64Bits(fastLoss));
            fast.Backward();
            general.Backward();
            AssertSame(general, fast);
            sgdFast.Step(fast.Parameters, fast.Gradients);
            sgdGeneral.Step(general.Parameters, general.Gradients);
        }
        AssertSame(general, fast);
    }

    [Fact]
    public void Class_weighted_cross_entropy_gives_the_bits_of_the_general_passes()
    {
        var loss = new SoftmaxCrossEntropy([0.5, 2, 1.25]);
        Network<double> fast = TestData.RandomNetwork([3, 2, 3], Activation.Sigmoid, loss, seed: 12);
        Network<double> general = TestData.RandomNetwork([3, 2, 3], Activation.Sigmoid, loss, seed: 12);
        general.UseGeneralPasses();
        double[] x = [0.3, -1.2, 0.8];
        double[] t = [0, 0.25, 0.75];
        Assert.Equal(BitConverter.DoubleToInt64Bits(general.Forward(x, t, 1)), BitConverter.DoubleToInt64Bits(fast.Forward(x, t, 1)));
        fast.Backward();
        general.Backward();
        AssertSame(general, fast);
    }

    [Fact]
    public void A_larger_batch_after_one_row_takes_the_general_passes_and_back()
    {
        Network<double> fast = TestData.RandomNetwork([3, 2, 3], Activation.Sigmoid, Loss.CrossEntropy, seed: 13);
        Network<double> general = TestData.RandomNetwork([3, 2, 3], Activation.Sigmoid, Loss.CrossEntropy, seed: 13);
        general.UseGeneralPasses();
        double[] x = TestData.RandomValues(6, 14);
        double[] t = [1, 0, 0, 0, 0, 1];
        foreach (int rows in new[] { 1, 2, 1 })
        {
            Assert.Equal(
                BitConverter.DoubleToInt64Bits(general.Forward(x, t, rows)),
                BitConverter.DoubleToInt64Bits(fast.Forward(x, t, rows)));
            fast.Backward();
            general.Backward();
            AssertSame(general, fast);
        }
    }

    [Fact]
    public void One_row_passes_and_steps_allocate_nothing()
    {
        Network<double> network = ArticleExample.CreateNetwork<double>();
        var sgd = new Sgd<double>(ArticleExample.LearningRate);
        double[] x = [.. ArticleExample.Input];
        double[] t = [.. ArticleExample.Target];
        void Step()
        {
            network.Forward(x, t, 1);
            network.Backward();
            sgd.Step(network.Parameters, network.Gradients);
        }
        Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            Step();
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    // One-hot rows for cross-entropy, values in (0, 1) for binary cross-entropy, any values for regression.
    private static double[] Targets(int outputs, string loss, int step)
    {
        double[] t = new double[outputs];
        switch (loss)
        {
            case "cross-entropy":
                t[step % outputs] = 1;
                break;
            case "bce":
                for (int i = 0; i < outputs; i++)
                {
                    t[i] = (i + step) % 2;
                }
                break;
            default:
                t = TestData.RandomValues(outputs, 40 + step);
                break;
        }
        return t;
    }

    // z, a and δ of every layer, the gradients and the parameters, bit for bit.
    private static void AssertSame(Network<double> expected, Network<double> actual)
    {
        Assert.Equal(Bits(expected.Parameters), Bits(actual.Parameters));
        Assert.Equal(Bits(expected.Gradients), Bits(actual.Gradients));
        if (expected.BatchSize == 0)
        {
            return;
        }
        for (int l = 0; l < expected.Layers.Count; l++)
        {
            Assert.Equal(Bits(expected.Z(l)), Bits(actual.Z(l)));
            Assert.Equal(Bits(expected.A(l)), Bits(actual.A(l)));
            Assert.Equal(Bits(expected.Delta(l)), Bits(actual.Delta(l)));
        }
    }

    private static long[] Bits(ReadOnlySpan<double> values)
    {
        long[] bits = new long[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            bits[i] = BitConverter.DoubleToInt64Bits(values[i]);
        }
        return bits;
    }
}
