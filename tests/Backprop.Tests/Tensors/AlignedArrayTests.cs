namespace Backprop.Tests.Tensors;

/// <summary>
/// Parameter and gradient blocks, and the activations and batches of a training step, start on a cache line, so the
/// fused step's vector accesses never split and rows halved between two threads share no line.
/// </summary>
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

    [Theory]
    [InlineData(256)]
    [InlineData(1000)]
    [InlineData(50_176)]
    public unsafe void A_buffer_of_a_kilobyte_or_more_starts_on_a_cache_line(int count)
    {
        for (int repeat = 0; repeat < 8; repeat++)
        {
            var buffer = new AlignedBuffer<float>(count);
            Assert.Equal(count, buffer.Length);
            Span<float> all = buffer;
            Assert.Equal(count, all.Length);
            Assert.All(all.ToArray(), v => Assert.Equal(0f, v));
            fixed (float* p = all)
            fixed (float* q = buffer.AsSpan(16, count - 16))
            {
                Assert.Equal(0, (long)p % 64);
                Assert.Equal(64, (long)(q - p) * sizeof(float));
            }
        }
    }

    [Fact]
    public void A_buffer_is_bounded_by_its_length_not_by_the_array_behind_it()
    {
        var buffer = new AlignedBuffer<float>(300);
        buffer.AsSpan(0, 300)[299] = 7f;
        Assert.Equal(7f, buffer.Span[^1]);
        Assert.Equal(0, buffer.AsSpan(300, 0).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.AsSpan(0, 301));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.AsSpan(301, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.AsSpan(-1, 2));
        Assert.Equal(0, AlignedBuffer<double>.Empty.Length);
        Assert.Equal(0, new AlignedBuffer<double>(3).AsSpan(1, 2).IndexOfAnyExcept(0.0) + 1);
    }

    [Fact]
    public unsafe void The_rows_a_training_step_splits_between_threads_start_on_a_cache_line()
    {
        var network = new Network<float>([784, 128, 10], [Activation.Relu, Activation.Softmax], Loss.CrossEntropy);
        Span<float> x = network.InputBuffer(64);
        (AlignedBuffer<float> next, _) = network.NextBuffers(64);
        Assert.Equal(64 * 784, x.Length);
        Assert.True(next.Length >= 64 * 784);
        Assert.True(network.DenseLayers[0].ZBuffer.Length >= 64 * 128);
        fixed (float* px = x)
        fixed (float* pn = next.Span)
        fixed (float* pz = network.DenseLayers[0].ZBuffer)
        {
            Assert.Equal(0, (long)px % 64);
            Assert.Equal(0, (long)pn % 64);
            Assert.Equal(0, (long)pz % 64);
        }
    }
}
