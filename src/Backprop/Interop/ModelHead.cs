namespace Backprop.Interop;

/// <summary>
/// What a model's output layer means, which decides how exporters write its last stage (one case per member in each
/// exporter's output stage, <c>OnnxExporter.AppendHead</c>).
/// </summary>
internal enum ModelHead
{
    /// <summary>Softmax over the classes: probabilities, the most probable class index and its name.</summary>
    Classification,

    /// <summary>Identity outputs in standardised units, un-scaled by the target scaler: the predicted values.</summary>
    Regression,

    /// <summary>Sigmoid outputs: each label's probability, and its 0/1 decision against the decision threshold.</summary>
    MultiLabel,
}
