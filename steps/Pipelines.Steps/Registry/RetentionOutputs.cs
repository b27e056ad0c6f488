using Pipelines.Abstractions;

namespace Pipelines.Steps.Registry;

public sealed record RetentionOutputs
{
    [Output("Shadow predictions deleted (or, on a dry run, that would be).")]
    public required long ShadowRows { get; init; }

    [Output("Decisions deleted with their explanations (or that would be).")]
    public required long DecisionRows { get; init; }

    [Output("Model versions whose files were archived (or would be), as \"name vN\".")]
    public required IReadOnlyList<string> Archived { get; init; }

    [Output("One line per change, as the audit trail records it.")]
    public required IReadOnlyList<string> Actions { get; init; }

    [Output("True when nothing was changed because dry_run was set.")]
    public required bool DryRun { get; init; }
}
