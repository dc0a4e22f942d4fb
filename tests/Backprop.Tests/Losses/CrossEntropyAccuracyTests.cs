namespace Backprop.Tests.Losses;

/// <summary>
/// A confident, correct prediction's cross-entropy is small; it must keep its relative accuracy however large the
/// logits. Computed as log-sum-exp minus the true logit it carried an absolute error of half an ulp of the largest
/// logit: with logits near 1000, a loss of 1e-4 was off by 2.7e-10 of itself in double and by most of itself in float.
/// </summary>
public class CrossEntropyAccuracyTests
{
    // Logits that are exact in binary and in decimal, so the truth below starts from the same numbers.
    public static TheoryData<double[], int> Cases => new()
    {
        { [1000, 990.75, 988.5], 0 },
        { [-1000, -1009.25, -1011.5], 0 },
        { [0.5, -20.25, -17.5, -30], 0 },
        { [988.5, 1000, 990.75], 1 },
        { [2.5, 2.25, -1], 0 },
        { [1000, 990.75, 988.5], 2 }, // a wrong prediction: a large loss
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Double_loss_of_a_network_matches_a_28_digit_truth_to_1e_15(double[] logits, int target)
    {
        double loss = NetworkLoss<double>(logits, target, batch: 1);
        double truth = (double)DecimalLoss(logits, target);
        Assert.True(Math.Abs(loss - truth) <= 1e-15 * truth, $"loss {loss:R}, truth {truth:R}, relative error {Math.Abs(loss - truth) / truth:E2}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Double_loss_without_the_softmax_pass_matches_the_truth_too(double[] logits, int target)
    {
        var t = new double[logits.Length];
        t[target] = 1;
        double loss = SoftmaxCrossEntropy.MeanLoss<double>(logits, t, logits.Length);
        double truth = (double)DecimalLoss(logits, target);
        Assert.True(Math.Abs(loss - truth) <= 1e-15 * truth, $"loss {loss:R}, truth {truth:R}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float_loss_matches_the_double_truth_to_float_precision(double[] logits, int target)
    {
        // A batch of 9 equal rows goes through the vectorised exponential as well as its scalar tail.
        float loss = NetworkLoss<float>(logits, target, batch: 9);
        double truth = (double)DecimalLoss(logits, target);
        Assert.True(Math.Abs(loss - truth) <= 1e-6 * truth, $"loss {loss:R}, truth {truth:R}, relative error {Math.Abs(loss - truth) / truth:E2}");
    }

    [Fact]
    public void Soft_targets_weight_each_class_term()
    {
        double[] z = [1000, 990.75, 988.5];
        double loss = SoftmaxCrossEntropy.MeanLoss<double>(z, [0.75, 0.25, 0], 3);
        decimal truth = 0.75m * DecimalLoss(z, 0) + 0.25m * DecimalLoss(z, 1);
        Assert.Equal((double)truth, loss, 1e-13);
    }

    private static T NetworkLoss<T>(double[] logits, int target, int batch) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int n = logits.Length;
        var net = new Network<T>([1, n], [Activation.Softmax], Loss.CrossEntropy);
        for (int i = 0; i < n; i++)
        {
            net.DenseLayers[0].Bias[i] = T.CreateChecked(logits[i]); // W = 0, b = logits: z = b
        }
        var x = new T[batch];
        var t = new T[batch * n];
        for (int r = 0; r < batch; r++)
        {
            t[r * n + target] = T.One;
        }
        return net.Forward(x, t, batch);
    }

    /// <summary>−log softmax(z)_target = log Σ_j e^(z_j − z_target), in decimal (28 digits).</summary>
    private static decimal DecimalLoss(double[] logits, int target)
    {
        decimal sum = 0;
        for (int j = 0; j < logits.Length; j++)
        {
            sum += j == target ? 0 : Exp((decimal)logits[j] - (decimal)logits[target]);
        }
        return Log1p(sum);
    }

    // e^x by its series for |x| ≤ 1 and squaring: e^x = (e^(x / 2^k))^(2^k).
    private static decimal Exp(decimal x)
    {
        int halvings = 0;
        while (Math.Abs(x) > 0.5m)
        {
            x /= 2;
            halvings++;
        }
        decimal term = 1, sum = 1;
        for (int n = 1; n < 40; n++)
        {
            term *= x / n;
            sum += term;
        }
        for (int i = 0; i < halvings; i++)
        {
            sum *= sum;
        }
        return sum;
    }

    // log(1 + y) = 2 atanh(u), u = y / (2 + y), for y ≥ 0: 2 Σ u^(2k+1) / (2k+1); for large y, log(1 + y) = log(2^m) + log(...) by halving.
    private static decimal Log1p(decimal y)
    {
        decimal offset = 0;
        decimal ln2 = 0.6931471805599453094172321215m;
        decimal v = 1 + y;
        while (v > 1.5m)
        {
            v /= 2;
            offset += ln2;
        }
        decimal u = v == 1 + y ? y / (2 + y) : (v - 1) / (v + 1);
        decimal u2 = u * u, power = u, sum = 0;
        for (int k = 0; k < 60; k++)
        {
            sum += power / (2 * k + 1);
            power *= u2;
        }
        return offset + 2 * sum;
    }
}
