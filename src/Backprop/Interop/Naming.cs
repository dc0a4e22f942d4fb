namespace Backprop.Interop;

/// <summary>
/// Parameter names shared with PyTorch: a Backprop network is nn.Sequential(Linear, activation, Linear, activation, …,
/// Linear), so dense layer l is module 2l and its parameters are "2l.weight" (outputs, inputs) and "2l.bias" (outputs).
/// The output softmax is not a module (PyTorch's CrossEntropyLoss takes the logits).
/// </summary>
internal static class Naming
{
    /// <summary>The nn.Sequential index of dense layer <paramref name="layer"/> (0-based).</summary>
    public static int SequentialIndex(int layer) => 2 * layer;

    /// <summary>The state-dict name of dense layer <paramref name="layer"/>'s weight matrix.</summary>
    public static string Weight(int layer) => $"{SequentialIndex(layer)}.weight";

    /// <summary>The state-dict name of dense layer <paramref name="layer"/>'s bias vector.</summary>
    public static string Bias(int layer) => $"{SequentialIndex(layer)}.bias";
}
