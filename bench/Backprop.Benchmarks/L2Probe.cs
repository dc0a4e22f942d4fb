using System.Diagnostics;
using Backprop.Cli.Commands;

namespace Backprop.Benchmarks;

/// <summary>
/// Times the small second layer of a 784-128-10 training step (batch 64 unless given) piece by piece in a hot loop:
/// forward with softmax, loss, δ, backward, and the product and softmax alone. Three passes; the last is the steady state.
/// </summary>
internal static class L2Probe
{
    public static void Run(TextWriter output, int batch = 64)
    {
        Network<float> network = BenchWorkloads.FashionNetwork(seed: 2);
        Dense<float> l1 = network.DenseLayers[0], l2 = network.DenseLayers[1];
        var rng = new Rng(1);
        float[] a1 = new float[batch * 128], z2 = new float[batch * 10], a2 = new float[batch * 10], t = new float[batch * 10], lse = new float[batch], d2 = new float[batch * 10], d1 = new float[batch * 128];
        for (int i = 0; i < a1.Length; i++) { a1[i] = (float)Math.Max(0, rng.NextGaussian()); }
        for (int r = 0; r < batch; r++) { t[r * 10 + r % 10] = 1; }
        int n = 20000 * 64 / batch;
        for (int pass = 0; pass < 3; pass++)
        {
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < n; i++) { l2.Forward(a1, z2, a2, batch, lse); }
            long t1 = Stopwatch.GetTimestamp();
            for (int i = 0; i < n; i++) { SoftmaxCrossEntropy.MeanLoss<float>(z2, t, 10, lse); }
            long t2 = Stopwatch.GetTimestamp();
            for (int i = 0; i < n; i++) { SoftmaxCrossEntropy.MeanDelta<float>(a2, t, d2, batch); }
            long t3 = Stopwatch.GetTimestamp();
            for (int i = 0; i < n; i++) { l2.Backward(a1, d2, d1, batch, Activation.Relu, a1); }
            long t4 = Stopwatch.GetTimestamp();
            for (int i = 0; i < n; i++) { Gemm.MultiplyTransposedB<float>(a1, l2.Weights, z2, batch, 10, 128); }
            long t5 = Stopwatch.GetTimestamp();
            for (int i = 0; i < n; i++) { ActivationFunctions.Forward<float>(Activation.Softmax, z2, a2, 10, lse); }
            long t6 = Stopwatch.GetTimestamp();
            double us(long a, long b) => Stopwatch.GetElapsedTime(a, b).TotalMicroseconds / n;
            output.WriteLine($"l2 fwd {us(t0, t1):F2}  loss {us(t1, t2):F2}  delta {us(t2, t3):F2}  l2 bwd {us(t3, t4):F2} | gemm only {us(t4, t5):F2}  softmax {us(t5, t6):F2} us");
        }
    }
}
