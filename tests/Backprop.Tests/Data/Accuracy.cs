using System.Numerics;

namespace Backprop.Tests.Data;

/// <summary>Classification accuracy of a network on a labelled set: the share of rows whose largest output is the label.</summary>
internal static class Accuracy
{
    public static double Of<T>(Network<T> network, Dataset<T> data) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = network.OutputSize;
        var output = new T[data.Count * k];
        network.Predict(data.Features, data.Count, output);
        int correct = 0;
        for (int r = 0; r < data.Count; r++)
        {
            ReadOnlySpan<T> row = output.AsSpan(r * k, k);
            int best = 0;
            for (int c = 1; c < k; c++)
            {
                if (row[c] > row[best])
                {
                    best = c;
                }
            }
            correct += best == data.Labels[r] ? 1 : 0;
        }
        return correct / (double)data.Count;
    }
}
