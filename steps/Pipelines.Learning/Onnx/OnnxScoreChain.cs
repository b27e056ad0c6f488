using Pipelines.Learning.Trees;

namespace Pipelines.Learning.Onnx;

/// <summary>
/// What the nodes after a tree ensemble do to its scores, as one transform of the sum s: an optional Exp of a
/// regressor's scores, or a + b·s through Mul, Div, Add and Sub by scalar constants (ML.NET's FastForest divides by
/// its tree count; its Platt calibration multiplies and adds), optionally followed by one Sigmoid (a calibrated
/// binary model). Identity, Cast to float or double and ZipMap pass values on. Nodes that read none of these values
/// — ML.NET's Binarizer of the score into a predicted label and the casts after it — make labels, not scores, and
/// are left out. Anything else touching the scores is refused, naming the node.
/// </summary>
internal sealed record OnnxScoreChain(double Scale, double Shift, bool Sigmoid, bool Exponential)
{
    private const int NodeInput = 1, NodeOutput = 2, NodeOpType = 4, NodeAttribute = 5;
    private const int GraphInitializer = 5, GraphOutput = 12, TensorName = 8, ValueInfoName = 1;

    private static readonly HashSet<string> ValuePreservingOps = new(StringComparer.Ordinal) { "Identity", "Cast", "ZipMap" };
    private static readonly HashSet<string> AffineOps = new(StringComparer.Ordinal) { "Mul", "Div", "Add", "Sub" };
    private static readonly HashSet<string> LabelOps = new(StringComparer.Ordinal) { "Binarizer", "Identity", "Cast" };

    public static OnnxScoreChain Follow(ProtoMessage graph, ProtoMessage ensemble, bool regressor, IReadOnlyList<(ProtoMessage Node, string OpType)> others)
    {
        var constants = new Dictionary<string, ProtoMessage>(StringComparer.Ordinal);
        foreach (var initializer in graph.Messages(GraphInitializer, "initializer"))
        {
            if (initializer.String(TensorName, "name") is { } name) constants[name] = initializer;
        }
        var ensembleOutputs = ensemble.Strings(NodeOutput, "output");
        // Every value derived from the scores, with the transform that gives it from the ensemble's sum.
        var tracked = new Dictionary<string, OnnxScoreChain>(StringComparer.Ordinal);
        foreach (var output in ensembleOutputs) tracked[output] = new OnnxScoreChain(1.0, 0.0, false, false);
        var last = tracked[ensembleOutputs[0]];

        foreach (var (node, type) in others)
        {
            var inputs = node.Strings(NodeInput, "input");
            var outputs = node.Strings(NodeOutput, "output");
            var fed = inputs.Where(tracked.ContainsKey).ToList();
            if (fed.Count == 0)
            {
                if (LabelOps.Contains(type) || AffineOps.Contains(type)) continue;
                throw node.Error("op_type", $"is '{type}'; beside the tree ensemble a graph may hold only Identity, Cast, ZipMap, Exp, Sigmoid, scalar Mul/Div/Add/Sub of the scores and Binarizer.");
            }
            var current = tracked[fed[0]];
            OnnxScoreChain? next = type switch
            {
                "Identity" or "ZipMap" => current,
                "Cast" => CastOf(node, current),
                "Binarizer" => null,
                "Exp" when regressor && current == new OnnxScoreChain(1.0, 0.0, false, false) && inputs.Count == 1 && ensembleOutputs.Count == 1 && inputs[0] == ensembleOutputs[0]
                    => current with { Exponential = true },
                "Sigmoid" when regressor && !current.Sigmoid && !current.Exponential => current with { Sigmoid = true },
                _ when AffineOps.Contains(type) && regressor && !current.Sigmoid && !current.Exponential => Affine(node, type, inputs, fed, constants, current),
                _ => throw node.Error("op_type", $"is '{type}' on the ensemble's scores; beside the tree ensemble a graph may hold only Identity, Cast, ZipMap, one Exp of a regressor's scores, scalar Mul/Div/Add/Sub then one Sigmoid of them, and Binarizer."),
            };
            if (next is null) continue;
            foreach (var output in outputs) tracked[output] = next;
            last = next;
        }
        // The model's prediction is what a graph output carries: when outputs give both the raw score and its
        // Sigmoid (ML.NET's Score and Probability), the probability; when only the raw score is published, the last
        // value made from it (as before: a graph whose Exp output is not declared is still a log-link model).
        var published = graph.Messages(GraphOutput, "output").Select(o => o.String(ValueInfoName, "name")).OfType<string>()
            .Where(tracked.ContainsKey).Select(name => tracked[name]).Distinct().ToList();
        var raw = new OnnxScoreChain(1.0, 0.0, false, false);
        return published.FirstOrDefault(c => c.Sigmoid) ?? published.LastOrDefault(c => c != raw) ?? last;
    }

    private static OnnxScoreChain? CastOf(ProtoMessage node, OnnxScoreChain current)
    {
        var to = new OnnxNodeAttributes(node, NodeAttribute).Int("to");
        if (to == (long)OnnxDataType.Float || to == (long)OnnxDataType.Double) return current;
        throw node.Error("attribute", $"'to' of a Cast is {to?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "missing"}; only casts to float (1) or double (11) keep the scores.");
    }

    private static OnnxScoreChain Affine(ProtoMessage node, string type, List<string> inputs, List<string> fed, Dictionary<string, ProtoMessage> constants, OnnxScoreChain current)
    {
        if (inputs.Count != 2 || fed.Count != 1) throw node.Error("input", $"a {type} of the scores must take the scores and one constant.");
        var constantName = inputs[0] == fed[0] ? inputs[1] : inputs[0];
        if (!constants.TryGetValue(constantName, out var tensor)) throw node.Error("input", $"'{constantName}' of a {type} of the scores is not a constant (initializer).");
        var values = OnnxNodeAttributes.TensorReals(tensor);
        if (values.Length != 1 || !double.IsFinite(values[0])) throw tensor.Error("dims", $"a {type} of the scores must be by one finite number; '{constantName}' holds {values.Length} values.");
        var c = values[0];
        var scoresFirst = inputs[0] == fed[0];
        return type switch
        {
            "Mul" => current with { Scale = current.Scale * c, Shift = current.Shift * c },
            "Div" when scoresFirst && c != 0 => current with { Scale = current.Scale / c, Shift = current.Shift / c },
            "Add" => current with { Shift = current.Shift + c },
            "Sub" when scoresFirst => current with { Shift = current.Shift - c },
            "Sub" => current with { Scale = -current.Scale, Shift = c - current.Shift },
            _ => throw node.Error("input", $"a {type} of the scores must divide them by a non-zero constant, not divide a constant by them."),
        };
    }

    /// <summary>The tree with every leaf and internal value multiplied by <paramref name="factor"/>.</summary>
    public static DecisionTree Scaled(DecisionTree tree, double factor)
    {
        double[] Times(ReadOnlySpan<double> values)
        {
            var result = values.ToArray();
            for (var i = 0; i < result.Length; i++) result[i] *= factor;
            return result;
        }
        return new DecisionTree(tree.SplitFeature.ToArray(), tree.SplitGain.ToArray(), tree.Threshold.ToArray(), tree.DecisionType.ToArray(),
            tree.LeftChild.ToArray(), tree.RightChild.ToArray(), Times(tree.LeafValue), tree.LeafWeight.ToArray(), tree.LeafCount.ToArray(),
            Times(tree.InternalValue), tree.InternalWeight.ToArray(), tree.InternalCount.ToArray(), tree.Shrinkage);
    }
}
