using Pipelines.Engine.Execution.Cluster;
using Pipelines.Engine.Storage;
using Pipelines.Engine.Triggers;
using Pipelines.Service.Scheduling;

namespace Pipelines.Service.Api.Runs;

/// <summary>
/// What started a run: its kind (<c>manual</c>, <c>schedule</c>, <c>event</c>), the instant a schedule fired for, the
/// event that fired it, and the firing's idempotency key; only the kind for a run the CLI started.
/// </summary>
public sealed record RunTrigger(string Kind, DateTimeOffset? ScheduledTime, string? EventId, string? FiringKey);

/// <summary>
/// One run in a list. <see cref="Status"/> is one of <c>queued running succeeded failed cancelled interrupted</c>; a
/// queued run has not started, so it has no start time yet.
/// </summary>
public sealed record RunSummary(
    string Id, string Pipeline, string Status, RunTrigger Trigger, string? PipelineFile, DateTime? StartedAt, DateTime? FinishedAt,
    string? GitCommit, bool? GitDirty, string? Error);

public sealed record RunList(IReadOnlyList<RunSummary> Items);

/// <summary>An artifact a step produced, under the output that names it.</summary>
public sealed record ArtifactView(string Output, string Sha256, string Kind, string Format, long Bytes);

/// <summary>
/// One step of a run as the store last recorded it. <see cref="Attempt"/> is which delivery of a cluster step the record
/// comes from (2 or more: a node died mid-step and another ran it again); null for a run in one process. A cluster step
/// queued and not yet started has the status <c>queued</c> and a message saying what it waits for.
/// </summary>
public sealed record StepView(
    string Id, string Type, string Status, int Attempts, DateTime? StartedAt, DateTime? FinishedAt, double? DurationMs, string? Message,
    string? OutputsJson, string? CachedFromRun, IReadOnlyList<ArtifactView> Artifacts, string? Node = null, int? Attempt = null);

/// <summary>One run in full: where it came from, what started it, and each step's outcome.</summary>
public sealed record RunDetails(
    string Id, string Pipeline, string Status, RunTrigger Trigger, IReadOnlyList<StepView> Steps,
    string? PipelineFile, string? PipelineSha256, string ParamsJson, string? GitCommit, bool? GitDirty, DateTime? StartedAt, DateTime? FinishedAt,
    string? Host, int? Pid, bool Forced, int Resumes, string? Error);

public static class RunViews
{
    public const string Queued = "queued";

    public static RunTrigger TriggerOf(FiringRecord? firing) => firing is null
        ? new RunTrigger(TriggerContext.ManualKind, null, null, null)
        : new RunTrigger(firing.Kind, firing.ScheduledTime is { } t ? new DateTimeOffset(t, TimeSpan.Zero) : null, firing.EventId, firing.Key);

    public static RunSummary Summary(RunRecord run, FiringRecord? firing) => new(
        run.RunId, run.Pipeline, StatusText.Of(run.Status), TriggerOf(firing), run.PipelineFile, run.StartedAt, run.FinishedAt, run.GitCommit, run.GitDirty,
        run.Error);

    public static RunSummary Summary(FiringRecord queued) => new(
        queued.RunId!, queued.Pipeline, Queued, TriggerOf(queued), null, null, null, null, null, null);

    public static RunDetails Details(RunRecord run, FiringRecord? firing, PipelineStore store) => new(
        run.RunId, run.Pipeline, StatusText.Of(run.Status), TriggerOf(firing),
        [
            .. store.StepRuns(run.RunId).Select(step => new StepView(
                step.StepId, step.StepType, StatusText.Of(step.Status), step.Attempts, step.StartedAt, step.FinishedAt, step.DurationMs, step.Message,
                step.OutputsJson, step.CachedFromRun,
                store.OutputArtifacts(run.RunId, step.StepId).Select(o => new ArtifactView(o.Output, o.Artifact.Sha256, o.Artifact.Kind, o.Artifact.Format, o.Artifact.Bytes)).ToList(),
                step.Node, step.Attempt)),
            .. QueuedClusterSteps(run, store),
        ],
        run.PipelineFile, run.PipelineSha256, run.ParamsJson, run.GitCommit, run.GitDirty, run.StartedAt, run.FinishedAt, run.Host, run.Pid, run.Forced,
        run.Resumes, run.Error);

    /// <summary>Steps of a running cluster run that are queued and not started anywhere yet, with what each waits for.</summary>
    private static IEnumerable<StepView> QueuedClusterSteps(RunRecord run, PipelineStore store)
    {
        if (!store.Dialect.IsPostgres || run.Status != RunStatus.Running) return [];
        var waiting = ClusterRuns.Dispatch(store, run.RunId).Where(d => d.Deliveries == 0 && !d.IsCompleted).ToList();
        if (waiting.Count == 0) return [];
        var labels = ClusterNodes.LiveLabels(store);
        return waiting.Select(d => new StepView(d.StepId, "", QueuedStep, 0, null, null, null, ClusterNodes.Waiting(d, labels), null, null, []));
    }

    public const string QueuedStep = "queued";

    public static RunDetails Details(FiringRecord queued) => new(
        queued.RunId!, queued.Pipeline, Queued, TriggerOf(queued), [], null, null, queued.ParamsJson, null, null, null, null, null, null, false, 0, null);
}
