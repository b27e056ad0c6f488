using System.Text.Json;
using Pipelines.Engine.Planning;
using Pipelines.Engine.Storage;

namespace Pipelines.Engine.Execution.Cluster;

/// <summary>Starting and following runs whose steps the cluster's nodes run.</summary>
public static class ClusterRuns
{
    /// <summary>
    /// Records a cluster run and queues its first steps (those that depend on nothing) in one transaction, with the event
    /// announcing it; returns them, for the caller to hand to the cluster's scheduler. The run belongs to the cluster, not
    /// to the process that started it, so it carries no process id: no process's exit marks it interrupted.
    /// </summary>
    public static IReadOnlyList<PlannedStep> Start(PipelineStore store, CompiledPipeline pipeline, RunOptions options, string runId)
    {
        var definition = pipeline.Definition;
        var git = GitInfo.For(definition.File);
        var roots = pipeline.Steps.Where(s => s.DependsOn.Count == 0).ToList();
        store.InsertRun(new RunRecord(
                runId, definition.Name, Path.GetRelativePath(pipeline.WorkspaceRoot, Path.GetFullPath(definition.File)),
                PipelineRunner.Sha256(definition.SourceText), definition.SourceText, JsonSerializer.Serialize(options.ParameterOverrides), git.Commit, git.Dirty,
                RunStatus.Running, DateTime.UtcNow, null, Environment.MachineName, null, options.Force, 0, null),
            RunEvents.Start(definition.Name, runId, options.Trigger, resumed: false),
            connection =>
            {
                StepDispatch.LockRun(connection, runId);
                foreach (var step in roots) StepDispatch.Queue(connection, runId, step.Id, step.Definition.RunsOn);
            });
        return roots;
    }

    /// <summary>Every step of the run in <c>step_dispatch</c>: queued, delivered, completed.</summary>
    public static IReadOnlyList<StepDispatchRow> Dispatch(PipelineStore store, string runId) => store.Read(connection => StepDispatch.OfRun(connection, runId));

    /// <summary>
    /// Cancels a running cluster run: its status is decided here (once, by a conditional update), its queued steps are
    /// completed as cancelled when a node takes them, and steps already running finish and queue nothing more.
    /// </summary>
    public static bool Cancel(PipelineStore store, string runId, CompiledPipeline pipeline, Triggers.TriggerContext trigger) => store.InTransaction(connection =>
    {
        StepDispatch.LockRun(connection, runId);
        if (connection.Execute("UPDATE runs SET status = ?, finished_at = ?, error = 'cancelled' WHERE run_id = ? AND status = ?",
                StatusText.Of(RunStatus.Cancelled), DateTime.UtcNow, runId, StatusText.Of(RunStatus.Running)) != 1) return false;
        store.WriteEvent(connection, RunEvents.Finish(pipeline.Definition.Name, runId, trigger, RunStatus.Cancelled, "cancelled", []));
        return true;
    });
}
