namespace Backprop.Interop;

/// <summary>
/// What a model's output layer means, which decides how exporters write its last stage. Today every model is a
/// classifier; regression (identity outputs) and multi-label (sigmoid probabilities and 0.5 decisions) heads are one
/// more member here and one more case in each exporter's output stage (<c>OnnxExporter.AppendHead</c>).
/// </summary>
internal enum ModelHead
{
    /// <summary>Softmax over the classes: probabilities, the most probable class index and its name.</summary>
    Classification,
}
