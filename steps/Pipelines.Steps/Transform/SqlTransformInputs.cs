using Pipelines.Abstractions;

namespace Pipelines.Steps.Transform;

public sealed record SqlTransformInputs
{
    [Input("Upstream tables, by the name the SQL uses for each.", Example = "{ bars: ${{ steps.bars.outputs.table }} }")]
    public required IReadOnlyDictionary<string, Artifact> Tables { get; init; }

    [Input("One DuckDB SELECT (or WITH ... SELECT) over the named tables.", UIHint = "code-editor")]
    public required string Sql { get; init; }
}
