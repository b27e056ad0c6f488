using Pipelines.Learning.Trees;

namespace Pipelines.Learning.Onnx;

/// <summary>
/// Writes a <see cref="TreeEnsembleModel"/> as an ONNX model using the ai.onnx.ml TreeEnsembleRegressor or
/// TreeEnsembleClassifier operator (opset 3). Thresholds and leaf values go in double tensors and the input is a
/// double tensor, so splits decide exactly as ours do; outputs are float, as the operators define them.
/// </summary>
public static class OnnxTreeEnsembleExporter
{
    /// <summary>The input: a double tensor [N, features] in the model's feature order.</summary>
    public const string InputName = "features";

    public const string ScoresOutputName = "scores";
    public const string LabelOutputName = "label";
    public const string ProbabilitiesOutputName = "probabilities";

    public static void Save(TreeEnsembleModel model, string path, OnnxOutputKind kind)
    {
        ArgumentNullException.ThrowIfNull(path);
        File.WriteAllBytes(path, Export(model, kind));
    }

    public static byte[] Export(TreeEnsembleModel model, OnnxOutputKind kind)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Trees.Count == 0) throw new ArgumentException("A model without trees has nothing to export to ONNX.", nameof(model));
        var objective = model.Objective;
        int classes = model.TreesPerIteration;
        var input = new OnnxValueInfo(InputName, OnnxDataType.Double, model.FeatureCount);
        var metadata = new[]
        {
            new KeyValuePair<string, string>("objective", objective.Text),
            new KeyValuePair<string, string>("feature_names", string.Join(",", model.FeatureNames)),
            new KeyValuePair<string, string>("output", kind.ToString()),
        };

        bool classifier = kind == OnnxOutputKind.Predictions && objective.Kind is ObjectiveKind.Sigmoid or ObjectiveKind.Softmax or ObjectiveKind.SigmoidPerClass;
        if (classifier)
        {
            int labels = classes == 1 ? 2 : classes;
            var tables = Tables(model, t => objective.Kind switch
            {
                // Two mirrored classes, so the logistic transform gives 1 - p and p without the operator's binary special cases.
                ObjectiveKind.Sigmoid => new[] { (0, -objective.Sigmoid), (1, objective.Sigmoid) },
                ObjectiveKind.SigmoidPerClass => new[] { (t % classes, objective.Sigmoid) },
                _ => new[] { (t % classes, 1.0) },
            });
            var attributes = NodeAttributes(tables);
            attributes.Add(OnnxAttribute.Ints("class_treeids", tables.WeightTreeIds));
            attributes.Add(OnnxAttribute.Ints("class_nodeids", tables.WeightNodeIds));
            attributes.Add(OnnxAttribute.Ints("class_ids", tables.WeightTargets));
            attributes.Add(OnnxAttribute.Doubles("class_weights_as_tensor", tables.Weights));
            attributes.Add(OnnxAttribute.Ints("classlabels_int64s", Enumerable.Range(0, labels).Select(l => (long)l).ToArray()));
            attributes.Add(OnnxAttribute.String("post_transform", objective.Kind == ObjectiveKind.Softmax ? "SOFTMAX" : "LOGISTIC"));
            var node = new OnnxNode("TreeEnsembleClassifier", OnnxModelWriter.MlDomain, new[] { InputName },
                new[] { LabelOutputName, ProbabilitiesOutputName }, attributes);
            return OnnxModelWriter.Write("tree_ensemble", new[] { node }, new[] { input },
                new[] { new OnnxValueInfo(LabelOutputName, OnnxDataType.Int64, null), new OnnxValueInfo(ProbabilitiesOutputName, OnnxDataType.Float, labels) },
                metadata);
        }

        if (kind == OnnxOutputKind.Predictions && objective.Kind != ObjectiveKind.Identity && objective.Kind != ObjectiveKind.Exponential)
            throw new NotSupportedException($"The objective '{objective.Text}' has no ONNX prediction form.");
        bool exponential = kind == OnnxOutputKind.Predictions && objective.Kind == ObjectiveKind.Exponential;
        var regression = Tables(model, t => new[] { (t % classes, 1.0) });
        var regressorAttributes = NodeAttributes(regression);
        regressorAttributes.Add(OnnxAttribute.Int("n_targets", classes));
        regressorAttributes.Add(OnnxAttribute.Ints("target_treeids", regression.WeightTreeIds));
        regressorAttributes.Add(OnnxAttribute.Ints("target_nodeids", regression.WeightNodeIds));
        regressorAttributes.Add(OnnxAttribute.Ints("target_ids", regression.WeightTargets));
        regressorAttributes.Add(OnnxAttribute.Doubles("target_weights_as_tensor", regression.Weights));
        regressorAttributes.Add(OnnxAttribute.String("aggregate_function", "SUM"));
        regressorAttributes.Add(OnnxAttribute.String("post_transform", "NONE"));
        const string rawName = "raw_scores";
        var nodes = new List<OnnxNode>
        {
            new("TreeEnsembleRegressor", OnnxModelWriter.MlDomain, new[] { InputName }, new[] { exponential ? rawName : ScoresOutputName }, regressorAttributes),
        };
        if (exponential) nodes.Add(new OnnxNode("Exp", "", new[] { rawName }, new[] { ScoresOutputName }, Array.Empty<OnnxAttribute>()));
        return OnnxModelWriter.Write("tree_ensemble", nodes, new[] { input },
            new[] { new OnnxValueInfo(ScoresOutputName, OnnxDataType.Float, classes) }, metadata);
    }

    private static OnnxTreeTables Tables(TreeEnsembleModel model, Func<int, (int, double)[]> leafTargets)
    {
        var tables = new OnnxTreeTables();
        for (int t = 0; t < model.Trees.Count; t++) tables.AddTree(t, model.Trees[t], leafTargets(t));
        return tables;
    }

    private static List<OnnxAttribute> NodeAttributes(OnnxTreeTables tables) => new()
    {
        OnnxAttribute.Ints("nodes_treeids", tables.TreeIds),
        OnnxAttribute.Ints("nodes_nodeids", tables.NodeIds),
        OnnxAttribute.Ints("nodes_featureids", tables.FeatureIds),
        OnnxAttribute.Strings("nodes_modes", tables.Modes),
        OnnxAttribute.Doubles("nodes_values_as_tensor", tables.Values),
        OnnxAttribute.Ints("nodes_truenodeids", tables.TrueIds),
        OnnxAttribute.Ints("nodes_falsenodeids", tables.FalseIds),
        OnnxAttribute.Ints("nodes_missing_value_tracks_true", tables.MissingTracksTrue),
    };
}
