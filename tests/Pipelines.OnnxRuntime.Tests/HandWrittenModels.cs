using Pipelines.Learning.Onnx;

namespace Pipelines.OnnxRuntime.Tests;

/// <summary>
/// Small ONNX tree models written attribute by attribute, so tests control every field: the modes our exporter never
/// writes, and each way a file can be malformed (through <c>edit</c>, which may replace or remove attributes).
/// </summary>
internal static class HandWrittenModels
{
    public const string InputName = "x";
    public const string ScoresName = "y";
    public const string LabelName = "label";
    public const string ProbabilitiesName = "probabilities";

    /// <summary>
    /// Two trees over [f0, f1], listed with ids 7 then 3 and node ids out of order:
    /// tree 7: f0 &lt; 0.5 (NaN tracks true) ? (f1 &gt;= -1 (NaN untracked) ? 1 : 2) : 4; tree 3: f1 &gt; 2 (NaN tracks true) ? 10 : 20;
    /// base value 0.25. Thresholds and weights are float lists, the operator's original form.
    /// </summary>
    public static byte[] MixedModesRegressor(Action<Dictionary<string, OnnxAttribute>>? edit = null, OnnxDataType inputType = OnnxDataType.Double,
        IReadOnlyList<string>? extraOps = null)
    {
        var attributes = new Dictionary<string, OnnxAttribute>
        {
            ["nodes_treeids"] = OnnxAttribute.Ints("nodes_treeids", new long[] { 7, 7, 7, 7, 7, 3, 3, 3 }),
            ["nodes_nodeids"] = OnnxAttribute.Ints("nodes_nodeids", new long[] { 0, 4, 1, 2, 3, 0, 1, 2 }),
            ["nodes_featureids"] = OnnxAttribute.Ints("nodes_featureids", new long[] { 0, 1, 0, 0, 0, 1, 0, 0 }),
            ["nodes_modes"] = OnnxAttribute.Strings("nodes_modes", new[] { "BRANCH_LT", "BRANCH_GTE", "LEAF", "LEAF", "LEAF", "BRANCH_GT", "LEAF", "LEAF" }),
            ["nodes_values"] = OnnxAttribute.Floats("nodes_values", new[] { 0.5f, -1f, 0f, 0f, 0f, 2f, 0f, 0f }),
            ["nodes_truenodeids"] = OnnxAttribute.Ints("nodes_truenodeids", new long[] { 4, 1, 0, 0, 0, 1, 0, 0 }),
            ["nodes_falsenodeids"] = OnnxAttribute.Ints("nodes_falsenodeids", new long[] { 3, 2, 0, 0, 0, 2, 0, 0 }),
            ["nodes_missing_value_tracks_true"] = OnnxAttribute.Ints("nodes_missing_value_tracks_true", new long[] { 1, 0, 0, 0, 0, 1, 0, 0 }),
            ["target_treeids"] = OnnxAttribute.Ints("target_treeids", new long[] { 7, 7, 7, 3, 3 }),
            ["target_nodeids"] = OnnxAttribute.Ints("target_nodeids", new long[] { 1, 2, 3, 1, 2 }),
            ["target_ids"] = OnnxAttribute.Ints("target_ids", new long[] { 0, 0, 0, 0, 0 }),
            ["target_weights"] = OnnxAttribute.Floats("target_weights", new[] { 1f, 2f, 4f, 10f, 20f }),
            ["base_values"] = OnnxAttribute.Floats("base_values", new[] { 0.25f }),
            ["n_targets"] = OnnxAttribute.Int("n_targets", 1),
            ["aggregate_function"] = OnnxAttribute.String("aggregate_function", "SUM"),
            ["post_transform"] = OnnxAttribute.String("post_transform", "NONE"),
        };
        edit?.Invoke(attributes);
        var nodes = new List<OnnxNode>
        {
            new("TreeEnsembleRegressor", OnnxModelWriter.MlDomain, new[] { InputName }, new[] { ScoresName }, attributes.Values.ToArray()),
        };
        foreach (string op in extraOps ?? Array.Empty<string>()) nodes.Add(new OnnxNode(op, "", new[] { ScoresName }, new[] { op + "_out" }, Array.Empty<OnnxAttribute>()));
        return OnnxModelWriter.Write("hand_written", nodes, new[] { new OnnxValueInfo(InputName, inputType, 2) },
            new[] { new OnnxValueInfo(ScoresName, OnnxDataType.Float, 1) }, Array.Empty<KeyValuePair<string, string>>());
    }

    /// <summary>One tree over one feature: node d tests f0 &lt;= d, sending true to leaf weight d and false to node d + 1.</summary>
    public static byte[] ChainRegressor(int depth)
    {
        int nodes = 2 * depth + 1;
        var modes = new string[nodes];
        var values = new float[nodes];
        var trueIds = new long[nodes];
        var falseIds = new long[nodes];
        var leafIds = new List<long>();
        var weights = new List<float>();
        for (int d = 0; d < depth; d++)
        {
            // Branch d has id d; its leaf has id depth + 1 + d; the chain ends in leaf id depth.
            modes[d] = "BRANCH_LEQ";
            values[d] = d;
            trueIds[d] = depth + 1 + d;
            falseIds[d] = d + 1;
            modes[depth + 1 + d] = "LEAF";
            leafIds.Add(depth + 1 + d);
            weights.Add(d);
        }
        modes[depth] = "LEAF";
        leafIds.Add(depth);
        weights.Add(depth);
        var attributes = new[]
        {
            OnnxAttribute.Ints("nodes_treeids", new long[nodes]),
            OnnxAttribute.Ints("nodes_nodeids", Enumerable.Range(0, nodes).Select(i => (long)i).ToArray()),
            OnnxAttribute.Ints("nodes_featureids", new long[nodes]),
            OnnxAttribute.Strings("nodes_modes", modes),
            OnnxAttribute.Floats("nodes_values", values),
            OnnxAttribute.Ints("nodes_truenodeids", trueIds),
            OnnxAttribute.Ints("nodes_falsenodeids", falseIds),
            OnnxAttribute.Ints("target_treeids", new long[leafIds.Count]),
            OnnxAttribute.Ints("target_nodeids", leafIds),
            OnnxAttribute.Ints("target_ids", new long[leafIds.Count]),
            OnnxAttribute.Floats("target_weights", weights),
            OnnxAttribute.Int("n_targets", 1),
        };
        var node = new OnnxNode("TreeEnsembleRegressor", OnnxModelWriter.MlDomain, new[] { InputName }, new[] { ScoresName }, attributes);
        return OnnxModelWriter.Write("chain", new[] { node }, new[] { new OnnxValueInfo(InputName, OnnxDataType.Double, 1) },
            new[] { new OnnxValueInfo(ScoresName, OnnxDataType.Float, 1) }, Array.Empty<KeyValuePair<string, string>>());
    }

    /// <summary>Labels 0 and 1, LOGISTIC, one tree f0 &lt;= 0 ? -1.5 : 0.75 whose weights all go to class 1.</summary>
    public static byte[] ClassOneOnlyClassifier(Action<Dictionary<string, OnnxAttribute>>? edit = null)
    {
        var attributes = new Dictionary<string, OnnxAttribute>
        {
            ["nodes_treeids"] = OnnxAttribute.Ints("nodes_treeids", new long[] { 0, 0, 0 }),
            ["nodes_nodeids"] = OnnxAttribute.Ints("nodes_nodeids", new long[] { 0, 1, 2 }),
            ["nodes_featureids"] = OnnxAttribute.Ints("nodes_featureids", new long[] { 0, 0, 0 }),
            ["nodes_modes"] = OnnxAttribute.Strings("nodes_modes", new[] { "BRANCH_LEQ", "LEAF", "LEAF" }),
            ["nodes_values"] = OnnxAttribute.Floats("nodes_values", new[] { 0f, 0f, 0f }),
            ["nodes_truenodeids"] = OnnxAttribute.Ints("nodes_truenodeids", new long[] { 1, 0, 0 }),
            ["nodes_falsenodeids"] = OnnxAttribute.Ints("nodes_falsenodeids", new long[] { 2, 0, 0 }),
            ["nodes_missing_value_tracks_true"] = OnnxAttribute.Ints("nodes_missing_value_tracks_true", new long[] { 0, 0, 0 }),
            ["class_treeids"] = OnnxAttribute.Ints("class_treeids", new long[] { 0, 0 }),
            ["class_nodeids"] = OnnxAttribute.Ints("class_nodeids", new long[] { 1, 2 }),
            ["class_ids"] = OnnxAttribute.Ints("class_ids", new long[] { 1, 1 }),
            ["class_weights"] = OnnxAttribute.Floats("class_weights", new[] { -1.5f, 0.75f }),
            ["classlabels_int64s"] = OnnxAttribute.Ints("classlabels_int64s", new long[] { 0, 1 }),
            ["post_transform"] = OnnxAttribute.String("post_transform", "LOGISTIC"),
        };
        edit?.Invoke(attributes);
        var node = new OnnxNode("TreeEnsembleClassifier", OnnxModelWriter.MlDomain, new[] { InputName }, new[] { LabelName, ProbabilitiesName },
            attributes.Values.ToArray());
        return OnnxModelWriter.Write("hand_written", new[] { node }, new[] { new OnnxValueInfo(InputName, OnnxDataType.Double, 1) },
            new[] { new OnnxValueInfo(LabelName, OnnxDataType.Int64, null), new OnnxValueInfo(ProbabilitiesName, OnnxDataType.Float, 2) },
            Array.Empty<KeyValuePair<string, string>>());
    }
}
