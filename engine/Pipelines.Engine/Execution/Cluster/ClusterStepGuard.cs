using System.Data.Common;
using Pipelines.Engine.Planning;
using Pipelines.Engine.Storage;
using Pipelines.Engine.Triggers;

namespace Pipelines.Engine.Execution.Cluster;

/// <summary>
/// Decides, inside the transaction of a cluster step's record, whether the record lands, and writes what follows from it in
/// the same commit. Under the run's lock: a <c>running</c> record lands only while the step is not completed (so a late
/// attempt never shows over a finished one); a final record lands only for the attempt whose conditional update completes
/// the step's <c>step_dispatch</c> row, and that commit also queues every dependent whose dependencies are now all
/// complete (a primary key per step: queued once) and, when it completes the run's last step, decides the run's status
/// (an update conditional on the run still running: decided once).
/// </summary>
internal sealed class ClusterStepGuard(PipelineStore store, CompiledPipeline pipeline, string runId, string stepId, bool final, TriggerContext trigger)
    : IStepRecordGuard
{
    /// <summary>How the run ended when this record's commit decided it; null otherwise.</summary>
    public RunStatus? EndedRun { get; private set; }

    /// <summary>The steps this record's commit queued; null when no commit of this guard ran to its end.</summary>
    public List<QueuedStep>? Queued { get; private set; }

    public bool Admit(DbConnection connection)
    {
        EndedRun = null;
        Queued = null;
        StepDispatch.LockRun(connection, runId);
        return final ? StepDispatch.Complete(connection, runId, stepId, Status) : StepDispatch.IsOpen(connection, runId, stepId);
    }

    /// <summary>The status the record being written carries; set by the recorder before committing.</summary>
    public StepStatus Status { get; set; }

    public void Written(DbConnection connection)
    {
        if (!final) return;
        Queued = [];
        // A cancelled run queues nothing more; its steps already delivered end as they find it.
        var runStatus = connection.Rows("SELECT status FROM runs WHERE run_id = ?", row => row.Text("status"), runId).FirstOrDefault();
        if (runStatus != StatusText.Of(RunStatus.Running)) return;
        var completed = StepDispatch.OfRun(connection, runId).Where(r => r.IsCompleted)
            .ToDictionary(r => r.StepId, r => StatusText.ParseStep(r.Status!), StringComparer.Ordinal);
        foreach (var step in pipeline.Steps)
            if (!completed.ContainsKey(step.Id) && step.DependsOn.All(completed.ContainsKey)
                && StepDispatch.Queue(connection, runId, step.Id, step.Definition.RunsOn))
                Queued.Add(new QueuedStep(step.Id, step.Definition.RunsOn));
        if (pipeline.Steps.Any(s => !completed.ContainsKey(s.Id))) return;

        var failed = pipeline.Steps.Where(s => completed[s.Id] == StepStatus.Failed && !s.Definition.ContinueOnError).Select(s => s.Id).ToHashSet();
        var status = failed.Count > 0 ? RunStatus.Failed
            : completed.Values.Any(s => s == StepStatus.Cancelled) ? RunStatus.Cancelled
            : RunStatus.Succeeded;
        var error = status switch
        {
            RunStatus.Failed => $"step '{pipeline.Steps.First(s => failed.Contains(s.Id)).Id}' failed",
            RunStatus.Cancelled => "cancelled",
            _ => null,
        };
        if (connection.Execute("UPDATE runs SET status = ?, finished_at = ?, error = ? WHERE run_id = ? AND status = ?",
                StatusText.Of(status), DateTime.UtcNow, error, runId, StatusText.Of(RunStatus.Running)) != 1) return;
        // The failing steps' messages, this record's included: it is written in this same transaction.
        var failures = status == RunStatus.Failed
            ? connection.Rows("SELECT step_id, message FROM step_runs WHERE run_id = ? AND status = ?",
                row => (row.Text("step_id"), row.TextOrNull("message")), runId, StatusText.Of(StepStatus.Failed)).Where(f => failed.Contains(f.Item1)).ToList()
            : [];
        store.WriteEvent(connection, RunEvents.Finish(pipeline.Definition.Name, runId, trigger, status, error, failures));
        EndedRun = status;
    }
}
