using Pipelines.Engine.Model;
using Pipelines.Engine.Parsing;
using Pipelines.Engine.Yaml;

namespace Pipelines.Engine.Formatting;

/// <summary>
/// What changed in <c>on:</c> and <c>concurrency:</c>, path by path (<c>schedule[0].cron</c>), so a reviewer
/// sees a pipeline will start at a different hour or on different events without reading the YAML.
/// </summary>
internal static class TriggerChanges
{
    public static List<ValueChange> Between(PipelineDefinition before, PipelineDefinition after)
    {
        var (oldOn, newOn) = (before.Root.Get("on") as YamlMapping, after.Root.Get("on") as YamlMapping);
        var changes = new List<ValueChange>();
        foreach (var key in TriggerParser.OnKeys)
            changes.AddRange(ValueChange.Between(key, oldOn?.Get(key), newOn?.Get(key)));
        changes.AddRange(ValueChange.Between("concurrency", before.Root.Get("concurrency"), after.Root.Get("concurrency")));
        return changes;
    }
}
