namespace Pipelines.Abstractions;

/// <summary>What a retention pass removed, or would remove on a dry run.</summary>
/// <param name="ShadowRows">Shadow predictions deleted (or that would be).</param>
/// <param name="DecisionRows">Decisions deleted (or that would be), with their explanations.</param>
/// <param name="Archived">Model versions whose files were archived (or would be), as "name vN".</param>
/// <param name="Actions">
/// One line per change, as the audit trail records it; and one per retired file old enough to archive that is kept
/// because a version in use needs it (an ensemble naming its member), saying which.
/// </param>
public sealed record RetentionReport(long ShadowRows, long DecisionRows, IReadOnlyList<string> Archived, IReadOnlyList<string> Actions);
