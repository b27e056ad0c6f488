using Pipelines.Engine.Catalog;
using Pipelines.Engine.Model;

namespace Pipelines.Engine.Planning;

/// <summary>A step with its type resolved and its dependencies (from <c>needs</c> and from references) known.</summary>
public sealed class PlannedStep
{
    public required StepDefinition Definition { get; init; }
    public required StepDescriptor Descriptor { get; init; }
    public required IReadOnlyList<string> DependsOn { get; init; }

    /// <summary>Length of the longest dependency chain before this step (0 for roots); steps of a level can run together.</summary>
    public required int Level { get; init; }

    public string Id => Definition.Id;
}
