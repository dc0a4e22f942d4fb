namespace Backprop.Tests.Support;

/// <summary>The gradient a network's Backward computes, and the central difference of its loss for each parameter.</summary>
internal static class FiniteDifferences
{
    /// <summary>
    /// Analytic: Backward after Forward on (x, t). Numeric: (L(θ_i + h) − L(θ_i − h)) / 2h for each parameter i, every
    /// parameter restored afterwards.
    /// </summary>
    public static (double[] Analytic, double[] Numeric) Gradients(Network<double> net, double[] x, double[] t, int batch, double h = 1e-6)
    {
        net.Forward(x, t, batch);
        net.Backward();
        double[] analytic = net.Gradients.ToArray();
        double[] numeric = new double[analytic.Length];
        for (int i = 0; i < numeric.Length; i++)
        {
            double saved = net.Parameters[i];
            net.Parameters[i] = saved + h;
            double plus = net.Forward(x, t, batch);
            net.Parameters[i] = saved - h;
            double minus = net.Forward(x, t, batch);
            net.Parameters[i] = saved;
            numeric[i] = (plus - minus) / (2 * h);
        }
        return (analytic, numeric);
    }
}
