using System.Text.Json;
using Pipelines.Abstractions;
using Pipelines.Engine.Storage;

namespace Pipelines.Service.Api.Models;

/// <summary>One model in the list: who is champion and challenger, how many versions it has, and its newest version and that version's stage.</summary>
public sealed record ModelSummary(
    string Name, int? Champion, int? Challenger, int Versions, DateTime? LatestRegisteredAt, int? LatestVersion = null, string? LatestStage = null);

public sealed record ModelListResponse(IReadOnlyList<ModelSummary> Items);

/// <summary>One registered version: its stage, aliases, metrics as recorded at registration and where it came from.</summary>
public sealed record ModelVersionResponse(
    string Name, int Version, string Stage, IReadOnlyList<string> Aliases, JsonElement? Metrics, string ArtifactSha256, long ArtifactBytes,
    string? TrainingDataSha256, string? RunId, string? StepId, string? GitCommit, DateTime CreatedAt, string? ParentModel = null, int? ParentVersion = null)
{
    public static ModelVersionResponse From(ModelVersion version) => new(
        version.Name, version.Version, version.Stage, version.Aliases, ParseJson(version.MetricsJson), version.Model.Sha256, version.Model.Bytes,
        version.TrainingDataSha256, version.RunId, version.StepId, version.GitCommit, version.CreatedAt, version.Parent?.Name, version.Parent?.Version);

    private static JsonElement? ParseJson(string? json)
    {
        if (string.IsNullOrEmpty(json)) return null;
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}

/// <summary>One audited change in the registry.</summary>
public sealed record ModelTransitionResponse(
    int Version, string Action, string? FromStage, string? ToStage, string? Alias, string? Reason, string Actor, string? RunId, DateTime At, string? GitCommit = null)
{
    public static ModelTransitionResponse From(ModelTransition t) => new(t.Version, t.Action, t.FromStage, t.ToStage, t.Alias, t.Reason, t.Actor, t.RunId, t.At, t.GitCommit);
}

/// <summary>A model: its versions, oldest first, and its audit trail, oldest first.</summary>
public sealed record ModelDetailResponse(
    string Name, int? Champion, int? Challenger, IReadOnlyList<ModelVersionResponse> Versions, IReadOnlyList<ModelTransitionResponse> Transitions);

/// <summary>
/// A change asked of the registry. <c>promote</c> needs the version and points <see cref="Alias"/> (champion when
/// absent) at it; <c>rollback</c> points the alias back at what it named before, and when a version is given it must
/// be the one the alias names now (so two people rolling back at once do not undo two promotions); <c>retire</c>
/// needs the version. The reason is recorded in the audit trail with the caller.
/// </summary>
public sealed record RegistryChangeRequest(int? Version, string? Reason, string? Alias);

/// <summary>The version the change left the alias on (promote, rollback) or the version retired.</summary>
public sealed record RegistryChangeResponse(string Action, string? Alias, ModelVersionResponse Version);

/// <summary>One realised-performance check of a model: a <c>performance.checked</c> or <c>performance.degraded</c> event.</summary>
public sealed record PerformancePoint(DateTime Time, string Type, string? RunId, JsonElement Payload);

/// <summary>The query of <c>GET /api/v1/models/{name}/performance</c>: how many days back (30 when absent).</summary>
public sealed record PerformanceRequest(string? Days);

public sealed record PerformanceHistoryResponse(string Model, int Days, IReadOnlyList<PerformancePoint> Items);

internal static class ModelAliases
{
    public static int? Holder(IEnumerable<ModelVersion> versions, string alias) =>
        versions.FirstOrDefault(v => v.Aliases.Contains(alias, StringComparer.Ordinal))?.Version;

    public static int? Champion(IReadOnlyList<ModelVersion> versions) => Holder(versions, ModelRegistry.Champion);

    public static int? Challenger(IReadOnlyList<ModelVersion> versions) => Holder(versions, ModelRegistry.Challenger);
}
