using System.Globalization;
using Backprop.Interop;

namespace Backprop.Serialization.Onnx;

/// <summary>
/// Reads a multilayer perceptron out of an ONNX graph: a chain from the one input through optional Flatten and scaler
/// (Sub, Div), then per layer Gemm, or MatMul with an optional Add, each followed by at most one of Relu, Sigmoid, Tanh,
/// LeakyRelu (alpha 0.01) or Identity, and an optional Softmax at the end. Weights must be float initializers. A graph
/// ending in logits (as PyTorch classifiers do) gets a softmax output. After the Softmax, only the ArgMax and
/// LabelEncoder of Backprop's own exports may follow. Anything else is refused, naming the first node that does not fit.
/// </summary>
internal static class OnnxImporter
{
    public static ModelParts Read(OnnxModelProto model, string source)
    {
        // Backprop's own regression and multi-label exports say so in their metadata; their heads are not read back yet.
        if (ModelMetadata.IsBackprop(model.Metadata) && model.Metadata.TryGetValue("task", out string? task) && task != "classification")
        {
            throw new InvalidDataException($"{source}: metadata task is '{task}'; import reads classifiers (keep the model's .json file for a {task} model)");
        }
        OnnxGraphProto graph = model.Graph;
        List<OnnxValueInfoProto> inputs = [.. graph.Inputs.Where(i => !graph.Initializers.ContainsKey(i.Name))];
        if (inputs.Count != 1)
        {
            throw new InvalidDataException($"{source}: the graph has {inputs.Count} inputs; import reads graphs with one input (the feature rows)");
        }
        OnnxValueInfoProto input = inputs[0];
        string current = input.Name;
        bool flattened = false;
        float[]? offset = null, scale = null;
        var layers = new List<Layer>();
        bool softmax = false;

        foreach (OnnxNodeProto node in graph.Nodes)
        {
            string op = node.Domain.Length == 0 ? node.OpType : $"{node.Domain}.{node.OpType}";
            if (softmax)
            {
                // Backprop's own head after the probabilities: ArgMax and LabelEncoder produce outputs, not the model.
                if (op is "ArgMax" or "ai.onnx.ml.LabelEncoder" or "Identity")
                {
                    continue;
                }
                throw Unsupported(node, source, "after the Softmax");
            }
            if (node.Inputs.Count == 0 || node.Outputs.Count != 1 || (node.Inputs[0] != current && !(op == "Add" && node.Inputs.Count == 2 && node.Inputs[1] == current)))
            {
                throw Unsupported(node, source, $"it does not continue the chain from '{current}'");
            }
            Layer? last = layers.Count > 0 ? layers[^1] : null;
            switch (op)
            {
                case "Identity":
                    break;
                case "Flatten" when layers.Count == 0 && offset is null && scale is null && !flattened && Int(node, "axis", 1) == 1:
                    flattened = true;
                    break;
                case "Sub" when layers.Count == 0 && offset is null && scale is null && Initializer(graph, node, 1) is { } t:
                    offset = t.Floats(source);
                    break;
                case "Div" when layers.Count == 0 && scale is null && Initializer(graph, node, 1) is { } t:
                    scale = t.Floats(source);
                    break;
                case "Gemm":
                    layers.Add(Gemm(graph, node, source));
                    break;
                case "MatMul" when Initializer(graph, node, 1) is { } t:
                    layers.Add(MatMul(t, node, source));
                    break;
                case "Add" when last is { OpenBias: true } && Initializer(graph, node, node.Inputs[0] == current ? 1 : 0) is { } t:
                    last.SetBias(t, node, source);
                    break;
                case "Relu" or "Sigmoid" or "Tanh" or "LeakyRelu" or "Softmax" when last is { Activation: null }:
                    last.Activation = Activation(node, source);
                    last.OpenBias = false;
                    softmax = last.Activation == Backprop.Activations.Activation.Softmax;
                    break;
                default:
                    throw Unsupported(node, source, "import reads multilayer perceptrons (Gemm or MatMul + Add, Relu, Sigmoid, Tanh, LeakyRelu, Identity, Softmax, Flatten)");
            }
            current = node.Outputs[0];
        }
        if (layers.Count == 0)
        {
            throw new InvalidDataException($"{source}: the graph has no Gemm or MatMul layer");
        }

        var parts = new List<LayerParts>();
        for (int l = 0; l < layers.Count; l++)
        {
            Layer layer = layers[l];
            Activation activation = layer.Activation ?? Backprop.Activations.Activation.Identity;
            if (l > 0 && layers[l - 1].Outputs != layer.Inputs)
            {
                throw new InvalidDataException($"{source}: layer {l + 1} ({layer.Node.Describe()}) has {layer.Inputs} inputs but the layer before it has {layers[l - 1].Outputs} outputs");
            }
            if (l == layers.Count - 1)
            {
                // PyTorch classifiers end in logits (CrossEntropyLoss applies the softmax); Backprop's model includes it.
                if (activation is not (Backprop.Activations.Activation.Identity or Backprop.Activations.Activation.Softmax))
                {
                    throw new InvalidDataException($"{source}: the last layer ends in {activation}; import reads classifiers whose last layer gives logits or a Softmax");
                }
                activation = Backprop.Activations.Activation.Softmax;
            }
            parts.Add(new LayerParts(layer.Inputs, layer.Outputs, layer.Weights, layer.Bias ?? new float[layer.Outputs], activation));
        }
        int features = parts[0].Inputs;
        CheckInput(input, features, flattened, source);
        if ((offset is not null && offset.Length != features) || (scale is not null && scale.Length != features))
        {
            throw new InvalidDataException($"{source}: the scaler's Sub/Div constants have {(offset ?? scale)!.Length} values for {features} features");
        }

        if (ModelMetadata.IsBackprop(model.Metadata))
        {
            ModelParts own = ModelMetadata.Parts(model.Metadata, parts, ModelHead.Classification, source);
            bool graphScales = offset is not null || scale is not null;
            if (graphScales != (own.ScalerKind != ScalingKind.None))
            {
                throw new InvalidDataException($"{source}: metadata scaler '{own.ScalerKind}' disagrees with the graph, which {(graphScales ? "scales" : "does not scale")} its input");
            }
            return own;
        }
        int classes = parts[^1].Outputs;
        double[] scalerOffset = offset is null ? new double[features] : [.. offset.Select(v => (double)v)];
        double[] scalerScale = scale is null ? [.. Enumerable.Repeat(1.0, features)] : [.. scale.Select(v => (double)v)];
        string prefix = flattened ? "pixel" : "x";
        return new ModelParts(parts, ModelHead.Classification, offset is null && scale is null ? ScalingKind.None : ScalingKind.Standard,
            scalerOffset, scalerScale,
            [.. Enumerable.Range(0, features).Select(i => prefix + i.ToString(CultureInfo.InvariantCulture))], "label",
            [.. Enumerable.Range(0, classes).Select(i => i.ToString(CultureInfo.InvariantCulture))],
            new Dictionary<string, string>(StringComparer.Ordinal) { ["imported_from"] = string.IsNullOrEmpty(model.ProducerName) ? "onnx" : model.ProducerName },
            new Dictionary<string, double>(StringComparer.Ordinal));
    }

    private static void CheckInput(OnnxValueInfoProto input, int features, bool flattened, string source)
    {
        if (input.ElementType != 0 && input.ElementType != OnnxProto.Float)
        {
            throw new InvalidDataException($"{source}: input '{input.Name}' has ONNX element type {input.ElementType}; import reads float inputs");
        }
        if (input.Dims.Count == 0)
        {
            return;
        }
        if (!flattened && input.Dims.Count != 2)
        {
            throw new InvalidDataException($"{source}: input '{input.Name}' has {input.Dims.Count} dimensions; without a Flatten import reads [N, features]");
        }
        long product = 1;
        foreach (long? d in input.Dims.Skip(1))
        {
            product = d is > 0 && product <= int.MaxValue ? product * d.Value : -1;
        }
        if (product > 0 && product != features)
        {
            throw new InvalidDataException($"{source}: input '{input.Name}' has {product} features per row but the first layer reads {features}");
        }
    }

    private static Layer Gemm(OnnxGraphProto graph, OnnxNodeProto node, string source)
    {
        if (Int(node, "transA", 0) != 0)
        {
            throw Unsupported(node, source, "transA = 1 is not a dense layer");
        }
        OnnxTensorProto w = Initializer(graph, node, 1) ?? throw Unsupported(node, source, "its weights are not an initializer");
        if (w.Dims.Count != 2)
        {
            throw Unsupported(node, source, $"its weights '{w.Name}' have {w.Dims.Count} dimensions");
        }
        float alpha = node.Attributes.TryGetValue("alpha", out OnnxAttributeProto? a) ? a.F : 1f;
        float beta = node.Attributes.TryGetValue("beta", out OnnxAttributeProto? b) ? b.F : 1f;
        bool transB = Int(node, "transB", 0) != 0;
        var layer = Layer.FromMatrix(w.Floats(source), (int)w.Dims[0], (int)w.Dims[1], transposed: transB, node);
        if (alpha != 1f)
        {
            for (int i = 0; i < layer.Weights.Length; i++)
            {
                layer.Weights[i] *= alpha;
            }
        }
        if (node.Inputs.Count > 2 && node.Inputs[2].Length > 0)
        {
            OnnxTensorProto c = Initializer(graph, node, 2) ?? throw Unsupported(node, source, "its bias is not an initializer");
            layer.SetBias(c, node, source, beta);
        }
        layer.OpenBias = false;
        return layer;
    }

    private static Layer MatMul(OnnxTensorProto w, OnnxNodeProto node, string source)
    {
        if (w.Dims.Count != 2)
        {
            throw Unsupported(node, source, $"its weights '{w.Name}' have {w.Dims.Count} dimensions");
        }
        // MatMul computes x W with W (in, out); Backprop keeps W (out, in).
        return Layer.FromMatrix(w.Floats(source), (int)w.Dims[0], (int)w.Dims[1], transposed: false, node);
    }

    private static Activation Activation(OnnxNodeProto node, string source)
    {
        switch (node.OpType)
        {
            case "Relu": return Backprop.Activations.Activation.Relu;
            case "Sigmoid": return Backprop.Activations.Activation.Sigmoid;
            case "Tanh": return Backprop.Activations.Activation.Tanh;
            case "LeakyRelu":
                float alpha = node.Attributes.TryGetValue("alpha", out OnnxAttributeProto? a) ? a.F : 0.01f;
                if (Math.Abs(alpha - ActivationFunctions.LeakySlope) > 1e-6)
                {
                    throw Unsupported(node, source, $"alpha {alpha.ToString(CultureInfo.InvariantCulture)}; Backprop's leaky ReLU has slope {ActivationFunctions.LeakySlope.ToString(CultureInfo.InvariantCulture)}");
                }
                return Backprop.Activations.Activation.LeakyRelu;
            default:
                long axis = Int(node, "axis", -1);
                if (axis is not (1 or -1))
                {
                    throw Unsupported(node, source, $"axis {axis}; import reads a softmax over the classes (axis 1)");
                }
                return Backprop.Activations.Activation.Softmax;
        }
    }

    private static OnnxTensorProto? Initializer(OnnxGraphProto graph, OnnxNodeProto node, int index)
        => node.Inputs.Count > index && graph.Initializers.TryGetValue(node.Inputs[index], out OnnxTensorProto? t) ? t : null;

    private static long Int(OnnxNodeProto node, string name, long fallback)
        => node.Attributes.TryGetValue(name, out OnnxAttributeProto? a) ? a.I : fallback;

    private static InvalidDataException Unsupported(OnnxNodeProto node, string source, string why)
        => new($"{source}: node {node.Describe()} is not supported: {why}");

    /// <summary>A dense layer being assembled from its nodes.</summary>
    private sealed class Layer
    {
        private Layer(int inputs, int outputs, float[] weights, OnnxNodeProto node)
        {
            Inputs = inputs;
            Outputs = outputs;
            Weights = weights;
            Node = node;
        }

        public int Inputs { get; }

        public int Outputs { get; }

        /// <summary>(outputs, inputs), row-major.</summary>
        public float[] Weights { get; }

        public float[]? Bias { get; private set; }

        public Activation? Activation { get; set; }

        /// <summary>Whether an Add may still supply the bias (right after a MatMul).</summary>
        public bool OpenBias { get; set; } = true;

        public OnnxNodeProto Node { get; }

        /// <summary>From a stored (rows, columns) matrix: (out, in) when <paramref name="transposed"/>, else (in, out).</summary>
        public static Layer FromMatrix(float[] values, int rows, int columns, bool transposed, OnnxNodeProto node)
        {
            if (transposed)
            {
                return new Layer(columns, rows, values, node);
            }
            var w = new float[values.Length];
            for (int i = 0; i < rows; i++)
            {
                for (int o = 0; o < columns; o++)
                {
                    w[o * rows + i] = values[i * columns + o];
                }
            }
            return new Layer(rows, columns, w, node);
        }

        public void SetBias(OnnxTensorProto t, OnnxNodeProto node, string source, float beta = 1f)
        {
            float[] values = t.Floats(source);
            if (values.Length != Outputs)
            {
                throw new InvalidDataException($"{source}: node {node.Describe()} adds a bias '{t.Name}' of {values.Length} values to a layer of {Outputs} outputs");
            }
            Bias = [.. values.Select(v => v * beta)];
            OpenBias = false;
        }
    }
}
