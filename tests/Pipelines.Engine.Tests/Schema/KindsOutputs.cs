using Pipelines.Abstractions;

namespace Pipelines.Engine.Tests.Schema;

public sealed record KindsOutputs
{
    [Output("The table, unchanged.")]
    public required Artifact Table { get; init; }

    [Output("The count.")]
    public required int Count { get; init; }
}
