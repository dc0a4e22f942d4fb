namespace Backprop.Tests.Layers;

/// <summary>
/// <see cref="NetworkShape.CheckSize"/>: a network's size is checked in long arithmetic against one block's capacity and
/// the memory available, so any caller gets an ArgumentException instead of an overflow or an out-of-memory crash.
/// </summary>
public class NetworkSizeTests
{
    [Fact]
    public void The_parameter_count_is_weights_plus_biases_in_long_arithmetic()
    {
        Assert.Equal(3L * 2 + 2 + 2 * 3 + 3, NetworkShape.CheckSize([3, 2, 3], sizeof(double)));
    }

    [Theory]
    [InlineData(new[] { 4, 100000, 100000, 3 })]
    [InlineData(new[] { 4, int.MaxValue, 3 })]
    [InlineData(new[] { int.MaxValue, int.MaxValue })]
    public void A_network_larger_than_one_block_is_refused_without_overflow(int[] sizes)
    {
        var e = Assert.Throws<ArgumentException>(() => NetworkShape.CheckSize(sizes, sizeof(float)));
        Assert.StartsWith("this network needs more than ", e.Message, StringComparison.Ordinal);
        Assert.Contains("GB for its parameters and gradients", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_network_whose_parameters_and_gradients_exceed_half_the_memory_is_refused()
    {
        // 10⁶ parameters of 10⁷ bytes each: 20 TB, more than any test machine has.
        var e = Assert.Throws<ArgumentException>(() => NetworkShape.CheckSize([999, 1000], 10_000_000));
        Assert.Contains("this network needs 20000 GB for its parameters and gradients", e.Message, StringComparison.Ordinal);
        Assert.Contains("of memory available", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_public_check_counts_values_of_the_networks_type()
    {
        Assert.Equal(3L * 2 + 2 + 2 * 3 + 3, Network<float>.CheckSize([3, 2, 3]));
        var e = Assert.Throws<ArgumentException>(() => Network<double>.CheckSize([4, 100000, 100000, 3]));
        Assert.Contains("parameters of 8 bytes, twice", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => Network<float>.CheckSize([4, 100000, 100000, 3]));
        Assert.Contains("parameters of 4 bytes, twice", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_network_constructor_checks_before_allocating()
    {
        Activation[] activations = [Activation.Relu, Activation.Relu, Activation.Softmax];
        var e = Assert.Throws<ArgumentException>(() => new Network<float>([4, 100000, 100000, 3], activations, Loss.CrossEntropy));
        Assert.Contains("for its parameters and gradients", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new Network<double>([4, int.MaxValue, 3], activations[1..], Loss.CrossEntropy));
    }
}
