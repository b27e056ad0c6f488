using System.Globalization;

namespace Pipelines.Learning.Trees;

/// <summary>
/// Reads LightGBM's text model format (model.txt, version v2-v4): a key=value header, one "Tree=i" block per
/// tree, "end of trees", then optional feature_importances and parameters sections. Errors name the line and field.
/// </summary>
public static class LightGbmModelReader
{
    public static TreeEnsembleModel Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(File.ReadAllText(path), path);
    }

    public static TreeEnsembleModel Parse(string text, string sourceName = "model")
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = SplitLines(text);
        int index = 0;

        while (index < lines.Count && lines[index].Text.Length == 0) index++;
        if (index >= lines.Count) throw Error(sourceName, 1, "the model text is empty");
        if (lines[index].Text != "tree")
            throw Error(sourceName, lines[index].Number, $"expected the first line 'tree', found '{Shorten(lines[index].Text)}'");
        index++;

        var header = new Dictionary<string, (string Value, int Line)>(StringComparer.Ordinal);
        for (; index < lines.Count && !lines[index].Text.StartsWith("Tree=", StringComparison.Ordinal)
               && lines[index].Text != "end of trees"; index++)
        {
            var line = lines[index];
            if (line.Text.Length == 0) continue;
            if (line.Text == "average_output")
                throw Error(sourceName, line.Number, "'average_output' (random forest) models are not supported");
            int eq = line.Text.IndexOf('=');
            if (eq <= 0) throw Error(sourceName, line.Number, $"expected key=value in the header, found '{Shorten(line.Text)}'");
            header[line.Text[..eq]] = (line.Text[(eq + 1)..], line.Number);
        }
        if (index >= lines.Count) throw Error(sourceName, lines[^1].Number, "the file ends in the header: no 'Tree=' block or 'end of trees'");

        string version = Required(header, "version", sourceName, lines[index].Number);
        if (version is not ("v2" or "v3" or "v4"))
            throw Error(sourceName, header["version"].Line, $"field 'version': '{version}' is not a supported model version (v2, v3, v4)");
        int numClass = ParseInt(header, "num_class", sourceName, lines[index].Number, 1);
        int perIteration = ParseInt(header, "num_tree_per_iteration", sourceName, lines[index].Number, 1);
        int labelIndex = header.ContainsKey("label_index") ? ParseInt(header, "label_index", sourceName, 0, 0) : 0;
        int maxFeature = ParseInt(header, "max_feature_idx", sourceName, lines[index].Number, 0);
        int featureCount = maxFeature + 1;

        ModelObjective objective;
        if (header.TryGetValue("objective", out var objectiveText))
        {
            try
            {
                objective = ModelObjective.Parse(objectiveText.Value);
            }
            catch (FormatException e)
            {
                throw Error(sourceName, objectiveText.Line, $"field 'objective': {e.Message}");
            }
        }
        else
        {
            objective = numClass == 1 ? ModelObjective.Parse("custom") : throw Error(sourceName, lines[index].Number, "missing header field 'objective'");
        }
        if (objective.ClassCount != numClass)
            throw Error(sourceName, header["num_class"].Line, $"field 'num_class': {numClass} disagrees with the objective '{objective.Text}'");
        if (perIteration != numClass)
            throw Error(sourceName, header["num_tree_per_iteration"].Line, $"field 'num_tree_per_iteration': {perIteration} differs from num_class {numClass}, which is not supported");

        string[] featureNames = Required(header, "feature_names", sourceName, lines[index].Number).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (featureNames.Length != featureCount)
            throw Error(sourceName, header["feature_names"].Line, $"field 'feature_names': {featureNames.Length} names but max_feature_idx={maxFeature} means {featureCount} features");
        string[]? featureInfos = null;
        if (header.TryGetValue("feature_infos", out var infos))
        {
            featureInfos = infos.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (featureInfos.Length != featureCount)
                throw Error(sourceName, infos.Line, $"field 'feature_infos': {featureInfos.Length} entries for {featureCount} features");
        }
        long[]? treeSizes = null;
        if (header.TryGetValue("tree_sizes", out var sizes))
        {
            var sizeTokens = sizes.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            treeSizes = new long[sizeTokens.Length];
            for (int i = 0; i < sizeTokens.Length; i++)
            {
                if (!long.TryParse(sizeTokens[i], NumberStyles.None, CultureInfo.InvariantCulture, out treeSizes[i]))
                    throw Error(sourceName, sizes.Line, $"field 'tree_sizes': entry {i} '{sizeTokens[i]}' is not a byte count");
            }
        }

        var trees = new List<DecisionTree>();
        var treeStarts = new List<long>();
        while (true)
        {
            while (index < lines.Count && lines[index].Text.Length == 0) index++;
            if (index >= lines.Count)
                throw Error(sourceName, lines[^1].Number, $"the file ends after {trees.Count} trees without 'end of trees' (truncated?)");
            var line = lines[index];
            if (line.Text == "end of trees")
            {
                treeStarts.Add(line.Offset);
                index++;
                break;
            }
            if (!line.Text.StartsWith("Tree=", StringComparison.Ordinal))
                throw Error(sourceName, line.Number, $"expected 'Tree={trees.Count}' or 'end of trees', found '{Shorten(line.Text)}'");
            if (!int.TryParse(line.Text.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int treeIndex) || treeIndex != trees.Count)
                throw Error(sourceName, line.Number, $"expected 'Tree={trees.Count}', found '{Shorten(line.Text)}'");
            treeStarts.Add(line.Offset);
            index++;
            trees.Add(ReadTree(lines, ref index, treeIndex, sourceName, featureCount));
        }

        if (treeSizes is not null)
        {
            if (treeSizes.Length != trees.Count)
                throw Error(sourceName, header["tree_sizes"].Line, $"field 'tree_sizes': {treeSizes.Length} sizes for {trees.Count} trees");
            for (int t = 0; t < trees.Count; t++)
            {
                long actual = treeStarts[t + 1] - treeStarts[t];
                if (actual != treeSizes[t])
                    throw Error(sourceName, header["tree_sizes"].Line, $"field 'tree_sizes': entry {t} says {treeSizes[t]} bytes but the Tree={t} block spans {actual}");
            }
        }
        if (trees.Count % perIteration != 0)
            throw Error(sourceName, lines[index - 1].Number, $"{trees.Count} trees is not a whole number of iterations of {perIteration}");

        var parameters = ReadParameters(lines, index, sourceName);
        try
        {
            return new TreeEnsembleModel(trees, objective, featureNames, featureInfos, parameters, labelIndex);
        }
        catch (ArgumentException e)
        {
            throw new ModelFormatException($"{sourceName}: {e.Message}", e);
        }
    }

    private static DecisionTree ReadTree(List<Line> lines, ref int index, int treeIndex, string sourceName, int featureCount)
    {
        int headerLine = lines[index - 1].Number;
        var fields = new Dictionary<string, (string Value, int Line)>(StringComparer.Ordinal);
        for (; index < lines.Count && lines[index].Text.Length != 0; index++)
        {
            var line = lines[index];
            if (line.Text.StartsWith("Tree=", StringComparison.Ordinal) || line.Text == "end of trees")
                break;
            int eq = line.Text.IndexOf('=');
            if (eq <= 0) throw Error(sourceName, line.Number, $"Tree={treeIndex}: expected key=value, found '{Shorten(line.Text)}'");
            fields[line.Text[..eq]] = (line.Text[(eq + 1)..], line.Number);
        }
        string where = $"Tree={treeIndex} (line {headerLine})";

        int numLeaves = ParseInt(fields, "num_leaves", sourceName, headerLine, 1, where);
        if (fields.ContainsKey("num_cat") && ParseInt(fields, "num_cat", sourceName, headerLine, 0, where) != 0)
            throw Error(sourceName, fields["num_cat"].Line, $"{where}, field 'num_cat': categorical splits are not supported");
        if (fields.TryGetValue("is_linear", out var linear) && linear.Value.Trim() != "0")
            throw Error(sourceName, linear.Line, $"{where}, field 'is_linear': linear trees are not supported");
        int internals = numLeaves - 1;

        var splitFeature = IntArray(fields, "split_feature", internals, true, sourceName, headerLine, where);
        for (int i = 0; i < splitFeature.Length; i++)
        {
            if (splitFeature[i] < 0 || splitFeature[i] >= featureCount)
                throw Error(sourceName, fields["split_feature"].Line, $"{where}, field 'split_feature': feature {splitFeature[i]} is outside 0..{featureCount - 1}");
        }
        var decisionInts = IntArray(fields, "decision_type", internals, true, sourceName, headerLine, where);
        var decisionType = new byte[internals];
        for (int i = 0; i < internals; i++)
        {
            if (decisionInts[i] is < 0 or > 255)
                throw Error(sourceName, fields["decision_type"].Line, $"{where}, field 'decision_type': {decisionInts[i]} is not a byte");
            decisionType[i] = (byte)decisionInts[i];
            if ((decisionType[i] & DecisionTree.CategoricalMask) != 0)
                throw Error(sourceName, fields["decision_type"].Line, $"{where}, field 'decision_type': node {i} is categorical, which is not supported");
        }

        try
        {
            return new DecisionTree(
                splitFeature,
                DoubleArray(fields, "split_gain", internals, false, sourceName, headerLine, where),
                DoubleArray(fields, "threshold", internals, true, sourceName, headerLine, where),
                decisionType,
                IntArray(fields, "left_child", internals, true, sourceName, headerLine, where),
                IntArray(fields, "right_child", internals, true, sourceName, headerLine, where),
                DoubleArray(fields, "leaf_value", numLeaves, true, sourceName, headerLine, where),
                DoubleArray(fields, "leaf_weight", numLeaves, false, sourceName, headerLine, where),
                IntArray(fields, "leaf_count", numLeaves, false, sourceName, headerLine, where),
                DoubleArray(fields, "internal_value", internals, false, sourceName, headerLine, where),
                DoubleArray(fields, "internal_weight", internals, false, sourceName, headerLine, where),
                IntArray(fields, "internal_count", internals, false, sourceName, headerLine, where),
                fields.ContainsKey("shrinkage") ? ParseDouble(fields["shrinkage"], "shrinkage", sourceName, where) : 1.0);
        }
        catch (ArgumentException e)
        {
            throw new ModelFormatException($"{sourceName}:{headerLine}: {where}: {e.Message}", e);
        }
    }

    private static List<KeyValuePair<string, string>> ReadParameters(List<Line> lines, int index, string sourceName)
    {
        var parameters = new List<KeyValuePair<string, string>>();
        while (index < lines.Count && lines[index].Text != "parameters:") index++;
        if (index >= lines.Count) return parameters;
        for (index++; index < lines.Count && lines[index].Text != "end of parameters"; index++)
        {
            var text = lines[index].Text;
            if (text.Length == 0) continue;
            int colon = text.IndexOf(": ", StringComparison.Ordinal);
            if (text[0] != '[' || text[^1] != ']' || colon < 0)
                throw Error(sourceName, lines[index].Number, $"parameters: expected '[name: value]', found '{Shorten(text)}'");
            parameters.Add(new(text[1..colon], text[(colon + 2)..^1]));
        }
        if (index >= lines.Count) throw Error(sourceName, lines[^1].Number, "parameters: the file ends without 'end of parameters' (truncated?)");
        return parameters;
    }

    private static string Required(Dictionary<string, (string Value, int Line)> fields, string key, string sourceName, int line, string? where = null) =>
        fields.TryGetValue(key, out var entry)
            ? entry.Value
            : throw Error(sourceName, line, (where is null ? "" : where + ": ") + $"missing field '{key}'");

    private static int ParseInt(Dictionary<string, (string Value, int Line)> fields, string key, string sourceName, int line, int minimum, string? where = null)
    {
        string text = Required(fields, key, sourceName, line, where);
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) || value < minimum)
            throw Error(sourceName, fields[key].Line, (where is null ? "" : where + ", ") + $"field '{key}': '{Shorten(text)}' is not an integer >= {minimum}");
        return value;
    }

    private static double ParseDouble((string Value, int Line) entry, string key, string sourceName, string where) =>
        LightGbmNumberFormat.TryParse(entry.Value.Trim(), out double value)
            ? value
            : throw Error(sourceName, entry.Line, $"{where}, field '{key}': '{Shorten(entry.Value)}' is not a number");

    private static int[] IntArray(Dictionary<string, (string Value, int Line)> fields, string key, int length, bool required, string sourceName, int line, string where)
    {
        if (!fields.TryGetValue(key, out var entry))
            return required && length > 0 ? throw Error(sourceName, line, $"{where}: missing field '{key}'") : new int[length];
        var tokens = entry.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length != length)
            throw Error(sourceName, entry.Line, $"{where}, field '{key}': expected {length} values, found {tokens.Length}");
        var values = new int[length];
        for (int i = 0; i < length; i++)
        {
            if (!int.TryParse(tokens[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out values[i]))
                throw Error(sourceName, entry.Line, $"{where}, field '{key}': value {i} '{Shorten(tokens[i])}' is not an integer");
        }
        return values;
    }

    private static double[] DoubleArray(Dictionary<string, (string Value, int Line)> fields, string key, int length, bool required, string sourceName, int line, string where)
    {
        if (!fields.TryGetValue(key, out var entry))
            return required && length > 0 ? throw Error(sourceName, line, $"{where}: missing field '{key}'") : new double[length];
        var tokens = entry.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length != length)
            throw Error(sourceName, entry.Line, $"{where}, field '{key}': expected {length} values, found {tokens.Length}");
        var values = new double[length];
        for (int i = 0; i < length; i++)
        {
            if (!LightGbmNumberFormat.TryParse(tokens[i], out values[i]))
                throw Error(sourceName, entry.Line, $"{where}, field '{key}': value {i} '{Shorten(tokens[i])}' is not a number");
        }
        return values;
    }

    private static ModelFormatException Error(string sourceName, int line, string message) => new($"{sourceName}:{line}: {message}");

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";

    private static List<Line> SplitLines(string text)
    {
        var lines = new List<Line>();
        int start = 0;
        int number = 1;
        while (start < text.Length)
        {
            int end = text.IndexOf('\n', start);
            if (end < 0) end = text.Length;
            int contentEnd = end > start && text[end - 1] == '\r' ? end - 1 : end;
            lines.Add(new Line(number++, start, text[start..contentEnd]));
            start = end + 1;
        }
        if (lines.Count == 0) lines.Add(new Line(1, 0, ""));
        return lines;
    }

    private readonly record struct Line(int Number, long Offset, string Text);
}
