namespace Backprop.Explain;

/// <summary>
/// The step's formulas evaluated by the engine itself on values that are not the engine's (a learner's answers):
/// one-layer networks built with the step's own weights run <see cref="Network{T}.Predict"/> for z and a,
/// <see cref="Dense{T}.Backward"/> for Wᵀδ, ∇W and ∇b, the network's <see cref="Loss"/> for the loss and the output
/// δ, <see cref="OutputBatch{T}.MultiplyByActivationDerivative"/> for ⊙ f′, and <see cref="Sgd{T}"/> for the update.
/// Nothing here is a formula of its own; matrices are the article's (units, batch) columns.
/// </summary>
internal static class EngineFormulas
{
    /// <summary>z = W a + b of one layer, for the given input columns (in, batch).</summary>
    public static Matrix Linear(Matrix weights, Matrix bias, Matrix input)
    {
        var network = new Network<double>([weights.Columns, weights.Rows], [Activation.Identity], Loss.MeanSquaredError);
        Dense<double> layer = network.DenseLayers[0];
        Load(layer, weights, bias);
        return Predict(network, input);
    }

    /// <summary>a = f(z), by a layer that passes z through unchanged (W = I, b = 0) before its activation f.</summary>
    public static Matrix Activate(Activation f, Matrix z)
    {
        Loss loss = f == Activation.Softmax ? Loss.CrossEntropy : Loss.MeanSquaredError;
        var network = new Network<double>([z.Rows, z.Rows], [f], loss);
        Dense<double> layer = network.DenseLayers[0];
        var identity = new double[z.Rows * z.Rows];
        for (int i = 0; i < z.Rows; i++)
        {
            identity[i * z.Rows + i] = 1;
        }
        Load(layer, new Matrix(z.Rows, z.Rows, identity), new Matrix(z.Rows, 1, new double[z.Rows]));
        return Predict(network, z);
    }

    /// <summary>
    /// The batch's loss from the output a (units, batch) and t, by the network's loss. A fused softmax loss reads
    /// logits: ln a, whose softmax is a again when a sums to 1. Null when no logits exist (an a ≤ 0).
    /// </summary>
    public static double? LossValue(Loss loss, Activation f, Matrix a, Matrix target)
    {
        double[] rows = [.. a.Transpose().Values];
        double[] t = [.. target.Transpose().Values];
        double[] z = rows;
        if (loss.FusedActivation == Activation.Softmax)
        {
            if (rows.Any(v => v <= 0))
            {
                return null;
            }
            z = [.. rows.Select(v => Math.Log(v))];
        }
        return loss.Value(new OutputBatch<double>(z, rows, t, a.Columns, a.Rows, f));
    }

    /// <summary>The output layer's δ = ∂L/∂z from its a (units, batch) and t, by the network's loss.</summary>
    public static Matrix OutputDelta(Loss loss, Activation f, Matrix a, Matrix target)
    {
        double[] rows = [.. a.Transpose().Values];
        double[] t = [.. target.Transpose().Values];
        var delta = new double[rows.Length];
        loss.Delta(new OutputBatch<double>(rows, rows, t, a.Columns, a.Rows, f), delta);
        return Matrix.FromBatchRows(delta, a.Columns, a.Rows);
    }

    /// <summary>
    /// One layer's backward pass from the δ of the layer it feeds: Wᵀδ (before f′), ∇W = δ aᵀ and ∇b = Σ δ, by
    /// <see cref="Dense{T}.Backward"/> of a layer with the step's weights and no activation of its own.
    /// </summary>
    public static (Matrix Back, Matrix WeightGradient, Matrix BiasGradient) Backward(Matrix weights, Matrix input, Matrix delta)
    {
        var network = new Network<double>([weights.Columns, weights.Rows], [Activation.Identity], Loss.MeanSquaredError);
        Dense<double> layer = network.DenseLayers[0];
        Load(layer, weights, new Matrix(weights.Rows, 1, new double[weights.Rows]));
        int batch = input.Columns;
        double[] x = [.. input.Transpose().Values];
        double[] dy = [.. delta.Transpose().Values];
        var dx = new double[batch * weights.Columns];
        layer.Backward(x, dy, dy, dx, batch);
        return (Matrix.FromBatchRows(dx, batch, weights.Columns),
            Matrix.Copy(layer.WeightGradients, weights.Rows, weights.Columns),
            Matrix.Copy(layer.BiasGradients, weights.Rows, 1));
    }

    /// <summary>back ⊙ f′(z), f′ taken from a = f(z) (units, batch) as the engine's backward takes it.</summary>
    public static Matrix TimesSlope(Activation f, Matrix back, Matrix a)
    {
        double[] rows = [.. a.Transpose().Values];
        double[] product = [.. back.Transpose().Values];
        new OutputBatch<double>(rows, rows, rows, a.Columns, a.Rows, f).MultiplyByActivationDerivative(product);
        return Matrix.FromBatchRows(product, a.Columns, a.Rows);
    }

    /// <summary>The parameters after one plain gradient-descent step, p − η g, by <see cref="Sgd{T}"/>.</summary>
    public static Matrix Update(Matrix before, Matrix gradient, double learningRate)
    {
        double[] parameters = [.. before.Values];
        new Sgd<double>(learningRate).Step(parameters, [.. gradient.Values]);
        return new Matrix(before.Rows, before.Columns, parameters);
    }

    private static void Load(Dense<double> layer, Matrix weights, Matrix bias)
    {
        weights.Values.ToArray().CopyTo(layer.Weights);
        bias.Values.ToArray().CopyTo(layer.Bias);
    }

    private static Matrix Predict(Network<double> network, Matrix input)
    {
        int batch = input.Columns;
        int outputs = network.OutputSize;
        var output = new double[batch * outputs];
        network.Predict([.. input.Transpose().Values], batch, output);
        return Matrix.FromBatchRows(output, batch, outputs);
    }
}
