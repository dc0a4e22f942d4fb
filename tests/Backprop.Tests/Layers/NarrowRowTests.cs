namespace Backprop.Tests.Layers;

/// <summary>
/// One row of double through a narrow dense layer (the article's loop) takes its own loops, forward and backward; they
/// must give the bits of the general loops, which a batch of two rows takes.
/// </summary>
public class NarrowRowTests
{
    public static TheoryData<int, int, Activation> Layers()
    {
        var data = new TheoryData<int, int, Activation>();
        foreach (Activation activation in new[] { Activation.Sigmoid, Activation.Tanh, Activation.Relu, Activation.Identity, Activation.Softmax })
        {
            foreach (int inputs in new[] { 1, 3, 7, 8, 15, 16 })
            {
                data.Add(inputs, 3, activation);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void One_row_gives_the_bits_of_the_same_row_in_a_batch(int inputs, int outputs, Activation activation)
    {
        var dense = new Dense<double>(outputs, activation);
        Network<double> network = activation == Activation.Softmax
            ? new Network<double>(inputs, [dense], Loss.CrossEntropy)
            : new Network<double>(inputs, [dense], Loss.MeanSquaredError);
        double[] parameters = TestData.RandomValues(network.ParameterCount, 3);
        parameters.CopyTo(network.Parameters);
        double[] row = TestData.RandomValues(inputs, 4);
        double[] twice = [.. row, .. row];

        // Forward: z = x Wᵀ + b and a = f(z), with softmax's log Σ e^(z − max z) for the loss.
        double[] z1 = new double[outputs], a1 = new double[outputs], lse1 = new double[1];
        double[] z2 = new double[2 * outputs], a2 = new double[2 * outputs], lse2 = new double[2];
        bool softmax = activation == Activation.Softmax;
        dense.Forward(row, z1, a1, 1, softmax ? lse1 : default);
        dense.Forward(twice, z2, a2, 2, softmax ? lse2 : default);
        Assert.Equal(Bits(z2[..outputs]), Bits(z1));
        Assert.Equal(Bits(a2[..outputs]), Bits(a1));
        Assert.Equal(BitConverter.DoubleToInt64Bits(lse2[0]), BitConverter.DoubleToInt64Bits(lse1[0]));

        // Backward: δ_prev = δ W, with a δ of 0 and one of −0 (the general loop skips both) beside non-zero ones.
        double[] delta = [0.0, -0.0, .. TestData.RandomValues(outputs - 2, 5)];
        double[] dx1 = new double[inputs];
        double[] dx2 = new double[2 * inputs];
        dense.Backward(row, delta, dx1, 1);
        dense.Backward(twice, [.. delta, .. delta], dx2, 2);
        Assert.Equal(Bits(dx2[..inputs]), Bits(dx1));

        // ∇W = δᵀ x and ∇b = Σ_rows δ (a δ without zeros, whose sign the batch's cleared sums would lose): two equal
        // rows sum to exactly twice one row's.
        double[] d = TestData.RandomValues(outputs, 6);
        dense.Backward(twice, [.. d, .. d], dx2, 2);
        double[] g2 = dense.Gradients.ToArray();
        dense.Backward(row, d, dx1, 1);
        Assert.Equal(Bits(g2), Bits([.. dense.Gradients.ToArray().Select(g => 2 * g)]));
    }

    [Theory]
    [InlineData(2, false)]
    [InlineData(3, false)]
    [InlineData(3, true)]
    [InlineData(10, false)]
    [InlineData(10, true)]
    public void One_rows_cross_entropy_gives_the_bits_of_the_same_row_in_a_batch(int outputs, bool ties)
    {
        // The softmax of one row, its log Σ e^(z − max z) and the loss take their own loops: the loss of two equal
        // rows, (ℓ + ℓ) / 2, is exactly one row's ℓ from the general loops. Ties (all weights 0, equal biases) test
        // which of equal probabilities the logarithm leaves out; a soft target tests more than one non-zero term.
        const int inputs = 3;
        var network = new Network<double>(inputs, [new Dense<double>(outputs, Activation.Softmax)], Loss.CrossEntropy);
        double[] parameters = ties ? new double[network.ParameterCount] : TestData.RandomValues(network.ParameterCount, 7);
        parameters.CopyTo(network.Parameters);
        double[] row = TestData.RandomValues(inputs, 8);
        double[] target = new double[outputs];
        target[1] = 0.25;
        target[outputs - 1] = 0.75;
        double one = network.Forward(row, target, 1);
        double[] a = network.A(0).ToArray();
        double two = network.Forward([.. row, .. row], [.. target, .. target], 2);
        Assert.Equal(BitConverter.DoubleToInt64Bits(two), BitConverter.DoubleToInt64Bits(one));
        Assert.Equal(Bits(network.A(0)[..outputs].ToArray()), Bits(a));
    }

    private static long[] Bits(double[] values) => [.. values.Select(BitConverter.DoubleToInt64Bits)];
}
