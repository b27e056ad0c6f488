using Pipelines.Engine.Diagnostics;

namespace Pipelines.Engine.Yaml;

/// <summary>
/// A YAML value that remembers where it was written. The engine keeps its own small tree (rather than
/// YamlDotNet's representation model) so that every error can point at a line and column and comments
/// survive canonical formatting.
/// </summary>
public abstract class YamlNode(SourceLocation location)
{
    public SourceLocation Location { get; } = location;

    /// <summary>Whole-line comments written just above this node (without the leading '#').</summary>
    public List<string> LeadingComments { get; } = [];

    /// <summary>A comment written after this node on the same line.</summary>
    public string? TrailingComment { get; set; }

    /// <summary>A short human description of the node kind for error messages.</summary>
    public abstract string KindName { get; }
}
