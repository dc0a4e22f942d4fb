using System.Text;
using Backprop.Interop;

namespace Backprop.Serialization.Onnx;

/// <summary>
/// Writes a model as one ONNX graph: the input "features" (float, [N, F], raw values in the model's feature order, NaN
/// for a missing value when the model fills them: IsNaN, Where) or, for a model with one-hot columns, one input per
/// table column (float or string [N, 1]) encoded in the graph, the stored scaling (Sub, Div), one Gemm (transB = 1) and activation per layer, and the head's outputs. The weights are
/// initializers named like PyTorch's nn.Sequential state dict ("0.weight", "0.bias", "2.weight", …); the feature,
/// label and class names and the scaler are in the model's metadata_props as well as in doc strings.
/// </summary>
internal static class OnnxExporter
{
    public const string InputName = "features";
    public const string ProbabilitiesName = "probabilities";
    public const string ClassIndexName = "class_index";
    public const string ClassName = "class";
    public const string ValuesName = "values";
    public const string DecisionsName = "decisions";

    /// <summary>Values the graph names itself; an input named like one of them takes a suffix.</summary>
    private static readonly HashSet<string> GraphValueNames = new(StringComparer.Ordinal)
    {
        InputName, "missing", "filled", "centred", "scaled", ProbabilitiesName, ClassIndexName, ClassName, ValuesName, "values_scaled",
        "decided", DecisionsName, "decision_threshold",
    };

    public static void Write(ModelParts parts, Stream stream)
    {
        var graph = new GraphBuilder();
        string x = InputName;
        TableInput[]? table = parts.TableColumns is { } columns ? TableInputs(columns) : null;
        if (table is not null)
        {
            x = AppendColumns(graph, parts, table);
        }
        if (parts.FeatureFills is { } fills)
        {
            graph.Initializer("imputer.fill", [fills.Length], [.. fills.Select(v => (float)v)]);
            graph.Node("IsNaN", "impute_missing", [x], "missing", doc: "which raw features are missing (NaN)");
            graph.Node("Where", "impute_fill", ["missing", "imputer.fill", x], "filled", doc: "a missing feature takes its fill, fitted on the training split");
            x = "filled";
        }
        if (parts.ScalerKind != ScalingKind.None)
        {
            graph.Initializer("scaler.offset", [parts.ScalerOffset.Length], [.. parts.ScalerOffset.Select(v => (float)v)]);
            graph.Initializer("scaler.scale", [parts.ScalerScale.Length], [.. parts.ScalerScale.Select(v => (float)v)]);
            graph.Node("Sub", "scale_sub", [x, "scaler.offset"], "centred", doc: "x − offset (the model's feature scaler)");
            graph.Node("Div", "scale_div", ["centred", "scaler.scale"], "scaled", doc: "(x − offset) / scale");
            x = "scaled";
        }
        for (int l = 0; l < parts.Layers.Count; l++)
        {
            LayerParts layer = parts.Layers[l];
            graph.Initializer(Naming.Weight(l), [layer.Outputs, layer.Inputs], layer.Weights);
            graph.Initializer(Naming.Bias(l), [layer.Outputs], layer.Bias);
            string z = $"z{l + 1}";
            graph.Node("Gemm", $"dense{l + 1}", [x, Naming.Weight(l), Naming.Bias(l)], z,
                doc: $"layer {l + 1}: z = x Wᵀ + b, W ({layer.Outputs}, {layer.Inputs})", ints: [("transB", 1)]);
            x = l < parts.Layers.Count - 1 ? AppendActivation(graph, layer.Activation, z, $"a{l + 1}", l + 1) : z;
        }
        Output[] outputs = AppendHead(graph, parts, x);

        var model = new ProtoWriter();
        model.Int(OnnxProto.Model.IrVersion, OnnxProto.IrVersion);
        model.Message(OnnxProto.Model.OpsetImport, o => o.Int(OnnxProto.OperatorSet.Version, OnnxProto.OpsetVersion));
        model.Message(OnnxProto.Model.OpsetImport, o =>
        {
            o.String(OnnxProto.OperatorSet.Domain, OnnxProto.MlDomain);
            o.Int(OnnxProto.OperatorSet.Version, OnnxProto.MlOpsetVersion);
        });
        model.String(OnnxProto.Model.ProducerName, "Backprop");
        model.String(OnnxProto.Model.ProducerVersion, ProducerVersion);
        model.Int(OnnxProto.Model.ModelVersion, 1);
        model.String(OnnxProto.Model.DocString,
            $"A multilayer perceptron trained with Backprop: {string.Join("-", parts.Layers.Select(l => l.Inputs).Append(parts.Layers[^1].Outputs))}, "
            + $"predicting '{parts.LabelName}' ({string.Join(", ", parts.OutputNames)}). "
            + (table is null
                ? $"Input '{InputName}': raw float rows [N, {parts.FeatureNames.Count}], columns {string.Join(", ", parts.FeatureNames)}."
                : $"Inputs, one per table column, [N, 1] each: {string.Join(", ", table.Select(t => $"'{t.Name}' ({t.ElementName})"))}."));
        // The graph goes last: a file cut short anywhere then lacks its graph or ends inside it, and is refused as truncated.
        Dictionary<string, string> metadata = ModelMetadata.Write(parts);
        if (table is not null)
        {
            metadata["inputs"] = InputsMetadata(table);
        }
        foreach ((string key, string value) in metadata)
        {
            model.Message(OnnxProto.Model.MetadataProps, e =>
            {
                e.String(OnnxProto.StringEntry.Key, key);
                e.String(OnnxProto.StringEntry.Value, value);
            });
        }
        model.Message(OnnxProto.Model.Graph, g =>
        {
            graph.WriteNodesAndInitializers(g);
            g.String(OnnxProto.Graph.Name, "backprop");
            g.String(OnnxProto.Graph.DocString, (table is null ? "features" : "columns → one-hot → features")
                + " → scaler → dense layers → " + string.Join(", ", outputs.Select(o => o.Name)));
            if (table is null)
            {
                ValueInfo(g, OnnxProto.Graph.Input, InputName, OnnxProto.Float, ["N", parts.FeatureNames.Count],
                    $"Raw feature rows, float [N, {parts.FeatureNames.Count}], columns in this order: {string.Join(", ", parts.FeatureNames)}. "
                    + "The model scales them itself.");
            }
            foreach (TableInput input in table ?? [])
            {
                ValueInfo(g, OnnxProto.Graph.Input, input.Name, input.IsText ? OnnxProto.String : OnnxProto.Float, ["N", 1], input.Doc);
            }
            foreach (Output output in outputs)
            {
                ValueInfo(g, OnnxProto.Graph.Output, output.Name, output.ElementType, output.Shape, output.Doc);
            }
        });
        stream.Write(model.Written);
    }

    /// <summary>The version written as producer_version: the library's informational version without build metadata.</summary>
    public static string ProducerVersion
    {
        get
        {
            System.Reflection.Assembly assembly = typeof(OnnxExporter).Assembly;
            string? version = (Attribute.GetCustomAttribute(assembly, typeof(System.Reflection.AssemblyInformationalVersionAttribute))
                as System.Reflection.AssemblyInformationalVersionAttribute)?.InformationalVersion;
            return (version ?? assembly.GetName().Version?.ToString() ?? "0").Split('+')[0];
        }
    }

    /// <summary>
    /// A table model's columns to its feature rows, "features": a numeric column's input as it is (NaN where a cell is
    /// missing: the fills follow), a text column's cells to category indices (ai.onnx.ml LabelEncoder: a category to
    /// its position, a missing cell to its fill category's, anything else to "(other)" when rare categories were folded,
    /// else −1), then to one-hot (Equal against 0 … width − 1, Cast; −1 gives all zeros), all concatenated in feature order.
    /// </summary>
    private static string AppendColumns(GraphBuilder graph, ModelParts parts, TableInput[] inputs)
    {
        var pieces = new List<string>();
        foreach (TableInput input in inputs)
        {
            PreprocessedColumn column = input.Column;
            if (!input.IsText)
            {
                pieces.Add(input.Name);
                continue;
            }
            int width = column.FeatureNames.Count;
            long other = column.HasOther ? column.Categories.Count : -1;
            var keys = new List<string>(column.Categories);
            var values = new List<long>(Enumerable.Range(0, column.Categories.Count).Select(c => (long)c));
            var known = new HashSet<string>(keys, StringComparer.Ordinal);
            // Without a fill category Backprop refuses a missing cell; a graph cannot refuse a row, so it gives all zeros.
            int fill = column.FillCategory is { } f ? keys.IndexOf(f) : -1;
            long missing = column.FillCategory is null ? -1 : fill >= 0 ? fill : other;
            foreach (string marker in MissingSpellings(parts.MissingValues).Where(known.Add))
            {
                keys.Add(marker);
                values.Add(missing);
            }
            string index = input.Name + ".index";
            string range = input.Name + ".features";
            string equal = input.Name + ".is";
            string oneHot = input.Name + ".one_hot";
            graph.Node("LabelEncoder", input.Name + "_categories", [input.Name], index, domain: OnnxProto.MlDomain,
                doc: $"column '{column.Name}': its text to the index of its one-hot feature ({(column.HasOther ? $"{other} for any other text" : "−1, all zeros, for an unseen text")})",
                stringLists: [("keys_strings", keys)], intLists: [("values_int64s", [.. values])], ints: [("default_int64", other)]);
            graph.Int64Initializer(range, [width], [.. Enumerable.Range(0, width).Select(i => (long)i)]);
            graph.Node("Equal", input.Name + "_equal", [index, range], equal, doc: $"column '{column.Name}': index = 0 … {width - 1}");
            graph.Node("Cast", input.Name + "_one_hot", [equal], oneHot, doc: $"column '{column.Name}': one-hot features {string.Join(", ", column.FeatureNames)}",
                ints: [("to", OnnxProto.Float)]);
            pieces.Add(oneHot);
        }
        graph.Node("Concat", "columns", [.. pieces], InputName, doc: "the columns' features side by side, in the model's feature order", ints: [("axis", 1)]);
        return InputName;
    }

    /// <summary>
    /// The texts a missing cell may arrive as: each of the model's missing values trimmed, as listed, in lower and in
    /// upper case (Backprop compares them ignoring case; the graph compares exactly).
    /// </summary>
    private static IEnumerable<string> MissingSpellings(IReadOnlyList<string> missingValues)
        => missingValues.Select(v => v.Trim()).SelectMany(v => new[] { v, v.ToLowerInvariant(), v.ToUpperInvariant() }).Distinct(StringComparer.Ordinal);

    /// <summary>
    /// A table model's inputs, one per column it reads, in table order: the column's name as a C identifier (other
    /// characters become '_', a leading digit gets a '_' before it), with "_column" after a name the graph uses itself
    /// and "_2", "_3", … after a name already taken.
    /// </summary>
    internal static TableInput[] TableInputs(IReadOnlyList<PreprocessedColumn> columns)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var inputs = new TableInput[columns.Count];
        for (int i = 0; i < columns.Count; i++)
        {
            var name = new StringBuilder(columns[i].Name.Length + 1);
            foreach (char c in columns[i].Name)
            {
                name.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
            }
            if (name.Length == 0 || char.IsAsciiDigit(name[0]))
            {
                name.Insert(0, '_');
            }
            string identifier = name.ToString();
            bool layerValue = identifier.Length > 1 && identifier[0] is 'z' or 'a' && !identifier.AsSpan(1).ContainsAnyExcept("0123456789");
            if (GraphValueNames.Contains(identifier) || layerValue)
            {
                identifier += "_column";
            }
            string unique = identifier;
            for (int k = 2; !taken.Add(unique); k++)
            {
                unique = $"{identifier}_{k}";
            }
            inputs[i] = new TableInput(unique, columns[i]);
        }
        return inputs;
    }

    /// <summary>The "inputs" metadata: a JSON array of {name, column, type} in input order.</summary>
    private static string InputsMetadata(TableInput[] inputs) => ModelMetadata.Json(w =>
    {
        w.WriteStartArray();
        foreach (TableInput input in inputs)
        {
            w.WriteStartObject();
            w.WriteString("name", input.Name);
            w.WriteString("column", input.Column.Name);
            w.WriteString("type", input.ElementName);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    /// <summary>
    /// The output stage, one case per <see cref="ModelHead"/>: softmax, argmax and class names (classification); the
    /// target scaling undone, z · scale + offset, as "values" (regression); sigmoid "probabilities" and
    /// "decisions" = probability above the threshold, as 0/1 int64 (multi-label).
    /// </summary>
    private static Output[] AppendHead(GraphBuilder graph, ModelParts parts, string logits)
    {
        switch (parts.Head)
        {
            case ModelHead.Classification:
                int k = parts.ClassNames.Count;
                graph.Node("Softmax", "softmax", [logits], ProbabilitiesName, doc: "class probabilities", ints: [("axis", 1)]);
                graph.Node("ArgMax", "argmax", [ProbabilitiesName], ClassIndexName, doc: "the most probable class (first on ties)",
                    ints: [("axis", 1), ("keepdims", 0)]);
                graph.Node("LabelEncoder", "class_names", [ClassIndexName], ClassName, doc: "class index → class name",
                    domain: OnnxProto.MlDomain, intLists: [("keys_int64s", [.. Enumerable.Range(0, k).Select(i => (long)i)])],
                    stringLists: [("values_strings", parts.ClassNames)], strings: [("default_string", "")]);
                string classes = string.Join(", ", parts.ClassNames);
                return
                [
                    new(ProbabilitiesName, OnnxProto.Float, ["N", k], $"Probability of each class, float [N, {k}], columns: {classes}."),
                    new(ClassIndexName, OnnxProto.Int64, ["N"], $"Index of the most probable class, int64 [N], into: {classes}."),
                    new(ClassName, OnnxProto.String, ["N"], $"Name of the most probable class ('{parts.LabelName}'), string [N]."),
                ];
            case ModelHead.Regression:
                int t = parts.TargetNames.Count;
                string targets = string.Join(", ", parts.TargetNames);
                graph.Initializer("target_scaler.scale", [t], [.. parts.TargetScale!.Select(v => (float)v)]);
                graph.Initializer("target_scaler.offset", [t], [.. parts.TargetOffset!.Select(v => (float)v)]);
                graph.Node("Mul", "target_unscale_mul", [logits, "target_scaler.scale"], "values_scaled", doc: "z · scale (the model's target scaler)");
                graph.Node("Add", "target_unscale_add", ["values_scaled", "target_scaler.offset"], ValuesName, doc: "z · scale + offset: values in the targets' units");
                return [new(ValuesName, OnnxProto.Float, ["N", t], $"Predicted values in the targets' own units, float [N, {t}], columns: {targets}.")];
            case ModelHead.MultiLabel:
                int m = parts.ClassNames.Count;
                string labels = string.Join(", ", parts.ClassNames);
                graph.Initializer("decision_threshold", [1], [(float)parts.DecisionThreshold]);
                graph.Node("Sigmoid", "sigmoid", [logits], ProbabilitiesName, doc: "each label's probability");
                graph.Node("Greater", "threshold", [ProbabilitiesName, "decision_threshold"], "decided", doc: "probability above the decision threshold");
                graph.Node("Cast", "decisions", ["decided"], DecisionsName, doc: "the decisions as 0/1", ints: [("to", OnnxProto.Int64)]);
                return
                [
                    new(ProbabilitiesName, OnnxProto.Float, ["N", m], $"Probability of each label, float [N, {m}], columns: {labels}."),
                    new(DecisionsName, OnnxProto.Int64, ["N", m], $"Each label's decision, 1 when its probability is above {parts.DecisionThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture)}, int64 [N, {m}], columns: {labels}."),
                ];
            default:
                throw new NotSupportedException($"ONNX export of a {parts.Head} head is not supported");
        }
    }

    private static string AppendActivation(GraphBuilder graph, Activation activation, string z, string a, int layer)
    {
        switch (activation)
        {
            case Activation.Identity:
                return z;
            case Activation.Sigmoid:
                graph.Node("Sigmoid", $"sigmoid{layer}", [z], a);
                return a;
            case Activation.Tanh:
                graph.Node("Tanh", $"tanh{layer}", [z], a);
                return a;
            case Activation.Relu:
                graph.Node("Relu", $"relu{layer}", [z], a);
                return a;
            case Activation.LeakyRelu:
                graph.Node("LeakyRelu", $"leaky_relu{layer}", [z], a, floats: [("alpha", (float)ActivationFunctions.LeakySlope)]);
                return a;
            default:
                throw new NotSupportedException($"layer {layer}: activation {activation} cannot be exported to ONNX");
        }
    }

    private static void ValueInfo(ProtoWriter g, int field, string name, int elementType, object[] shape, string doc)
    {
        g.Message(field, v =>
        {
            v.String(OnnxProto.ValueInfo.Name, name);
            v.Message(OnnxProto.ValueInfo.Type, t => t.Message(OnnxProto.Type.TensorType, tt =>
            {
                tt.Int(OnnxProto.TensorType.ElemType, elementType);
                tt.Message(OnnxProto.TensorType.Shape, s =>
                {
                    foreach (object dim in shape)
                    {
                        s.Message(OnnxProto.Shape.Dim, d =>
                        {
                            if (dim is int size)
                            {
                                d.Int(OnnxProto.Dimension.Value, size);
                            }
                            else
                            {
                                d.String(OnnxProto.Dimension.Param, (string)dim);
                            }
                        });
                    }
                });
            }));
            v.String(OnnxProto.ValueInfo.DocString, doc);
        });
    }

    private sealed record Output(string Name, int ElementType, object[] Shape, string Doc);

    /// <summary>One input of a table model's graph: a column of the table, float (numeric) or string (one-hot) [N, 1].</summary>
    internal sealed record TableInput(string Name, PreprocessedColumn Column)
    {
        public bool IsText => Column.Treatment == ColumnTreatment.OneHot;

        public string ElementName => IsText ? "string" : "float";

        public string Doc => IsText
            ? $"Column '{Column.Name}', string [N, 1]: the cell's text as in the table, trimmed (a missing value such as \"\" or \"NA\" for a missing cell); "
                + $"categories {string.Join(", ", Column.Categories)}{(Column.HasOther ? ", any other → (other)" : ", any other → all zeros")}."
            : $"Column '{Column.Name}', float [N, 1]: the raw number{(double.IsNaN(Column.Fill) ? "" : ", NaN for a missing cell")}. The model scales it itself.";
    }

    /// <summary>Collects nodes and initializers in graph order.</summary>
    private sealed class GraphBuilder
    {
        private readonly List<Action<ProtoWriter>> _nodes = [];
        private readonly List<Action<ProtoWriter>> _initializers = [];

        public void Initializer(string name, long[] dims, float[] values)
        {
            _initializers.Add(t =>
            {
                t.PackedInts(OnnxProto.Tensor.Dims, dims);
                t.Int(OnnxProto.Tensor.DataType, OnnxProto.Float);
                t.String(OnnxProto.Tensor.Name, name);
                t.RawFloats(OnnxProto.Tensor.RawData, values);
            });
        }

        public void Int64Initializer(string name, long[] dims, long[] values)
        {
            _initializers.Add(t =>
            {
                t.PackedInts(OnnxProto.Tensor.Dims, dims);
                t.Int(OnnxProto.Tensor.DataType, OnnxProto.Int64);
                t.String(OnnxProto.Tensor.Name, name);
                t.PackedInts(OnnxProto.Tensor.Int64Data, values);
            });
        }

        public void Node(string opType, string name, string[] inputs, string output, string? doc = null, string? domain = null,
            (string Name, long Value)[]? ints = null, (string Name, float Value)[]? floats = null, (string Name, string Value)[]? strings = null,
            (string Name, long[] Values)[]? intLists = null, (string Name, IReadOnlyList<string> Values)[]? stringLists = null)
        {
            _nodes.Add(n =>
            {
                foreach (string input in inputs)
                {
                    n.String(OnnxProto.Node.Input, input);
                }
                n.String(OnnxProto.Node.Output, output);
                n.String(OnnxProto.Node.Name, name);
                n.String(OnnxProto.Node.OpType, opType);
                foreach ((string attribute, long value) in ints ?? [])
                {
                    n.Message(OnnxProto.Node.Attribute, a =>
                    {
                        a.String(OnnxProto.Attribute.Name, attribute);
                        a.Int(OnnxProto.Attribute.I, value);
                        a.Int(OnnxProto.Attribute.Type, OnnxProto.AttributeInt);
                    });
                }
                foreach ((string attribute, float value) in floats ?? [])
                {
                    n.Message(OnnxProto.Node.Attribute, a =>
                    {
                        a.String(OnnxProto.Attribute.Name, attribute);
                        a.Float(OnnxProto.Attribute.F, value);
                        a.Int(OnnxProto.Attribute.Type, OnnxProto.AttributeFloat);
                    });
                }
                foreach ((string attribute, string value) in strings ?? [])
                {
                    n.Message(OnnxProto.Node.Attribute, a =>
                    {
                        a.String(OnnxProto.Attribute.Name, attribute);
                        a.String(OnnxProto.Attribute.S, value);
                        a.Int(OnnxProto.Attribute.Type, OnnxProto.AttributeString);
                    });
                }
                foreach ((string attribute, long[] values) in intLists ?? [])
                {
                    n.Message(OnnxProto.Node.Attribute, a =>
                    {
                        a.String(OnnxProto.Attribute.Name, attribute);
                        a.PackedInts(OnnxProto.Attribute.Ints, values);
                        a.Int(OnnxProto.Attribute.Type, OnnxProto.AttributeInts);
                    });
                }
                foreach ((string attribute, IReadOnlyList<string> values) in stringLists ?? [])
                {
                    n.Message(OnnxProto.Node.Attribute, a =>
                    {
                        a.String(OnnxProto.Attribute.Name, attribute);
                        foreach (string value in values)
                        {
                            a.String(OnnxProto.Attribute.Strings, value);
                        }
                        a.Int(OnnxProto.Attribute.Type, OnnxProto.AttributeStrings);
                    });
                }
                if (doc is not null)
                {
                    n.String(OnnxProto.Node.DocString, doc);
                }
                if (domain is not null)
                {
                    n.String(OnnxProto.Node.Domain, domain);
                }
            });
        }

        public void WriteNodesAndInitializers(ProtoWriter g)
        {
            foreach (Action<ProtoWriter> node in _nodes)
            {
                g.Message(OnnxProto.Graph.Node, node);
            }
            foreach (Action<ProtoWriter> initializer in _initializers)
            {
                g.Message(OnnxProto.Graph.Initializer, initializer);
            }
        }
    }
}
