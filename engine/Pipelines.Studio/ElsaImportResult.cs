namespace Pipelines.Studio;

/// <summary>A workflow definition turned back into a pipeline: canonical YAML plus the designer's node positions.</summary>
public sealed class ElsaImportResult
{
    public required string PipelineName { get; init; }
    public required string Yaml { get; init; }

    /// <summary>Positions the definition carried, by step id.</summary>
    public required IReadOnlyDictionary<string, DesignerPosition> Positions { get; init; }

    /// <summary>The layered layout of the imported pipeline; a sidecar is only needed where positions differ.</summary>
    public required IReadOnlyDictionary<string, DesignerPosition> DefaultPositions { get; init; }
}
