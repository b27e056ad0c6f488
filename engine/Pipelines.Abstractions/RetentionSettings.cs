using System.Globalization;

namespace Pipelines.Abstractions;

/// <summary>
/// How long the store keeps what piles up (the <c>retention:</c> section of ml.yaml): the registry's version limit and
/// the ages past which the <c>registry/retention</c> step deletes or archives. One policy in one place; versions an alias
/// names (champion, challenger, custom) are never touched by any of it.
/// </summary>
public sealed record RetentionSettings
{
    /// <summary>What <see cref="MaxVersions"/> is when neither <c>retention.max_versions</c> nor the older <c>registry.max_versions</c> says.</summary>
    public const int DefaultMaxVersions = 20;

    [Input("Versions kept per model; at registration, the oldest versions with no alias beyond this are pruned (their audit rows stay). Replaces registry.max_versions, which older files may still use.")]
    public int? MaxVersions { get; init; }

    [Input("Days shadow predictions are kept, by the time they were recorded; 0 keeps them forever.")]
    public int ShadowDays { get; init; } = 90;

    [Input("Days live decisions and their explanations are kept, by the trade's time; 0 keeps them forever.")]
    public int DecisionDays { get; init; }

    [Input("Days after its retirement a version's model file is archived: moved out of the artifact store into the store's archive directory, listed in its manifest; the version stays, with stage archived. 0 never archives.")]
    public int ArchiveRetiredDays { get; init; } = 180;

    /// <summary>Every rule the values break, as (snake_case key, problem); empty when they are usable.</summary>
    public IReadOnlyList<(string Key, string Problem)> Problems()
    {
        var problems = new List<(string, string)>();
        if (MaxVersions is < 1) problems.Add(("max_versions", Text($"must be at least 1, got {MaxVersions}")));
        if (ShadowDays < 0) problems.Add(("shadow_days", Text($"must be 0 (keep forever) or more, got {ShadowDays}")));
        if (DecisionDays < 0) problems.Add(("decision_days", Text($"must be 0 (keep forever) or more, got {DecisionDays}")));
        if (ArchiveRetiredDays < 0) problems.Add(("archive_retired_days", Text($"must be 0 (never archive) or more, got {ArchiveRetiredDays}")));
        return problems;
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
