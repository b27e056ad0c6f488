using Pipelines.Engine.Catalog;

namespace Pipelines.Engine.Schema;

/// <summary>
/// The generated schema files kept in the repository (<c>schemas/</c>): written by a command, checked by a
/// test so that a new or changed step type cannot ship with a stale schema.
/// </summary>
public static class SchemaFiles
{
    public const string PipelineFileName = "pipeline.schema.json";
    public const string SettingsFileName = "ml.schema.json";

    /// <summary>File name to expected content, in a fixed order.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Generate(StepCatalog catalog) =>
    [
        new(PipelineFileName, JsonSchemaGenerator.Pipeline(catalog)),
        new(SettingsFileName, JsonSchemaGenerator.Settings()),
    ];

    /// <summary>Writes the files whose content differs; returns their full paths.</summary>
    public static IReadOnlyList<string> Write(string directory, StepCatalog catalog)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        foreach (var (name, content) in Generate(catalog))
        {
            var path = Path.GetFullPath(Path.Combine(directory, name));
            if (File.Exists(path) && File.ReadAllText(path) == content) continue;
            File.WriteAllText(path, content);
            written.Add(path);
        }
        return written;
    }

    /// <summary>Full paths of the files that are missing or differ from what the catalogue generates.</summary>
    public static IReadOnlyList<string> Check(string directory, StepCatalog catalog) =>
        Generate(catalog)
            .Select(file => (Path: Path.GetFullPath(Path.Combine(directory, file.Key)), Content: file.Value))
            .Where(file => !File.Exists(file.Path) || File.ReadAllText(file.Path) != file.Content)
            .Select(file => file.Path)
            .ToList();
}
