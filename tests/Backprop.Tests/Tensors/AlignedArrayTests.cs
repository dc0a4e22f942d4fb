namespace Backprop.Tests.Tensors;

/// <summary>Parameter and gradient blocks start on a cache line, so the fused step's vector accesses never split.</summary>
public class AlignedArrayTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(1000)]
    [InlineData(101_770)]
    public unsafe void Allocate_starts_on_a_64_byte_boundary_with_room_for_the_count(int count)
    {
        for (int repeat = 0; repeat < 8; repeat++)
        {
            float[] floats = AlignedArray.Allocate<float>(count, out int start);
            Assert.InRange(start, 0, 15);
            Assert.True(floats.Length - start >= count);
            fixed (float* p = &floats[start])
            {
                Assert.Equal(0, (long)p % 64);
            }
            Assert.All(floats, v => Assert.Equal(0f, v));

            double[] doubles = AlignedArray.Allocate<double>(count, out start);
            Assert.InRange(start, 0, 7);
            Assert.True(doubles.Length - start >= count);
            fixed (double* p = &doubles[start])
            {
                Assert.Equal(0, (long)p % 64);
            }
        }
    }

    [Fact]
    public unsafe void Parameters_and_gradients_of_a_network_start_on_a_cache_line()
    {
        for (int repeat = 0; repeat < 8; repeat++)
        {
            var f = new Network<float>([784, 128, 10], [Activation.Relu, Activation.Softmax], Loss.CrossEntropy);
            var d = new Network<double>([3, 2, 3], [Activation.Sigmoid, Activation.Softmax], Loss.CrossEntropy);
            Assert.Equal(101_770, f.Parameters.Length);
            Assert.Equal(101_770, f.Gradients.Length);
            Assert.Equal(17, d.Parameters.Length);
            fixed (float* p = f.Parameters)
            fixed (float* g = f.Gradients)
            fixed (float* w2 = f.DenseLayers[1].Weights)
            {
                Assert.Equal(0, (long)p % 64);
                Assert.Equal(0, (long)g % 64);
                // 784 floats are 49 cache lines: every row of W1 starts on one, and so does W2 after b1's 128 floats.
                Assert.Equal(0, (long)w2 % 64);
            }
            fixed (double* p = d.Parameters)
            fixed (double* g = d.Gradients)
            {
                Assert.Equal(0, (long)p % 64);
                Assert.Equal(0, (long)g % 64);
            }
        }
    }
}
