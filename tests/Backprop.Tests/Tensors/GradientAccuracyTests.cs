using System.Globalization;
using Xunit.Abstractions;

namespace Backprop.Tests.Tensors;

/// <summary>
/// How close float32 gradients come to the exact ones: one batch of 64 through 784-128-10 (ReLU, softmax with
/// cross-entropy), the float32 network's gradients against the double network's on the same float32 inputs and
/// parameters, for three seeds. bench/peers/gradient_error.py makes the same batches and parameters and measures
/// PyTorch's error the same way; the bound is 1.5 × PyTorch's.
/// </summary>
[Collection(KernelSettingsCollection.Name)]
public class GradientAccuracyTests(ITestOutputHelper output)
{
    private static readonly int[] Sizes = [784, 128, 10];
    private const int Batch = 64;

    // ‖g32 − g64‖₂ / ‖g64‖₂ of PyTorch 1.13.0 (OpenBLAS, 1 thread) for seeds 1, 2, 3, from
    // `/usr/bin/python3 bench/peers/gradient_error.py` (docs/performance.md, "float32 accuracy").
    private static readonly double[] PyTorchError = [1.658e-7, 1.893e-7, 1.352e-7];

    public static TheoryData<int> Seeds() => [1, 2, 3];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Float_gradients_are_within_one_and_a_half_times_the_error_of_pytorch(int seed)
    {
        double bound = 1.5 * PyTorchError[seed - 1];
        foreach (bool wide in Widths())
        {
            bool saved = PackedGemm.UseVector512;
            double error;
            double[] parts;
            try
            {
                PackedGemm.UseVector512 = wide;
                (error, parts) = RelativeError(seed);
            }
            finally
            {
                PackedGemm.UseVector512 = saved;
            }
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"seed {seed}, {(wide ? "Vector512" : "Vector256")}: {error:E3} ({error / PyTorchError[seed - 1]:F2} × PyTorch); ∇W1, ∇b1, ∇W2, ∇b2: {string.Join(", ", parts.Select(p => p.ToString("E3", CultureInfo.InvariantCulture)))}"));
            Assert.True(error <= bound, string.Create(CultureInfo.InvariantCulture,
                $"seed {seed}, wide={wide}: relative gradient error {error:E3} > 1.5 × PyTorch's {PyTorchError[seed - 1]:E3}"));
        }
    }

    private static IEnumerable<bool> Widths() =>
        PackedGemm.IsSupported && System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? [true, false] : [PackedGemm.UseVector512];

    // The float32 gradients' relative distance from the double gradients of the same float32 problem: over all of
    // them, and over each of ∇W1, ∇b1, ∇W2, ∇b2 (the order of the gradient block).
    private static (double All, double[] Parts) RelativeError(int seed)
    {
        (float[][] weights, float[] x, float[] t) = Problem(seed);
        var f = new Network<float>(Sizes, [Activation.Relu, Activation.Softmax], Loss.CrossEntropy);
        var d = new Network<double>(Sizes, [Activation.Relu, Activation.Softmax], Loss.CrossEntropy);
        for (int l = 0; l < weights.Length; l++)
        {
            weights[l].CopyTo(f.DenseLayers[l].Weights);
            for (int i = 0; i < weights[l].Length; i++)
            {
                d.DenseLayers[l].Weights[i] = weights[l][i];
            }
        }
        f.Forward(x, t, Batch);
        f.Backward();
        d.Forward(Array.ConvertAll(x, v => (double)v), Array.ConvertAll(t, v => (double)v), Batch);
        d.Backward();

        int[] ends = [Sizes[1] * Sizes[0], Sizes[1] * (Sizes[0] + 1), Sizes[1] * (Sizes[0] + 1) + Sizes[2] * Sizes[1], d.Gradients.Length];
        double[] parts = new double[ends.Length];
        double difference = 0, norm = 0;
        for (int part = 0, i = 0; part < ends.Length; part++)
        {
            double partDifference = 0, partNorm = 0;
            for (; i < ends[part]; i++)
            {
                double exact = d.Gradients[i];
                partDifference += (f.Gradients[i] - exact) * (f.Gradients[i] - exact);
                partNorm += exact * exact;
            }
            parts[part] = Math.Sqrt(partDifference / partNorm);
            difference += partDifference;
            norm += partNorm;
        }
        return (Math.Sqrt(difference / norm), parts);
    }

    // As bench/peers/gradient_error.py: W1 He uniform, W2 Xavier uniform, (2u − 1) · limit rounded to float; biases 0;
    // pixels (next >> 56) / 255; labels next mod 10; all from one SplitMix64 in that order.
    private static (float[][] Weights, float[] X, float[] T) Problem(int seed)
    {
        var rng = new Rng(seed);
        double[] limits = [Math.Sqrt(6.0 / Sizes[0]), Math.Sqrt(6.0 / (Sizes[1] + Sizes[2]))];
        var weights = new float[2][];
        for (int l = 0; l < 2; l++)
        {
            weights[l] = new float[Sizes[l + 1] * Sizes[l]];
            for (int i = 0; i < weights[l].Length; i++)
            {
                weights[l][i] = (float)((2.0 * rng.NextDouble() - 1.0) * limits[l]);
            }
        }
        var x = new float[Batch * Sizes[0]];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)((rng.NextUInt64() >> 56) / 255.0);
        }
        var t = new float[Batch * Sizes[2]];
        for (int r = 0; r < Batch; r++)
        {
            t[r * Sizes[2] + (int)(rng.NextUInt64() % (ulong)Sizes[2])] = 1;
        }
        return (weights, x, t);
    }
}
