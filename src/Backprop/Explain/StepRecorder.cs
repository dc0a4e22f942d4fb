namespace Backprop.Explain;

/// <summary>
/// Observes one real training iteration of a <see cref="Network{T}"/>: Forward, Backward and the optimizer's Step
/// run exactly as the trainer runs them, and the recorder copies what the network exposes (z, a, δ, gradients,
/// parameters before and after). It computes none of these itself.
/// </summary>
internal static class StepRecorder
{
    /// <summary>
    /// Runs one iteration on x (batch, in) and t (batch, out), rows as the engine takes them, and records it.
    /// The network's parameters are updated by <paramref name="optimizer"/>, as in training.
    /// </summary>
    public static Explanation Record(Network<double> network, ReadOnlySpan<double> x, ReadOnlySpan<double> t, int batch, IOptimizer<double> optimizer)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(optimizer);
        int layers = network.DenseLayers.Count;
        Matrix[] weights = new Matrix[layers];
        Matrix[] biases = new Matrix[layers];
        for (int l = 0; l < layers; l++)
        {
            Dense<double> layer = network.DenseLayers[l];
            weights[l] = Matrix.Copy(layer.Weights, layer.Outputs, layer.Inputs);
            biases[l] = Matrix.Copy(layer.Bias, layer.Outputs, 1);
        }

        double loss = network.Forward(x, t, batch);
        network.Backward();

        var steps = new List<ExplainStep>();
        var quantities = new List<NamedQuantity>();
        Matrix input = Matrix.FromBatchRows(network.Input, batch, network.InputSize);
        Matrix target = Matrix.FromBatchRows(network.Target, batch, network.OutputSize);
        var z = new Matrix[layers];
        var a = new Matrix[layers];
        var delta = new Matrix[layers];
        for (int l = 0; l < layers; l++)
        {
            int units = network.DenseLayers[l].Outputs;
            z[l] = Matrix.FromBatchRows(network.Z(l), batch, units);
            a[l] = Matrix.FromBatchRows(network.A(l), batch, units);
            delta[l] = Matrix.FromBatchRows(network.Delta(l), batch, units);
        }

        // Forward, layer by layer.
        for (int l = 0; l < layers; l++)
        {
            Matrix previous = l == 0 ? input : a[l - 1];
            var linear = new LinearStep(l, weights[l], previous, biases[l], z[l]);
            steps.Add(linear);
            quantities.Add(new NamedQuantity($"z{l + 2}", z[l], linear));
            var activation = new ActivationStep(l, network.DenseLayers[l].Activation, z[l], a[l]);
            steps.Add(activation);
            quantities.Add(new NamedQuantity($"a{l + 2}", a[l], activation));
        }

        int last = layers - 1;
        var lossStep = new LossStep(last, network.Loss, z[last], a[last], target, loss);
        steps.Add(lossStep);
        quantities.Add(new NamedQuantity("loss", Matrix.Scalar(loss), lossStep));

        // Backward, from the output layer down.
        Matrix? outputDerivative = null;
        if (network.Loss is MeanSquaredError)
        {
            outputDerivative = Derivative(network.DenseLayers[last].Activation, network.A(last), batch, network.OutputSize);
        }
        var outputDelta = new OutputDeltaStep(last, network.Loss, network.DenseLayers[last].Activation, a[last], target, outputDerivative, delta[last]);
        steps.Add(outputDelta);
        quantities.Add(new NamedQuantity($"delta{last + 2}", delta[last], outputDelta));
        for (int l = last; l >= 0; l--)
        {
            Dense<double> layer = network.DenseLayers[l];
            Matrix previous = l == 0 ? input : a[l - 1];
            var gradient = new GradientStep(l, delta[l], previous,
                Matrix.Copy(layer.WeightGradients, layer.Outputs, layer.Inputs),
                Matrix.Copy(layer.BiasGradients, layer.Outputs, 1));
            steps.Add(gradient);
            quantities.Add(new NamedQuantity($"dW{l + 1}", gradient.WeightGradient, gradient));
            quantities.Add(new NamedQuantity($"db{l + 1}", gradient.BiasGradient, gradient));
            if (l > 0)
            {
                Dense<double> below = network.DenseLayers[l - 1];
                var hidden = new HiddenDeltaStep(l - 1, weights[l], delta[l], below.Activation, a[l - 1],
                    Derivative(below.Activation, network.A(l - 1), batch, below.Outputs), delta[l - 1]);
                steps.Add(hidden);
                quantities.Add(new NamedQuantity($"delta{l + 1}", delta[l - 1], hidden));
            }
        }

        // The update, by the optimizer itself.
        Matrix[] weightGradients = [.. steps.OfType<GradientStep>().OrderBy(s => s.Layer).Select(s => s.WeightGradient)];
        Matrix[] biasGradients = [.. steps.OfType<GradientStep>().OrderBy(s => s.Layer).Select(s => s.BiasGradient)];
        optimizer.Step(network.Parameters, network.Gradients);
        for (int l = 0; l < layers; l++)
        {
            Dense<double> layer = network.DenseLayers[l];
            var w = new UpdateStep(l, false, weights[l], weightGradients[l], optimizer.LearningRate, Matrix.Copy(layer.Weights, layer.Outputs, layer.Inputs));
            var b = new UpdateStep(l, true, biases[l], biasGradients[l], optimizer.LearningRate, Matrix.Copy(layer.Bias, layer.Outputs, 1));
            steps.Add(w);
            steps.Add(b);
            quantities.Add(new NamedQuantity($"W{l + 1}'", w.After, w));
            quantities.Add(new NamedQuantity($"b{l + 1}'", b.After, b));
        }

        return new Explanation(network.Sizes, [.. network.DenseLayers.Select(l => l.Activation)], network.Loss, optimizer.LearningRate, batch,
            input, target, weights, biases, steps, quantities);
    }

    // f′(z) from a, by the engine's activation code; (batch, units) rows in, (units, batch) out.
    private static Matrix Derivative(Activation activation, ReadOnlySpan<double> a, int batch, int units)
    {
        var rows = new double[batch * units];
        ActivationFunctions.Derivative(activation, a, rows);
        return Matrix.FromBatchRows(rows, batch, units);
    }
}
