using Pipelines.Engine.Model;

namespace Pipelines.Engine.Planning;

/// <summary>A pipeline that passed every check and is ready to run: steps in a topological order.</summary>
public sealed class CompiledPipeline
{
    public required PipelineDefinition Definition { get; init; }
    public required IReadOnlyList<PlannedStep> Steps { get; init; }
    public required IReadOnlyDictionary<string, object?> Parameters { get; init; }
    public required string WorkspaceRoot { get; init; }

    public PlannedStep Step(string id) => Steps.First(s => s.Id == id);

    /// <summary>Every step that transitively depends on <paramref name="id"/>.</summary>
    public IEnumerable<PlannedStep> Downstream(string id)
    {
        var affected = new HashSet<string> { id };
        foreach (var step in Steps)
            if (step.DependsOn.Any(affected.Contains)) affected.Add(step.Id);
        return Steps.Where(s => s.Id != id && affected.Contains(s.Id));
    }
}
