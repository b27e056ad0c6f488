using System.Text.Json.Nodes;
using Pipelines.Engine.Storage;

namespace Pipelines.Studio;

/// <summary>
/// Runs from the store, shaped as Elsa workflow instances and activity executions, so Studio's instance viewer
/// shows which steps ran, were cached or failed. The store is the service's own when it runs one, and otherwise opened
/// per request and released at once, so runs can proceed while the designer is open.
/// </summary>
public sealed class WorkflowInstanceService(StudioOptions options)
{
    private readonly StoreAccess _store = options.StoreAccess;

    private T WithStore<T>(Func<PipelineStore, T> read, T whenMissing) => _store.Use(read, whenMissing);

    public IReadOnlyList<RunRecord> Runs(int limit) => WithStore(s => s.ListRuns(limit), []);

    public (RunRecord Run, IReadOnlyList<StepRunRecord> Steps)? Find(string runId) =>
        WithStore<(RunRecord, IReadOnlyList<StepRunRecord>)?>(s => s.FindRun(runId) is { } run && run.RunId == runId ? (run, s.StepRuns(run.RunId)) : null, null);

    public static string DefinitionIdOf(RunRecord run) => Path.GetFileNameWithoutExtension(run.PipelineFile);

    public static string NodeIdOf(string stepId) => $"{ElsaWorkflowExporter.WorkflowNodeId}:{ElsaWorkflowExporter.FlowchartId}:{stepId}";

    public static (string Status, string SubStatus) StatusOf(RunStatus status) => status switch
    {
        RunStatus.Running => ("Running", "Executing"),
        RunStatus.Succeeded => ("Finished", "Finished"),
        RunStatus.Failed => ("Finished", "Faulted"),
        // Left unfinished by a process that ended; it waits for a resume, as a suspended Elsa workflow waits.
        RunStatus.Interrupted => ("Running", "Suspended"),
        _ => ("Finished", "Cancelled"),
    };

    public static JsonObject Summary(RunRecord run)
    {
        var (status, subStatus) = StatusOf(run.Status);
        var definitionId = DefinitionIdOf(run);
        return new JsonObject
        {
            ["id"] = run.RunId,
            ["definitionId"] = definitionId,
            ["definitionVersionId"] = ElsaWorkflowExporter.VersionId(definitionId, run.PipelineText),
            ["version"] = 1,
            ["status"] = status,
            ["subStatus"] = subStatus,
            ["correlationId"] = null,
            ["name"] = run.Pipeline,
            ["incidentCount"] = run.Status == RunStatus.Failed ? 1 : 0,
            ["createdAt"] = Utc(run.StartedAt),
            ["updatedAt"] = Utc(run.FinishedAt ?? run.StartedAt),
            ["finishedAt"] = run.FinishedAt is { } f ? Utc(f) : null,
        };
    }

    public static JsonObject Model(RunRecord run)
    {
        var model = Summary(run);
        model["parentWorkflowInstanceId"] = null;
        model["isExecuting"] = run.Status == RunStatus.Running;
        model["isSystem"] = false;
        model["workflowState"] = new JsonObject
        {
            ["id"] = run.RunId,
            ["definitionId"] = model["definitionId"]!.DeepClone(),
            ["definitionVersionId"] = model["definitionVersionId"]!.DeepClone(),
            ["definitionVersion"] = 1,
            ["status"] = model["status"]!.DeepClone(),
            ["subStatus"] = model["subStatus"]!.DeepClone(),
            ["bookmarks"] = new JsonArray(),
            ["incidents"] = run.Error is null ? new JsonArray() : new JsonArray(new JsonObject { ["message"] = run.Error }),
            ["completionCallbacks"] = new JsonArray(),
            ["activityExecutionContexts"] = new JsonArray(),
            ["input"] = new JsonObject(),
            ["output"] = new JsonObject(),
            ["properties"] = new JsonObject(),
            ["createdAt"] = model["createdAt"]!.DeepClone(),
            ["updatedAt"] = model["updatedAt"]!.DeepClone(),
            ["finishedAt"] = model["finishedAt"]?.DeepClone(),
        };
        return model;
    }

    /// <summary>Per-node counts for the viewer's badges: cached and succeeded steps count as completed.</summary>
    public static JsonObject Stat(StepRunRecord step) => new()
    {
        ["activityId"] = step.StepId,
        ["activityNodeId"] = NodeIdOf(step.StepId),
        ["startedCount"] = step.Status is StepStatus.Pending or StepStatus.Skipped ? 0 : 1,
        ["completedCount"] = step.Status is StepStatus.Succeeded or StepStatus.Cached ? 1 : 0,
        ["uncompletedCount"] = step.Status is StepStatus.Running ? 1 : 0,
        ["isBlocked"] = false,
        ["isFaulted"] = step.Status == StepStatus.Failed,
    };

    public static JsonObject Execution(RunRecord run, StepRunRecord step) => new()
    {
        ["id"] = $"{run.RunId}:{step.StepId}",
        ["workflowInstanceId"] = run.RunId,
        ["activityId"] = step.StepId,
        ["activityNodeId"] = NodeIdOf(step.StepId),
        ["activityType"] = ElsaNames.ActivityType(step.StepType),
        ["activityTypeVersion"] = step.StepVersion,
        ["activityName"] = step.StepId,
        ["activityState"] = Parse(step.InputsJson),
        ["payload"] = new JsonObject { ["cachedFromRun"] = step.CachedFromRun, ["attempts"] = step.Attempts, ["status"] = step.Status.ToString() },
        ["outputs"] = Parse(step.OutputsJson),
        ["properties"] = new JsonObject(),
        ["metadata"] = new JsonObject(),
        ["exception"] = step.Status == StepStatus.Failed && step.Message is not null ? new JsonObject { ["message"] = step.Message, ["type"] = "StepFailure" } : null,
        ["startedAt"] = step.StartedAt is { } s ? Utc(s) : Utc(run.StartedAt),
        ["hasBookmarks"] = false,
        ["status"] = step.Status switch
        {
            StepStatus.Succeeded or StepStatus.Cached => "Completed",
            StepStatus.Failed => "Faulted",
            StepStatus.Cancelled or StepStatus.Skipped => "Canceled",
            _ => "Running",
        },
        ["aggregateFaultCount"] = step.Status == StepStatus.Failed ? 1 : 0,
        ["completedAt"] = step.FinishedAt is { } f ? Utc(f) : null,
    };

    /// <summary>The run's journal: a Started and a Completed or Faulted record per step that ran, in time order.</summary>
    public static IReadOnlyList<JsonObject> Journal(RunRecord run, IEnumerable<StepRunRecord> steps)
    {
        var events = new List<(DateTime At, StepRunRecord Step, string Event)>();
        foreach (var step in steps)
        {
            if (step.StartedAt is { } started) events.Add((started, step, "Started"));
            if (step.FinishedAt is { } finished && step.Status is StepStatus.Succeeded or StepStatus.Cached or StepStatus.Failed or StepStatus.Cancelled)
                events.Add((finished, step, step.Status switch { StepStatus.Failed => "Faulted", StepStatus.Cancelled => "Canceled", _ => "Completed" }));
        }
        var definitionId = DefinitionIdOf(run);
        return events.OrderBy(e => e.At).ThenBy(e => e.Event == "Started" ? 0 : 1).Select((e, i) => new JsonObject
        {
            ["id"] = $"{run.RunId}:{e.Step.StepId}:{e.Event}",
            ["workflowDefinitionId"] = definitionId,
            ["workflowDefinitionVersionId"] = ElsaWorkflowExporter.VersionId(definitionId, run.PipelineText),
            ["workflowInstanceId"] = run.RunId,
            ["workflowVersion"] = 1,
            ["activityInstanceId"] = $"{run.RunId}:{e.Step.StepId}",
            ["parentActivityInstanceId"] = null,
            ["activityId"] = e.Step.StepId,
            ["activityType"] = ElsaNames.ActivityType(e.Step.StepType),
            ["activityTypeVersion"] = e.Step.StepVersion,
            ["activityName"] = e.Step.StepId,
            ["nodeId"] = NodeIdOf(e.Step.StepId),
            ["timestamp"] = Utc(e.At),
            ["sequence"] = i,
            ["eventName"] = e.Event,
            ["message"] = e.Event == "Completed" && e.Step.Status == StepStatus.Cached ? $"cached from run {e.Step.CachedFromRun}" : e.Step.Message,
            ["source"] = null,
            ["activityState"] = null,
            ["payload"] = null,
        }).ToList();
    }

    private static JsonNode? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json)) return new JsonObject();
        try { return JsonNode.Parse(json); }
        catch (System.Text.Json.JsonException) { return JsonValue.Create(json); }
    }

    private static string Utc(DateTime time) => DateTime.SpecifyKind(time, DateTimeKind.Utc).ToString("O");
}
