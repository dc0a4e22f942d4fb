namespace Backprop.Models;

/// <summary>How <see cref="Classifier"/> weighs the classes in the loss.</summary>
public enum ClassWeighting
{
    /// <summary>Every row counts the same.</summary>
    None,

    /// <summary>w_c = n / (k · n_c): each class contributes equally in total (<see cref="ClassWeights.Balanced{T}"/>).</summary>
    Balanced,
}
