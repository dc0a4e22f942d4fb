namespace Backprop.Explain;

/// <summary>
/// Observes one real training iteration of a <see cref="Network{T}"/>: <see cref="TrainingStep.Run{T}"/> runs Forward,
/// Backward and the optimizer's Step exactly as the trainer's reference step does, and the recorder copies what the
/// <see cref="StepView{T}"/> shows (z, a, δ, gradients, parameters before and after). It computes none of these itself.
/// </summary>
internal sealed class StepRecorder : IStepObserver<double>
{
    private Explanation? _explanation;
    private Matrix[] _weights = [];
    private Matrix[] _biases = [];
    private Matrix _input = Matrix.Scalar(0);
    private Matrix _target = Matrix.Scalar(0);
    private List<ExplainStep> _steps = [];
    private List<NamedQuantity> _quantities = [];

    private StepRecorder()
    {
    }

    /// <summary>
    /// Runs one iteration on x (batch, in) and t (batch, out), rows as the engine takes them, and records it.
    /// The network's parameters are updated by <paramref name="optimizer"/>, as in training.
    /// </summary>
    public static Explanation Record(Network<double> network, ReadOnlySpan<double> x, ReadOnlySpan<double> t, int batch, IOptimizer<double> optimizer)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(optimizer);
        var recorder = new StepRecorder();
        TrainingStep.Run(network, optimizer, x, t, batch, recorder);
        return recorder._explanation!;
    }

    /// <summary>Records the parameters the forward pass used, then forward and backward.</summary>
    public void AfterBackward(StepView<double> step)
    {
        Network<double> network = step.Network;
        int batch = step.BatchSize;
        int layers = step.LayerCount;
        _weights = new Matrix[layers];
        _biases = new Matrix[layers];
        for (int l = 0; l < layers; l++)
        {
            Dense<double> layer = network.DenseLayers[l];
            _weights[l] = Matrix.Copy(layer.Weights, layer.Outputs, layer.Inputs);
            _biases[l] = Matrix.Copy(layer.Bias, layer.Outputs, 1);
        }

        double loss = step.Loss;
        _steps = [];
        _quantities = [];
        _input = Matrix.FromBatchRows(step.Input, batch, network.InputSize);
        _target = Matrix.FromBatchRows(step.Target, batch, network.OutputSize);
        var z = new Matrix[layers];
        var a = new Matrix[layers];
        var delta = new Matrix[layers];
        for (int l = 0; l < layers; l++)
        {
            int units = network.DenseLayers[l].Outputs;
            z[l] = Matrix.FromBatchRows(step.Z(l), batch, units);
            a[l] = Matrix.FromBatchRows(step.A(l), batch, units);
            delta[l] = Matrix.FromBatchRows(step.Delta(l), batch, units);
        }

        // Forward, layer by layer.
        for (int l = 0; l < layers; l++)
        {
            Matrix previous = l == 0 ? _input : a[l - 1];
            var linear = new LinearStep(l, _weights[l], previous, _biases[l], z[l]);
            _steps.Add(linear);
            _quantities.Add(new NamedQuantity($"z{l + 2}", z[l], linear));
            var activation = new ActivationStep(l, network.DenseLayers[l].Activation, z[l], a[l]);
            _steps.Add(activation);
            _quantities.Add(new NamedQuantity($"a{l + 2}", a[l], activation));
        }

        int last = layers - 1;
        var lossStep = new LossStep(last, network.Loss, z[last], a[last], _target, loss);
        _steps.Add(lossStep);
        _quantities.Add(new NamedQuantity("loss", Matrix.Scalar(loss), lossStep));

        // Backward, from the output layer down.
        Matrix? outputDerivative = null;
        if (network.Loss is MeanSquaredError)
        {
            outputDerivative = Derivative(network.DenseLayers[last].Activation, step.A(last), batch, network.OutputSize);
        }
        var outputDelta = new OutputDeltaStep(last, network.Loss, network.DenseLayers[last].Activation, a[last], _target, outputDerivative, delta[last]);
        _steps.Add(outputDelta);
        _quantities.Add(new NamedQuantity($"delta{last + 2}", delta[last], outputDelta));
        for (int l = last; l >= 0; l--)
        {
            Dense<double> layer = network.DenseLayers[l];
            Matrix previous = l == 0 ? _input : a[l - 1];
            var gradient = new GradientStep(l, delta[l], previous,
                Matrix.Copy(layer.WeightGradients, layer.Outputs, layer.Inputs),
                Matrix.Copy(layer.BiasGradients, layer.Outputs, 1));
            _steps.Add(gradient);
            _quantities.Add(new NamedQuantity($"dW{l + 1}", gradient.WeightGradient, gradient));
            _quantities.Add(new NamedQuantity($"db{l + 1}", gradient.BiasGradient, gradient));
            if (l > 0)
            {
                Dense<double> below = network.DenseLayers[l - 1];
                var hidden = new HiddenDeltaStep(l - 1, _weights[l], delta[l], below.Activation, a[l - 1],
                    Derivative(below.Activation, step.A(l - 1), batch, below.Outputs), delta[l - 1]);
                _steps.Add(hidden);
                _quantities.Add(new NamedQuantity($"delta{l + 1}", delta[l - 1], hidden));
            }
        }
    }

    /// <summary>Records the update the optimizer made.</summary>
    public void AfterUpdate(StepView<double> step)
    {
        Network<double> network = step.Network;
        int layers = step.LayerCount;
        double learningRate = step.Optimizer.LearningRate;
        Matrix[] weightGradients = [.. _steps.OfType<GradientStep>().OrderBy(s => s.Layer).Select(s => s.WeightGradient)];
        Matrix[] biasGradients = [.. _steps.OfType<GradientStep>().OrderBy(s => s.Layer).Select(s => s.BiasGradient)];
        for (int l = 0; l < layers; l++)
        {
            Dense<double> layer = network.DenseLayers[l];
            var w = new UpdateStep(l, false, _weights[l], weightGradients[l], learningRate, Matrix.Copy(layer.Weights, layer.Outputs, layer.Inputs));
            var b = new UpdateStep(l, true, _biases[l], biasGradients[l], learningRate, Matrix.Copy(layer.Bias, layer.Outputs, 1));
            _steps.Add(w);
            _steps.Add(b);
            _quantities.Add(new NamedQuantity($"W{l + 1}'", w.After, w));
            _quantities.Add(new NamedQuantity($"b{l + 1}'", b.After, b));
        }

        _explanation = new Explanation(network.Sizes, [.. network.DenseLayers.Select(l => l.Activation)], network.Loss, learningRate, step.BatchSize,
            _input, _target, _weights, _biases, _steps, _quantities);
    }

    // f′(z) from a, by the engine's activation code; (batch, units) rows in, (units, batch) out.
    private static Matrix Derivative(Activation activation, ReadOnlySpan<double> a, int batch, int units)
    {
        var rows = new double[batch * units];
        ActivationFunctions.Derivative(activation, a, rows);
        return Matrix.FromBatchRows(rows, batch, units);
    }
}
