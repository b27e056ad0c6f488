using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipelines.Learning.Features;

/// <summary>
/// An ordered, validated list of feature definitions: the unit stored by featurization (as JSON) and loaded by
/// the tick path to build a <see cref="StreamingFeatureEvaluator"/>. Output order is definition order.
/// </summary>
public sealed class FeatureSet
{
    private const int FormatVersion = 1;

    public IReadOnlyList<FeatureDefinition> Definitions { get; }

    /// <summary>The column rows are ordered by in batch; streaming consumers feed rows in the same order.</summary>
    public string TimeColumn { get; }

    /// <summary>Table columns the features read, in first-use order (interaction operands that name features excluded).</summary>
    public IReadOnlyList<string> RequiredColumns { get; }

    public IReadOnlyList<string> Names { get; }

    public FeatureSet(IEnumerable<FeatureDefinition> definitions, string timeColumn = "open_time")
    {
        Definitions = definitions.ToArray();
        TimeColumn = timeColumn;
        if (string.IsNullOrWhiteSpace(timeColumn)) throw new FeatureDefinitionException("the time column is empty");
        if (Definitions.Count == 0) throw new FeatureDefinitionException("no features are defined");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var columns = new List<string>();
        foreach (var definition in Definitions)
        {
            definition.Validate();
            foreach (var input in definition.Inputs)
            {
                if (seen.Contains(input))
                {
                    if (!definition.Info.OperandsMayBeFeatures)
                        throw new FeatureDefinitionException(
                            $"feature '{definition.Name}' ({definition.Info.Key}) reads '{input}', which is a feature; only product and ratio may combine features");
                }
                else if (Definitions.Any(d => d.Name == input))
                {
                    throw new FeatureDefinitionException(
                        $"feature '{definition.Name}' uses feature '{input}' before it is defined; list '{input}' first");
                }
                else if (!columns.Contains(input, StringComparer.Ordinal))
                {
                    columns.Add(input);
                }
            }
            if (!seen.Add(definition.Name))
                throw new FeatureDefinitionException($"feature '{definition.Name}' is defined twice");
            if (definition.Name == timeColumn)
                throw new FeatureDefinitionException($"feature '{definition.Name}' has the name of the time column");
        }
        RequiredColumns = columns;
        Names = Definitions.Select(d => d.Name).ToArray();
    }

    /// <summary>Parses compact names (see <see cref="FeatureNames"/>); a name a preset already brought in is kept once.</summary>
    public static FeatureSet FromNames(IEnumerable<string> names, string timeColumn = "open_time") =>
        new(Merge(names.SelectMany(FeatureNames.Parse)), timeColumn);

    /// <summary>Drops exact repeats that presets such as spread_x_vol bring in, keeping the first.</summary>
    public static IReadOnlyList<FeatureDefinition> Merge(IEnumerable<FeatureDefinition> definitions)
    {
        var result = new List<FeatureDefinition>();
        foreach (var definition in definitions)
        {
            var existing = result.Find(d => d.Name == definition.Name);
            if (existing is null) result.Add(definition);
            else if (!SameDefinition(existing, definition))
                throw new FeatureDefinitionException($"feature '{definition.Name}' is defined twice, differently");
        }
        return result;
    }

    private static bool SameDefinition(FeatureDefinition a, FeatureDefinition b) =>
        a.Kind == b.Kind && a.Window == b.Window && a.Inputs.SequenceEqual(b.Inputs, StringComparer.Ordinal);

    /// <summary>Throws naming the first feature whose input column is not among <paramref name="available"/>.</summary>
    public void CheckColumns(IReadOnlyCollection<string> available)
    {
        var features = new HashSet<string>(StringComparer.Ordinal);
        foreach (var definition in Definitions)
        {
            foreach (var input in definition.Inputs)
                if (!features.Contains(input) && !available.Contains(input, StringComparer.Ordinal))
                    throw new FeatureDefinitionException(
                        $"feature '{definition.Name}' ({definition.Info.Key}) needs column '{input}', which the table does not have " +
                        $"(columns: {string.Join(", ", available)})");
            if (available.Contains(definition.Name, StringComparer.Ordinal))
                throw new FeatureDefinitionException($"feature '{definition.Name}' would replace the table column of the same name; rename the feature");
            features.Add(definition.Name);
        }
    }

    /// <summary>The definitions of the given kinds' subset, in order (e.g. only the recursive ones).</summary>
    public FeatureSet Subset(Func<FeatureDefinition, bool> keep) => new(Definitions.Where(keep), TimeColumn);

    public string ToJson()
    {
        var features = new JsonArray();
        foreach (var definition in Definitions)
        {
            var inputs = new JsonArray();
            foreach (var input in definition.Inputs) inputs.Add(input);
            features.Add(new JsonObject
            {
                ["name"] = definition.Name,
                ["kind"] = definition.Info.Key,
                ["inputs"] = inputs,
                ["window"] = definition.Window,
                ["warm_up_rows"] = definition.WarmUpRows,
            });
        }
        var root = new JsonObject { ["version"] = FormatVersion, ["time_column"] = TimeColumn, ["features"] = features };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Reads what <see cref="ToJson"/> wrote; malformed text is reported with the offending part.</summary>
    public static FeatureSet FromJson(string json)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FeatureDefinitionException($"feature definitions are not valid JSON: {e.Message}");
        }
        if (root is not JsonObject obj) throw new FeatureDefinitionException("feature definitions must be a JSON object");
        var version = Read<int>(obj, "version", "the document");
        if (version != FormatVersion)
            throw new FeatureDefinitionException($"feature definitions have version {version}; this build reads version {FormatVersion}");
        var time = Read<string>(obj, "time_column", "the document");
        if (obj["features"] is not JsonArray array) throw new FeatureDefinitionException("feature definitions lack the 'features' array");
        var definitions = new List<FeatureDefinition>();
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject feature) throw new FeatureDefinitionException($"features[{i}] is not an object");
            var where = $"features[{i}]";
            var name = Read<string>(feature, "name", where);
            var kind = FeatureKinds.Parse(Read<string>(feature, "kind", where)).Kind;
            if (feature["inputs"] is not JsonArray inputs) throw new FeatureDefinitionException($"{where} ('{name}') lacks 'inputs'");
            var definition = new FeatureDefinition(name, kind, inputs.Select(n => n?.GetValue<string>() ?? "").ToArray(), Read<int>(feature, "window", where));
            definition.Validate();
            definitions.Add(definition);
        }
        return new FeatureSet(definitions, time);
    }

    private static T Read<T>(JsonObject obj, string key, string where)
    {
        try
        {
            return obj[key] is { } node ? node.GetValue<T>() : throw new FeatureDefinitionException($"{where} lacks '{key}'");
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new FeatureDefinitionException($"{where}: '{key}' has the wrong type ({e.Message})");
        }
    }
}
