using System.Text.Json.Nodes;
using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Formatting;
using Pipelines.Engine.Model;
using Pipelines.Engine.Parsing;
using Pipelines.Engine.Planning;
using Pipelines.Engine.Yaml;

namespace Pipelines.Studio;

/// <summary>
/// Workflow definitions backed by the YAML files: reading exports the file, saving imports the definition,
/// checks it as <c>pipelines validate</c> would, and only then rewrites the file canonically (and its layout sidecar).
/// </summary>
public sealed class WorkflowDefinitionService(StudioOptions options)
{
    private readonly PipelineFiles _files = new(options.PipelinesDirectory);
    private readonly Lock _saving = new();

    public PipelineFiles Files => _files;

    public PipelineDefinition Parse(string definitionId)
    {
        var path = _files.PathOf(definitionId);
        return PipelineParser.ParseText(path, YamlFileLoader.ReadFileText(path, options.MaxFileBytes));
    }

    /// <summary>The definition of a file, or null when there is none.</summary>
    public JsonObject? Find(string definitionId)
    {
        if (!_files.Exists(definitionId)) return null;
        var path = _files.PathOf(definitionId);
        return ElsaWorkflowExporter.Export(Parse(definitionId), options.Catalog, definitionId, DesignerLayout.Read(path), File.GetLastWriteTimeUtc(path));
    }

    /// <summary>The definition a run executed, rebuilt from the text the run recorded; null if unknown.</summary>
    public JsonObject? FromRunText(string definitionId, string pipelineFile, string text)
    {
        var definition = PipelineParser.ParseText(pipelineFile, text);
        var positions = _files.Exists(definitionId) ? DesignerLayout.Read(_files.PathOf(definitionId)) : [];
        return ElsaWorkflowExporter.Export(definition, options.Catalog, definitionId, positions, DateTimeOffset.UnixEpoch);
    }

    public static JsonObject Summary(JsonObject definition) => new()
    {
        ["id"] = definition["id"]?.DeepClone(),
        ["definitionId"] = definition["definitionId"]?.DeepClone(),
        ["name"] = definition["name"]?.DeepClone(),
        ["description"] = definition["description"]?.DeepClone(),
        ["version"] = 1,
        ["toolVersion"] = ElsaWorkflowExporter.ToolVersion,
        ["isLatest"] = true,
        ["isPublished"] = true,
        ["providerName"] = "Pipelines",
        ["materializerName"] = "Json",
        ["createdAt"] = definition["createdAt"]?.DeepClone(),
        ["isReadonly"] = false,
        ["isMaterializerAvailable"] = true,
    };

    /// <summary>
    /// Saves a definition sent by the designer. Returns the saved definition, or the problems found; on any
    /// problem the file and its sidecar are left exactly as they were.
    /// </summary>
    public (JsonObject? Definition, IReadOnlyList<Diagnostic> Errors) Save(JsonObject model)
    {
        var definitionId = model["definitionId"] is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : null;
        if (definitionId is null)
            return (null, [new Diagnostic(new SourceLocation("definition", 0, 0), ElsaWorkflowImporter.ErrorCode, "the definition has no 'definitionId'")]);
        try
        {
            lock (_saving)
            {
                var path = _files.PathOf(definitionId);
                var original = File.Exists(path) ? YamlFileLoader.ReadFileText(path, options.MaxFileBytes) : null;
                var schemaPath = CanonicalYamlWriter.RelativeSchemaPath(path, Path.Combine(options.WorkspaceRoot, "schemas", "pipeline.schema.json"));
                var result = ElsaWorkflowImporter.Import(model, options.Catalog, original, path, schemaPath);
                PipelineCompiler.Compile(PipelineParser.ParseText(path, result.Yaml), options.Catalog, options.WorkspaceRoot);
                if (result.Yaml != original) _files.Write(definitionId, result.Yaml);
                DesignerLayout.Write(path, result.Positions, result.DefaultPositions);
            }
            return (Find(definitionId), []);
        }
        catch (PipelineValidationException e)
        {
            return (null, e.Diagnostics);
        }
    }
}
