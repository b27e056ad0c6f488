using Pipelines.Abstractions;

namespace Pipelines.Steps.Registry;

public sealed record RetentionInputs
{
    [Input("List what would be deleted or archived, and change nothing.")]
    public bool DryRun { get; init; }

    // The ages default to ml.yaml's retention: section (see RetentionSettings); a value here overrides it for this step.
    [Input("Days shadow predictions are kept; default ml.yaml retention.shadow_days (90); 0 keeps them.")]
    public int? ShadowDays { get; init; }

    [Input("Days decisions are kept; default ml.yaml retention.decision_days (0: forever).")]
    public int? DecisionDays { get; init; }

    [Input("Days after retirement a version's model file is archived; default ml.yaml retention.archive_retired_days (180); 0 never archives.")]
    public int? ArchiveRetiredDays { get; init; }

    [Input("Why, for the audit trail.")]
    public string Reason { get; init; } = "scheduled retention";

    /// <summary>The policy this step applies: its own ages where set, ml.yaml's retention: section otherwise.</summary>
    public RetentionSettings Policy(RetentionSettings workspace) => workspace with
    {
        ShadowDays = ShadowDays ?? workspace.ShadowDays,
        DecisionDays = DecisionDays ?? workspace.DecisionDays,
        ArchiveRetiredDays = ArchiveRetiredDays ?? workspace.ArchiveRetiredDays,
    };
}
