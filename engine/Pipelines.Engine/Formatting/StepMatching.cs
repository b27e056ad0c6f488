using Pipelines.Engine.Model;

namespace Pipelines.Engine.Formatting;

/// <summary>
/// Pairs the steps of two versions of a pipeline: by id, and a removed step with an added one of the same
/// <c>uses</c> and <c>with</c> as a rename.
/// </summary>
internal sealed class StepMatching
{
    public required IReadOnlyList<StepDefinition> Added { get; init; }
    public required IReadOnlyList<StepDefinition> Removed { get; init; }
    public required IReadOnlyList<(StepDefinition Before, StepDefinition After)> Renamed { get; init; }

    /// <summary>Steps present in both versions (same id or renamed), in the new version's order.</summary>
    public required IReadOnlyList<(StepDefinition Before, StepDefinition After)> Pairs { get; init; }

    public static StepMatching Match(PipelineDefinition before, PipelineDefinition after)
    {
        var oldIds = before.Steps.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var newIds = after.Steps.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var added = after.Steps.Where(s => !oldIds.Contains(s.Id)).ToList();
        var removed = before.Steps.Where(s => !newIds.Contains(s.Id)).ToList();
        var renamed = new List<(StepDefinition, StepDefinition)>();
        foreach (var old in removed.ToList())
        {
            var match = added.FirstOrDefault(s => s.Uses == old.Uses && YamlValues.SameInputs(old.With, s.With));
            if (match is null) continue;
            renamed.Add((old, match));
            added.Remove(match);
            removed.Remove(old);
        }
        var pairs = new List<(StepDefinition, StepDefinition)>();
        foreach (var step in after.Steps)
        {
            if (before.FindStep(step.Id) is { } same) pairs.Add((same, step));
            else if (renamed.FirstOrDefault(r => r.Item2 == step) is { Item1: not null } rename) pairs.Add(rename);
        }
        return new StepMatching { Added = added, Removed = removed, Renamed = renamed, Pairs = pairs };
    }
}
