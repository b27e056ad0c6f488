using Pipelines.Abstractions;

namespace Pipelines.Engine.Tests.Schema;

public sealed record KindsInputs
{
    [Input("Upstream table.", Example = "${{ steps.bars.outputs.table }}")]
    public required Artifact Table { get; init; }

    [Input("How many rows.")]
    public required int Count { get; init; }

    [Input("Share of rows kept.")]
    public double Fraction { get; init; } = 0.25;

    [Input("Whether to shuffle.")]
    public bool Shuffle { get; init; } = true;

    [Input("Longest wait.")]
    public TimeSpan Wait { get; init; } = TimeSpan.FromMinutes(90);

    [Input("Which side.")]
    public KindsSide Side { get; init; } = KindsSide.LongOnly;

    [Input("A file in the workspace.")]
    public WorkspacePath? Source { get; init; }

    [Input("A label.", UIHint = "singleline")]
    public string Label { get; init; } = "none";

    [Input("Columns to keep.")]
    public IReadOnlyList<string> Columns { get; init; } = ["a", "b"];

    [Input("Weights by column.")]
    public IReadOnlyDictionary<string, double>? Weights { get; init; }

    [Input("Limits to apply.")]
    public KindsLimits Limits { get; init; } = new() { Min = 1 };
}
