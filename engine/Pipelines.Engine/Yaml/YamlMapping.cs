using Pipelines.Engine.Diagnostics;

namespace Pipelines.Engine.Yaml;

/// <summary>A mapping with its keys in source order; the loader has already rejected duplicate keys.</summary>
public sealed class YamlMapping(SourceLocation location, List<KeyValuePair<YamlScalar, YamlNode>> entries, bool isFlow)
    : YamlNode(location)
{
    public List<KeyValuePair<YamlScalar, YamlNode>> Entries { get; } = entries;
    public bool IsFlow { get; } = isFlow;
    public override string KindName => "mapping";

    public YamlNode? Get(string key)
    {
        foreach (var (k, v) in Entries)
            if (k.Value == key) return v;
        return null;
    }

    public YamlScalar? GetKey(string key)
    {
        foreach (var (k, _) in Entries)
            if (k.Value == key) return k;
        return null;
    }
}
