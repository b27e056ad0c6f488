using Pipelines.Engine.Model;
using Pipelines.Engine.Planning;

namespace Pipelines.Studio;

/// <summary>
/// The DAG of a parsed pipeline as the designer draws it: an edge for every <c>needs</c> entry and every
/// <c>${{ steps.X... }}</c> reference, and each step's level (longest chain before it) for the layered layout.
/// Unlike the compiler it needs no catalogue or workspace, so a pipeline that does not compile still opens.
/// </summary>
public sealed class PipelineGraph
{
    public required IReadOnlyList<(string From, string To)> Edges { get; init; }
    public required IReadOnlyDictionary<string, int> Levels { get; init; }

    public static PipelineGraph Of(PipelineDefinition definition)
    {
        var edges = new List<(string, string)>();
        var dependencies = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var step in definition.Steps)
        {
            var sources = new List<string>();
            foreach (var need in step.Needs)
                if (need.Value != step.Id && definition.FindStep(need.Value) is not null && !sources.Contains(need.Value)) sources.Add(need.Value);
            foreach (var target in ReferencedSteps(step))
                if (target != step.Id && definition.FindStep(target) is not null && !sources.Contains(target)) sources.Add(target);
            dependencies[step.Id] = sources;
            edges.AddRange(sources.Select(source => (source, step.Id)));
        }
        var levels = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var step in definition.Steps) LevelOf(step.Id, dependencies, levels, new HashSet<string>(StringComparer.Ordinal));
        return new PipelineGraph { Edges = edges, Levels = levels };
    }

    /// <summary>Ids of the steps that <paramref name="step"/> reads outputs of, in the order they are written.</summary>
    public static IEnumerable<string> ReferencedSteps(StepDefinition step) =>
        StepReferences.In(step).Select(r => r.Reference.Path).Where(p => p is ["steps", _, ..]).Select(p => p[1]).Distinct();

    private static int LevelOf(string id, Dictionary<string, List<string>> dependencies, Dictionary<string, int> levels, HashSet<string> visiting)
    {
        if (levels.TryGetValue(id, out var known)) return known;
        // A cycle is the compiler's to report; here it only must not recurse forever.
        if (!visiting.Add(id)) return 0;
        var level = 0;
        foreach (var source in dependencies[id]) level = Math.Max(level, LevelOf(source, dependencies, levels, visiting) + 1);
        visiting.Remove(id);
        levels[id] = level;
        return level;
    }
}
