using System.Globalization;

namespace Backprop.Explain;

// The set-up: the network, its parameters and the batch, and, for a row of a saved model, where the row comes from.
internal sealed partial class ExplanationComposer
{
    private void Setup(Explanation e)
    {
        Heading(2, "setup.heading");
        if (!_quiz && NetworkGraph.From(e, _options.Digits) is { } graph)
        {
            string[] stages = [.. NetworkGraph.Stages];
            _blocks.Add(new DocDiagram(graph, _p["diagram.caption"], new DiagramLabels(
                [.. stages.Select(s => _p["diagram.stage." + s])], [.. stages.Select(s => _p["diagram." + s])], _p["diagram.previous"], _p["diagram.next"])));
        }
        string sizes = string.Join("-", e.Sizes.Select(I));
        string loss = _p[e.Loss is SoftmaxCrossEntropy ? "lossName.crossEntropy" : "lossName.mse"];
        Say("setup.network", ("sizes", sizes), ("loss", loss), ("eta", Row(Eta, Op("="), Num(e.LearningRate))));
        if (_options.Model is { } model)
        {
            LearningRateOrigin(model, e.LearningRate);
        }
        Say("setup.inputLayer", ("units", I(e.Sizes[0])), ("a", A(1)));
        for (int l = 0; l < e.Activations.Count; l++)
        {
            string key = l == e.Activations.Count - 1 ? "setup.outputLayer" : "setup.hiddenLayer";
            Say(key, ("k", I(l + 2)), ("units", I(e.Sizes[l + 1])), ("activation", ActivationName(e.Activations[l])),
                ("W", W(l + 1)), ("wShape", Shape(e.InitialWeights[l])), ("b", B(l + 1)), ("bShape", Shape(e.InitialBiases[l])));
        }
        if (_options.Model is { } row)
        {
            ModelSample(row);
        }
        else if (e.BatchSize == 1)
        {
            Say("setup.sample", ("a", A(1)), ("t", Target));
        }
        else
        {
            Say("setup.batch", ("batch", I(e.BatchSize)), ("a", A(1)), ("t", Target));
        }
        Equation(Line(A(1), Values(e.Input)), Line(Target, Values(e.Target)));

        string source = _options.Source.Kind switch
        {
            ParameterSourceKind.Article => _p["source.article"],
            ParameterSourceKind.File => _p.Text("source.file", ("path", _options.Source.Detail ?? "")),
            ParameterSourceKind.Model => _p.Text("source.model", ("path", _options.Source.Detail ?? "")),
            _ => _p.Text("source.seed", ("seed", _options.Source.Detail ?? "")),
        };
        Say("setup.parameters", ("source", source));
        var lines = new List<EquationLine>();
        for (int l = 0; l < e.InitialWeights.Count; l++)
        {
            lines.Add(Line(W(l + 1), Values(e.InitialWeights[l])));
            lines.Add(Line(B(l + 1), Values(e.InitialBiases[l])));
        }
        Equation([.. lines]);
        foreach (Matrix m in e.InitialWeights.Where(IsLarge))
        {
            Summary(W(e.InitialWeights.ToList().IndexOf(m) + 1), m);
        }
        if (_mazur)
        {
            MazurLabels(e);
        }
        if (_options.FreezeBiases)
        {
            Say("setup.frozen");
        }
    }

    /// <summary>The 2-2-2 network's weights by the labels of Matt Mazur's example: w1…w4 in W⁽¹⁾, w5…w8 in W⁽²⁾, b1 and b2.</summary>
    private void MazurLabels(Explanation e)
    {
        Say("setup.mazur");
        var lines = new List<EquationLine>();
        for (int l = 1; l <= 2; l++)
        {
            int layer = l;
            lines.Add(Line(W(l), Cells(2, 2, (r, c) => new MathSymbol("w", Index: I(new WeightRef(layer, r + 1, c + 1).MazurNumber)))));
            lines.Add(Result(Values(e.InitialWeights[l - 1])));
            if (e.InitialBiases[l - 1][0, 0] == e.InitialBiases[l - 1][1, 0])
            {
                lines.Add(Line(B(l), Cells(2, 1, (_, _) => new MathSymbol("b", Index: I(layer)))));
                lines.Add(Result(Values(e.InitialBiases[l - 1])));
            }
        }
        Equation([.. lines]);
    }

    // ---- a row explained from a saved model ----

    private void LearningRateOrigin(ModelRow m, double eta)
    {
        string key = m.LearningRate switch
        {
            Explain.LearningRateOrigin.Option => "model.lrOption",
            Explain.LearningRateOrigin.Model => "model.lrModel",
            _ => "model.lrDefault",
        };
        Say(key, ("eta", Row(Eta, Op("="), Num(eta))), ("path", m.ModelPath));
        if (m.TrainingExtras.Count > 0)
        {
            _blocks.Add(_p.Paragraph("model.extras", DocTone.Remark, ("settings", string.Join("; ", m.TrainingExtras))));
        }
    }

    /// <summary>Where the row came from, its rescaling by the model's scaler (a table, one feature per row), and its class.</summary>
    private void ModelSample(ModelRow m)
    {
        (string key, (string, object)[] values) = m.Origin switch
        {
            RowOrigin.Input => ("model.rowInput", Array.Empty<(string, object)>()),
            RowOrigin.DataFile => ("model.rowData", [("row", I(m.Row)), ("count", I(m.RowCount)), ("source", m.SourceName)]),
            RowOrigin.Dataset => ("model.rowDataset", [("row", I(m.Row)), ("count", I(m.RowCount)), ("source", m.SourceName)]),
            RowOrigin.DatasetSplit => ("model.rowDatasetSplit", [("row", I(m.Row)), ("count", I(m.RowCount)), ("source", m.SourceName),
                ("seed", (m.SplitSeed ?? 0).ToString(CultureInfo.InvariantCulture))]),
            _ => ("model.rowDatasetTest", [("row", I(m.Row)), ("count", I(m.RowCount)), ("source", m.SourceName)]),
        };
        Say(key, values);

        var x = new MathSymbol("x");
        var scaled = new MathSymbol("x", Prime: true);
        string[] header;
        IReadOnlyList<double>[] columns;
        switch (m.Scaler.Kind)
        {
            case ScalingKind.Standard:
                Say("model.scaleStandard", ("formula", Row(scaled, Op("="), new MathFraction(Row(x, Op("−"), new MathSymbol("μ")), new MathSymbol("σ")))),
                    ("a", A(1)));
                header = [_p["model.feature"], _p["model.raw"], _p["model.mean"], _p["model.sd"], _p["model.scaled"]];
                columns = [m.Raw, m.Scaler.Offset, m.Scaler.Scale, m.Scaled];
                break;
            case ScalingKind.MinMax:
                var min = new MathSymbol("x", Index: "min");
                Say("model.scaleMinMax", ("formula", Row(scaled, Op("="), new MathFraction(Row(x, Op("−"), min),
                    Row(new MathSymbol("x", Index: "max"), Op("−"), min)))), ("a", A(1)));
                header = [_p["model.feature"], _p["model.raw"], _p["model.min"], _p["model.range"], _p["model.scaled"]];
                columns = [m.Raw, m.Scaler.Offset, m.Scaler.Scale, m.Scaled];
                break;
            default:
                Say("model.scaleNone", ("a", A(1)));
                header = [_p["model.feature"], _p["model.scaled"]];
                columns = [m.Scaled];
                break;
        }
        string[][] text = [.. columns.Select(c => _n.FormatAligned(c))];
        var rows = new List<IReadOnlyList<DocCell>>();
        foreach (int j in Shown(m.FeatureNames.Count))
        {
            rows.Add(j < 0
                ? [.. Enumerable.Repeat(new DocCell("⋮"), header.Length)]
                : [new DocCell(m.FeatureNames[j]), .. text.Select(c => new DocCell(c[j]))]);
        }
        _blocks.Add(new DocTable(header, rows));

        Say(m.TargetFromLabel ? "model.targetLabel" : "model.targetOption",
            ("index", I(m.ClassIndex)), ("name", m.ClassName), ("a", A(1)), ("t", Target));
    }
}
