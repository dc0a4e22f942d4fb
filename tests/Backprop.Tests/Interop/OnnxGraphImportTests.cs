using Backprop.Serialization.Onnx;

namespace Backprop.Tests.Interop;

/// <summary>Import of hand-built graphs: the Gemm variants and storage forms other exporters use, and refusals.</summary>
public sealed class OnnxGraphImportTests
{
    private sealed record Node(string Op, string[] Inputs, string Output, (string Name, long Value)[]? Ints = null, (string Name, float Value)[]? Floats = null);

    private static byte[] Graph(int features, (string Name, long[] Dims, float[] Values)[] initializers, params Node[] nodes)
        => Graph(["x"], features, initializers, nodes);

    private static byte[] Graph(string[] inputs, int features, (string Name, long[] Dims, float[] Values)[] initializers, params Node[] nodes)
    {
        var model = new ProtoWriter();
        model.Int(OnnxProto.Model.IrVersion, 7);
        model.Message(OnnxProto.Model.OpsetImport, o => o.Int(OnnxProto.OperatorSet.Version, 13));
        model.Message(OnnxProto.Model.Graph, g =>
        {
            foreach (Node n in nodes)
            {
                g.Message(OnnxProto.Graph.Node, w =>
                {
                    foreach (string i in n.Inputs)
                    {
                        w.String(OnnxProto.Node.Input, i);
                    }
                    w.String(OnnxProto.Node.Output, n.Output);
                    w.String(OnnxProto.Node.OpType, n.Op);
                    foreach ((string name, long value) in n.Ints ?? [])
                    {
                        w.Message(OnnxProto.Node.Attribute, a =>
                        {
                            a.String(OnnxProto.Attribute.Name, name);
                            a.Int(OnnxProto.Attribute.I, value);
                        });
                    }
                    foreach ((string name, float value) in n.Floats ?? [])
                    {
                        w.Message(OnnxProto.Node.Attribute, a =>
                        {
                            a.String(OnnxProto.Attribute.Name, name);
                            a.Float(OnnxProto.Attribute.F, value);
                        });
                    }
                });
            }
            foreach ((string name, long[] dims, float[] values) in initializers)
            {
                // float_data (packed floats), as some exporters write instead of raw_data.
                g.Message(OnnxProto.Graph.Initializer, t =>
                {
                    t.PackedInts(OnnxProto.Tensor.Dims, dims);
                    t.Int(OnnxProto.Tensor.DataType, OnnxProto.Float);
                    t.String(OnnxProto.Tensor.Name, name);
                    var floats = new byte[values.Length * 4];
                    Buffer.BlockCopy(values, 0, floats, 0, floats.Length);
                    t.Bytes(OnnxProto.Tensor.FloatData, floats);
                });
            }
            foreach (string input in inputs)
            {
                g.Message(OnnxProto.Graph.Input, v =>
                {
                    v.String(OnnxProto.ValueInfo.Name, input);
                    v.Message(OnnxProto.ValueInfo.Type, t => t.Message(OnnxProto.Type.TensorType, tt =>
                    {
                        tt.Int(OnnxProto.TensorType.ElemType, OnnxProto.Float);
                        tt.Message(OnnxProto.TensorType.Shape, s =>
                        {
                            s.Message(OnnxProto.Shape.Dim, d => d.String(OnnxProto.Dimension.Param, "N"));
                            s.Message(OnnxProto.Shape.Dim, d => d.Int(OnnxProto.Dimension.Value, features));
                        });
                    }));
                });
            }
        });
        return model.Written.ToArray();
    }

    // W (in 2, out 3) as stored for transB = 0, and a bias of 3.
    private static readonly float[] W = [1, 2, 3, 4, 5, 6];
    private static readonly float[] B = [0.5f, -1, 2];

    private static float[] Expected(float[] x, float alpha, float beta)
    {
        // z_o = alpha Σ_i x_i W[i, o] + beta b_o, then softmax.
        var z = new float[3];
        for (int o = 0; o < 3; o++)
        {
            z[o] = alpha * (x[0] * W[o] + x[1] * W[3 + o]) + beta * B[o];
        }
        float max = z.Max();
        float[] e = [.. z.Select(v => MathF.Exp(v - max))];
        return [.. e.Select(v => v / e.Sum())];
    }

    [Fact]
    public void Gemm_without_transB_with_alpha_and_beta_and_float_data_weights()
    {
        byte[] file = Graph(2, [("W", [2, 3], W), ("b", [3], B)],
            new Node("Gemm", ["x", "W", "b"], "z", Ints: [("transB", 0)], Floats: [("alpha", 0.5f), ("beta", 2f)]));
        Model model = OnnxFile.Import(file);
        float[] x = [0.3f, -0.7f];
        float[] expected = Expected(x, 0.5f, 2f);
        float[] actual = model.PredictProbabilities(x);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(expected[i], actual[i], 1e-6f);
        }
        Assert.Equal(["x0", "x1"], model.FeatureNames);
    }

    [Fact]
    public void MatMul_without_add_has_a_zero_bias()
    {
        byte[] file = Graph(2, [("W", [2, 3], W)], new Node("MatMul", ["x", "W"], "z"), new Node("Softmax", ["z"], "p", Ints: [("axis", -1)]));
        Model model = OnnxFile.Import(file);
        Assert.Equal(new float[3], model.Network.DenseLayers[0].Bias.ToArray());
        Assert.Equal([1, 4, 2, 5, 3, 6], model.Network.DenseLayers[0].Weights.ToArray());
    }

    [Theory]
    [InlineData("leaky", "node LeakyRelu is not supported: alpha 0.2")]
    [InlineData("two-inputs", "the graph has 2 inputs")]
    [InlineData("sigmoid-output", "the last layer ends in Sigmoid")]
    [InlineData("side-branch", "node Relu is not supported: it does not continue the chain from 'z'")]
    [InlineData("no-layer", "the graph has no Gemm or MatMul layer")]
    [InlineData("activation-first", "node Relu is not supported: import reads multilayer perceptrons")]
    [InlineData("weights-as-input", "node Gemm is not supported: its weights are not an initializer")]
    [InlineData("wrong-bias", "adds a bias 'b' of 3 values to a layer of 2 outputs")]
    public void Graphs_that_are_not_a_supported_mlp_are_refused_with_one_line(string damage, string expected)
    {
        (string, long[], float[])[] weights = [("W", [2, 3], W), ("b", [3], B)];
        byte[] file = damage switch
        {
            "leaky" => Graph(2, weights, new Node("Gemm", ["x", "W", "b"], "z"), new Node("LeakyRelu", ["z"], "a", Floats: [("alpha", 0.2f)]),
                new Node("Gemm", ["a", "W2", "b"], "y")),
            "two-inputs" => Graph(["x", "y"], 2, weights, new Node("Gemm", ["x", "W", "b"], "z")),
            "sigmoid-output" => Graph(2, weights, new Node("Gemm", ["x", "W", "b"], "z"), new Node("Sigmoid", ["z"], "p")),
            "side-branch" => Graph(2, weights, new Node("Gemm", ["x", "W", "b"], "z"), new Node("Relu", ["x"], "r")),
            "no-layer" => Graph(2, weights, new Node("Identity", ["x"], "r")),
            "activation-first" => Graph(2, weights, new Node("Relu", ["x"], "r"), new Node("Gemm", ["r", "W", "b"], "z")),
            "weights-as-input" => Graph(2, [], new Node("Gemm", ["x", "W", "b"], "z")),
            _ => Graph(2, [("W", [3, 2], W), ("b", [3], B)], new Node("Gemm", ["x", "W", "b"], "z", Ints: [("transB", 0)])),
        };
        var e = Assert.Throws<InvalidDataException>(() => OnnxFile.Import(file, "g.onnx"));
        Assert.True(e.Message.Contains(expected, StringComparison.Ordinal), e.Message);
        Assert.StartsWith("g.onnx: ", e.Message, StringComparison.Ordinal);
    }
}
