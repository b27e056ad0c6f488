namespace Pipelines.Engine.Catalog;

/// <summary>The shapes of value a step input, output or setting can take.</summary>
public enum ValueKind
{
    String,
    Integer,
    Number,
    Boolean,
    Duration,
    Enum,
    Artifact,
    Path,
    List,
    Map,
    Object,
}
