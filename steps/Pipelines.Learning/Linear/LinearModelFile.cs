using System.Text.Json;
using System.Text.Json.Nodes;
using Pipelines.Learning.Trees;

namespace Pipelines.Learning.Linear;

/// <summary>
/// The linear model file: a small JSON document
/// <c>{ "format": "pipelines-linear", "version": 1, "objective": "logistic"|"ridge", "l2", "features": [..],
/// "weights": [..], "intercept", "scaler": null | { "mean": [..], "scale": [..] }, "samples_seen",
/// "online": { "iterate": [..] } | { "gram": [[..]..], "moment": [..] } }</c>.
/// Loading checks every field and names the one at fault.
/// </summary>
public static class LinearModelFile
{
    public const string FormatName = "pipelines-linear";
    public const int Version = 1;

    public static void Save(LinearModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        File.WriteAllText(path, ToJson(model));
    }

    public static string ToJson(LinearModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var size = model.FeatureCount + 1;
        JsonObject online = model.Objective == LinearObjective.Ridge
            ? new JsonObject
            {
                ["gram"] = new JsonArray(Enumerable.Range(0, size).Select(r => (JsonNode)Numbers(model.Online.Gram!.AsSpan(r * size, size).ToArray())).ToArray()),
                ["moment"] = Numbers(model.Online.Moment!),
            }
            : new JsonObject { ["iterate"] = Numbers(model.Online.Iterate!) };
        var root = new JsonObject
        {
            ["format"] = FormatName,
            ["version"] = Version,
            ["objective"] = model.Objective == LinearObjective.Logistic ? "logistic" : "ridge",
            ["l2"] = model.L2,
            ["features"] = new JsonArray(model.FeatureNames.Select(f => (JsonNode)f).ToArray()),
            ["weights"] = Numbers(model.Weights),
            ["intercept"] = model.Intercept,
            ["scaler"] = model.Scaler is null ? null : new JsonObject { ["mean"] = Numbers(model.Scaler.Mean), ["scale"] = Numbers(model.Scaler.Scale) },
            ["samples_seen"] = model.SamplesSeen,
            ["online"] = online,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    public static LinearModel Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(File.ReadAllText(path), Path.GetFileName(path));
    }

    /// <summary>Whether a file starts like a linear model file (a JSON object), as opposed to a LightGBM model text.</summary>
    public static bool LooksLikeLinearModel(string path)
    {
        using var reader = new StreamReader(path);
        int c;
        while ((c = reader.Read()) >= 0 && char.IsWhiteSpace((char)c)) { }
        return c == '{';
    }

    public static LinearModel Parse(string json, string source = "linear model")
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject ?? throw Fail(source, "the document is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new ModelFormatException($"{source}: not valid JSON (line {e.LineNumber + 1}): {e.Message}", e);
        }
        var format = Text(root, "format", source);
        if (format != FormatName) throw Fail(source, $"field 'format' is '{format}', expected '{FormatName}'");
        var version = Number(root, "version", source);
        if (version != Version) throw Fail(source, $"field 'version' is {version}; this reader understands version {Version}");
        var objective = Text(root, "objective", source) switch
        {
            "logistic" => LinearObjective.Logistic,
            "ridge" => LinearObjective.Ridge,
            var other => throw Fail(source, $"field 'objective' is '{other}', expected 'logistic' or 'ridge'"),
        };
        var features = Array(root, "features", source).Select((f, i) =>
            f is JsonValue v && v.TryGetValue<string>(out var name) && name.Length > 0 ? name : throw Fail(source, $"features[{i}] is not a non-empty string")).ToList();
        if (features.Distinct(StringComparer.Ordinal).Count() != features.Count) throw Fail(source, "field 'features' names a feature twice");
        var width = features.Count;
        var weights = Vector(root, "weights", width, source);
        var intercept = Number(root, "intercept", source);
        var l2 = Number(root, "l2", source);
        if (l2 < 0) throw Fail(source, $"field 'l2' is {l2}; it must not be negative");
        var seen = Number(root, "samples_seen", source);
        if (seen < 0 || seen != Math.Floor(seen) || seen >= long.MaxValue) throw Fail(source, $"field 'samples_seen' is {seen}; it must be a whole number, not negative");

        FeatureScaler? scaler = null;
        if (root["scaler"] is JsonObject scalerNode)
        {
            var mean = Vector(scalerNode, "mean", width, source, "scaler.");
            var scale = Vector(scalerNode, "scale", width, source, "scaler.");
            for (var j = 0; j < width; j++)
                if (scale[j] <= 0) throw Fail(source, $"scaler.scale[{j}] is {scale[j]}; scales must be positive");
            scaler = new FeatureScaler(mean, scale);
        }
        else if (root["scaler"] is not null) throw Fail(source, "field 'scaler' must be null or an object with 'mean' and 'scale'");

        var onlineNode = root["online"] as JsonObject ?? throw Fail(source, "field 'online' is missing or not an object");
        LinearOnlineState online;
        if (objective == LinearObjective.Ridge)
        {
            var rows = Array(onlineNode, "gram", source, "online.");
            if (rows.Count != width + 1) throw Fail(source, $"online.gram has {rows.Count} rows, expected {width + 1}");
            var gram = new double[(width + 1) * (width + 1)];
            for (var r = 0; r < rows.Count; r++)
            {
                var row = rows[r] as JsonArray ?? throw Fail(source, $"online.gram[{r}] is not an array");
                if (row.Count != width + 1) throw Fail(source, $"online.gram[{r}] has {row.Count} entries, expected {width + 1}");
                for (var c = 0; c < row.Count; c++) gram[r * (width + 1) + c] = Element(row[c], $"online.gram[{r}][{c}]", source);
            }
            online = LinearOnlineState.ForRidge(gram, Vector(onlineNode, "moment", width + 1, source, "online."));
        }
        else
        {
            online = LinearOnlineState.ForLogistic(Vector(onlineNode, "iterate", width + 1, source, "online."));
        }
        return new LinearModel(objective, features, weights, intercept, scaler, l2, (long)seen, online);
    }

    private static JsonArray Numbers(double[] values) => new(values.Select(v => (JsonNode)v).ToArray());

    private static ModelFormatException Fail(string source, string message) => new($"{source}: {message}");

    private static string Text(JsonObject node, string field, string source) =>
        node[field] is JsonValue v && v.TryGetValue<string>(out var text) ? text : throw Fail(source, $"field '{field}' is missing or not a string");

    private static double Number(JsonObject node, string field, string source, string prefix = "") =>
        node.ContainsKey(field) ? Element(node[field], prefix + field, source) : throw Fail(source, $"field '{prefix}{field}' is missing");

    private static double Element(JsonNode? node, string where, string source) =>
        node is JsonValue v && v.TryGetValue<double>(out var number) && double.IsFinite(number) ? number : throw Fail(source, $"'{where}' is not a finite number");

    private static JsonArray Array(JsonObject node, string field, string source, string prefix = "") =>
        node[field] as JsonArray ?? throw Fail(source, $"field '{prefix}{field}' is missing or not an array");

    private static double[] Vector(JsonObject node, string field, int length, string source, string prefix = "")
    {
        var array = Array(node, field, source, prefix);
        if (array.Count != length) throw Fail(source, $"field '{prefix}{field}' has {array.Count} entries, expected {length}");
        var values = new double[length];
        for (var i = 0; i < length; i++) values[i] = Element(array[i], $"{prefix}{field}[{i}]", source);
        return values;
    }
}
