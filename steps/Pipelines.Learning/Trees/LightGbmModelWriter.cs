using System.Globalization;
using System.Text;

namespace Pipelines.Learning.Trees;

/// <summary>
/// Writes a <see cref="TreeEnsembleModel"/> in LightGBM's text model format, so LightGBM itself can load it:
/// header, tree_sizes (the exact byte length of each "Tree=i" block), trees, "end of trees",
/// split-count feature importances and the parameters section.
/// </summary>
public static class LightGbmModelWriter
{
    public static void Save(TreeEnsembleModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        File.WriteAllText(path, ToText(model), new UTF8Encoding(false));
    }

    public static string ToText(TreeEnsembleModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        LightGbmFeatureNames.Check(model.FeatureNames);
        var blocks = new string[model.Trees.Count];
        for (int t = 0; t < blocks.Length; t++)
            blocks[t] = "Tree=" + t.ToString(CultureInfo.InvariantCulture) + "\n" + TreeText(model.Trees[t]) + "\n";

        var text = new StringBuilder();
        text.Append("tree\n");
        text.Append("version=v4\n");
        text.Append("num_class=").Append(model.Objective.ClassCount.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("num_tree_per_iteration=").Append(model.TreesPerIteration.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("label_index=").Append(model.LabelIndex.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("max_feature_idx=").Append((model.FeatureCount - 1).ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("objective=").Append(model.Objective.Text).Append('\n');
        text.Append("feature_names=").AppendJoin(' ', model.FeatureNames).Append('\n');
        text.Append("feature_infos=").AppendJoin(' ', model.FeatureInfos).Append('\n');
        text.Append("tree_sizes=").AppendJoin(' ', blocks.Select(b => Encoding.UTF8.GetByteCount(b).ToString(CultureInfo.InvariantCulture))).Append('\n');
        text.Append('\n');
        foreach (var block in blocks) text.Append(block);
        text.Append("end of trees\n");

        // LightGBM lists features with nonzero importance, most important first, ties in feature order.
        text.Append("\nfeature_importances:\n");
        var importance = model.FeatureImportance(FeatureImportanceType.Split);
        var order = Enumerable.Range(0, importance.Length).Where(f => importance[f] > 0).OrderByDescending(f => importance[f]).ThenBy(f => f);
        foreach (int f in order)
            text.Append(model.FeatureNames[f]).Append('=').Append(((long)importance[f]).ToString(CultureInfo.InvariantCulture)).Append('\n');

        text.Append("\nparameters:\n");
        foreach (var (key, value) in model.Parameters) text.Append('[').Append(key).Append(": ").Append(value).Append("]\n");
        text.Append("\nend of parameters\n");
        return text.ToString();
    }

    private static string TreeText(DecisionTree tree)
    {
        var text = new StringBuilder();
        text.Append("num_leaves=").Append(tree.NumLeaves.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("num_cat=0\n");
        AppendInts(text, "split_feature", tree.SplitFeature);
        AppendDoubles(text, "split_gain", tree.SplitGain);
        AppendDoubles(text, "threshold", tree.Threshold);
        text.Append("decision_type=");
        for (int i = 0; i < tree.DecisionType.Length; i++)
        {
            if (i > 0) text.Append(' ');
            text.Append(tree.DecisionType[i].ToString(CultureInfo.InvariantCulture));
        }
        text.Append('\n');
        AppendInts(text, "left_child", tree.LeftChild);
        AppendInts(text, "right_child", tree.RightChild);
        AppendDoubles(text, "leaf_value", tree.LeafValue);
        AppendDoubles(text, "leaf_weight", tree.LeafWeight);
        AppendInts(text, "leaf_count", tree.LeafCount);
        AppendDoubles(text, "internal_value", tree.InternalValue);
        AppendDoubles(text, "internal_weight", tree.InternalWeight);
        AppendInts(text, "internal_count", tree.InternalCount);
        text.Append("is_linear=0\n");
        text.Append("shrinkage=").Append(LightGbmNumberFormat.Format(tree.Shrinkage)).Append('\n');
        text.Append('\n');
        return text.ToString();
    }

    private static void AppendInts(StringBuilder text, string key, ReadOnlySpan<int> values)
    {
        text.Append(key).Append('=');
        for (int i = 0; i < values.Length; i++)
        {
            if (i > 0) text.Append(' ');
            text.Append(values[i].ToString(CultureInfo.InvariantCulture));
        }
        text.Append('\n');
    }

    private static void AppendDoubles(StringBuilder text, string key, ReadOnlySpan<double> values)
    {
        text.Append(key).Append('=');
        for (int i = 0; i < values.Length; i++)
        {
            if (i > 0) text.Append(' ');
            text.Append(LightGbmNumberFormat.Format(values[i]));
        }
        text.Append('\n');
    }
}
