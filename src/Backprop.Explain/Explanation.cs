namespace Backprop.Explain;

/// <summary>
/// A recorded training iteration, free of any language or format: the set-up, the steps in the order they are
/// computed, and every named quantity a learner can check (z2, a2, …, loss, delta3, dW2, …, W1', b1', …).
/// </summary>
internal sealed record Explanation(
    IReadOnlyList<int> Sizes,
    IReadOnlyList<Activation> Activations,
    Loss Loss,
    double LearningRate,
    int BatchSize,
    Matrix Input,
    Matrix Target,
    IReadOnlyList<Matrix> InitialWeights,
    IReadOnlyList<Matrix> InitialBiases,
    IReadOnlyList<ExplainStep> Steps,
    IReadOnlyList<NamedQuantity> Quantities)
{
    public NamedQuantity? Find(string name) => Quantities.FirstOrDefault(q => q.Name == name);
}

/// <summary>A quantity by its name (as in an answers file), its value, and the step that produced it.</summary>
internal sealed record NamedQuantity(string Name, Matrix Value, ExplainStep Step);
