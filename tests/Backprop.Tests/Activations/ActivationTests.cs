using System.Numerics;

namespace Backprop.Tests.Activations;

/// <summary>Each activation's vector path against its scalar twin, for every length up to a few hundred.</summary>
public class ActivationTests
{
    public static TheoryData<Activation> All() => [Activation.Identity, Activation.Sigmoid, Activation.Tanh, Activation.Relu, Activation.LeakyRelu];

    [Theory]
    [MemberData(nameof(All))]
    public void Forward_and_derivative_match_the_scalar_twin_in_double(Activation activation)
    {
        var rng = new Rng(11);
        for (int n = 0; n <= 300; n += n < 40 ? 1 : 37)
        {
            double[] z = [.. Enumerable.Range(0, n).Select(_ => 20 * rng.NextDouble() - 10)];
            var a = new double[n];
            ActivationFunctions.Forward<double>(activation, z, a, Math.Max(n, 1));
            var d = new double[n];
            ActivationFunctions.Derivative<double>(activation, a, d);
            for (int i = 0; i < n; i++)
            {
                double expected = ActivationFunctions.Scalar(activation, z[i]);
                Assert.True(Math.Abs(expected - a[i]) <= 1e-15 * Math.Max(1, Math.Abs(expected)) * 4, $"{activation} f({z[i]}) at {i} of {n}: {a[i]} vs {expected}");
                double expectedD = ActivationFunctions.ScalarDerivative(activation, a[i]);
                Assert.Equal(expectedD, d[i], 15);
            }
        }
    }

    [Theory]
    [MemberData(nameof(All))]
    public void Float_forward_matches_the_scalar_twin(Activation activation)
    {
        var rng = new Rng(12);
        for (int n = 0; n <= 300; n += n < 40 ? 1 : 37)
        {
            float[] z = [.. Enumerable.Range(0, n).Select(_ => (float)(20 * rng.NextDouble() - 10))];
            var a = new float[n];
            ActivationFunctions.Forward<float>(activation, z, a, Math.Max(n, 1));
            for (int i = 0; i < n; i++)
            {
                double expected = ActivationFunctions.Scalar(activation, z[i]);
                Assert.True(Math.Abs(expected - a[i]) <= 1e-6 * Math.Max(1, Math.Abs(expected)), $"{activation} f({z[i]}) at {i} of {n}: {a[i]} vs {expected}");
            }
        }
    }

    public static TheoryData<string> DerivativeKernels() => ["sigmoid", "tanh", "relu", "leaky-relu"];

    [Theory]
    [MemberData(nameof(DerivativeKernels))]
    public void Derivative_kernels_give_the_bits_of_their_scalar_twins(string name)
    {
        AssertSameBits<float>(name, x => (float)x, x => BitConverter.SingleToInt32Bits(x));
        AssertSameBits<double>(name, x => x, x => BitConverter.DoubleToInt64Bits(x));
    }

    // δ ⊙= f'(a) by the vector kernel and by its scalar twin, every length up to a few vectors and a few hundred, from
    // odd offsets, with zeros of both signs, NaN and infinities among a and δ.
    private static void AssertSameBits<T>(string name, Func<double, T> make, Func<T, long> bits) where T : unmanaged, IFloatingPointIeee754<T>
    {
        (Action<T[], T[], int> kernel, Action<T[], T[], int> twin) = name switch
        {
            "sigmoid" => (Kernel<T>(Sigmoid.Backward), Kernel<T>(Sigmoid.BackwardReference)),
            "tanh" => (Kernel<T>(Tanh.Backward), Kernel<T>(Tanh.BackwardReference)),
            "relu" => (Kernel<T>(Relu.Backward), Kernel<T>(Relu.BackwardReference)),
            _ => (Kernel<T>(LeakyRelu.Backward), Kernel<T>(LeakyRelu.BackwardReference)),
        };
        var rng = new Rng(13);
        double[] special = [0.0, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1.0, -1.0];
        for (int n = 0; n <= 300; n += n < 40 ? 1 : 29)
        {
            for (int offset = 0; offset <= 1; offset++)
            {
                T Draw() => make(rng.Next(8) == 0 ? special[rng.Next(special.Length)] : 4 * rng.NextDouble() - 2);
                T[] a = [.. Enumerable.Range(0, n + offset).Select(_ => Draw())];
                T[] delta = [.. Enumerable.Range(0, n + offset).Select(_ => Draw())];
                T[] expected = [.. delta];
                kernel(a, delta, offset);
                twin(a, expected, offset);
                for (int i = 0; i < delta.Length; i++)
                {
                    Assert.True(bits(expected[i]) == bits(delta[i]), $"{name} {typeof(T).Name} n={n} offset={offset} i={i}: {delta[i]} vs {expected[i]}");
                }
            }
        }
    }

    private delegate void Backward<T>(ReadOnlySpan<T> a, Span<T> delta);

    private static Action<T[], T[], int> Kernel<T>(Backward<T> backward) => (a, delta, offset) => backward(a.AsSpan(offset), delta.AsSpan(offset));

    [Fact]
    public void Derivatives_agree_with_central_differences_away_from_kinks()
    {
        foreach (Activation activation in new[] { Activation.Sigmoid, Activation.Tanh, Activation.Relu, Activation.LeakyRelu, Activation.Identity })
        {
            foreach (double z in new[] { -3.0, -0.7, 0.4, 2.5 })
            {
                const double h = 1e-6;
                double numeric = (ActivationFunctions.Scalar(activation, z + h) - ActivationFunctions.Scalar(activation, z - h)) / (2 * h);
                double analytic = ActivationFunctions.ScalarDerivative(activation, ActivationFunctions.Scalar(activation, z));
                Assert.True(Math.Abs(numeric - analytic) < 1e-8, $"{activation}'({z}): {analytic} vs {numeric}");
            }
        }
    }

    [Theory]
    [InlineData("sigmoid", Activation.Sigmoid)]
    [InlineData("TANH", Activation.Tanh)]
    [InlineData("relu", Activation.Relu)]
    [InlineData("leaky-relu", Activation.LeakyRelu)]
    [InlineData("identity", Activation.Identity)]
    public void Names_round_trip(string name, Activation expected)
    {
        Assert.True(ActivationFunctions.TryParse(name, out Activation parsed));
        Assert.Equal(expected, parsed);
        Assert.True(ActivationFunctions.TryParse(ActivationFunctions.Name(parsed), out Activation again));
        Assert.Equal(expected, again);
    }
}
