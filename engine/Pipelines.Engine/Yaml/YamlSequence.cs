using Pipelines.Engine.Diagnostics;

namespace Pipelines.Engine.Yaml;

public sealed class YamlSequence(SourceLocation location, List<YamlNode> items, bool isFlow) : YamlNode(location)
{
    public List<YamlNode> Items { get; } = items;

    /// <summary>Whether the source wrote it as <c>[a, b]</c>; kept so that formatting respects short lists.</summary>
    public bool IsFlow { get; } = isFlow;

    public override string KindName => "sequence";
}
