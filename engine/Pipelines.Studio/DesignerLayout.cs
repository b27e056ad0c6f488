using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipelines.Studio;

/// <summary>
/// Node positions are presentation, not pipeline: they live in a sidecar <c>.layout/NAME.json</c> beside the
/// pipeline file (e.g. <c>pipelines/.layout/toxicity.json</c>), never in the reviewed YAML. Without a sidecar
/// the designer gets a layered layout: one column per DAG level, steps of a level stacked in file order.
/// </summary>
public static class DesignerLayout
{
    public const double ColumnWidth = 320;
    public const double RowHeight = 140;
    public const string DirectoryName = ".layout";

    public static string SidecarPath(string pipelineFile) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(pipelineFile))!, DirectoryName, Path.GetFileNameWithoutExtension(pipelineFile) + ".json");

    public static Dictionary<string, DesignerPosition> Layered(IEnumerable<string> stepIdsInFileOrder, IReadOnlyDictionary<string, int> levels)
    {
        var result = new Dictionary<string, DesignerPosition>(StringComparer.Ordinal);
        var rows = new Dictionary<int, int>();
        foreach (var id in stepIdsInFileOrder)
        {
            var level = levels.GetValueOrDefault(id);
            var row = rows.GetValueOrDefault(level);
            rows[level] = row + 1;
            result[id] = new DesignerPosition(level * ColumnWidth, row * RowHeight);
        }
        return result;
    }

    /// <summary>The saved positions, or an empty map when there is no sidecar.</summary>
    public static Dictionary<string, DesignerPosition> Read(string pipelineFile)
    {
        var path = SidecarPath(pipelineFile);
        var result = new Dictionary<string, DesignerPosition>(StringComparer.Ordinal);
        if (!File.Exists(path)) return result;
        JsonNode? root;
        try { root = JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new InvalidOperationException($"layout file {path} is not valid JSON: {e.Message}"); }
        if (root?["positions"] is not JsonObject positions)
            throw new InvalidOperationException($"layout file {path} has no 'positions' object");
        foreach (var (id, value) in positions)
        {
            if (!YamlJson.TryGetNumber(value?["x"], out var px) || !YamlJson.TryGetNumber(value?["y"], out var py))
                throw new InvalidOperationException($"layout file {path}: position of '{id}' needs numeric 'x' and 'y'");
            result[id] = new DesignerPosition(px, py);
        }
        return result;
    }

    /// <summary>
    /// Saves the positions a designer sent; when they are just the default layout the sidecar is removed, so
    /// untouched pipelines carry no layout file.
    /// </summary>
    public static void Write(string pipelineFile, IReadOnlyDictionary<string, DesignerPosition> positions, IReadOnlyDictionary<string, DesignerPosition> defaults)
    {
        var path = SidecarPath(pipelineFile);
        var isDefault = positions.Count == defaults.Count && positions.All(p => defaults.TryGetValue(p.Key, out var d) && Near(d, p.Value));
        if (isDefault)
        {
            if (File.Exists(path)) File.Delete(path);
            return;
        }
        var json = new JsonObject();
        foreach (var (id, position) in positions.OrderBy(p => p.Key, StringComparer.Ordinal))
            json[id] = new JsonObject { ["x"] = position.X, ["y"] = position.Y };
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var text = new JsonObject { ["positions"] = json }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }

    private static bool Near(DesignerPosition a, DesignerPosition b) => Math.Abs(a.X - b.X) < 0.5 && Math.Abs(a.Y - b.Y) < 0.5;
}
