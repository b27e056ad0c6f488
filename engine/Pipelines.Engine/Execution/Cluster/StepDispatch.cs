using System.Data.Common;
using Pipelines.Engine.Storage;

namespace Pipelines.Engine.Execution.Cluster;

/// <summary>
/// The statements over <c>step_dispatch</c>. Every transaction that queues, delivers or completes a step of a run first takes
/// the run's advisory lock (<see cref="LockRun"/>), so those decisions about one run are made one at a time and each sees
/// the ones committed before it.
/// </summary>
internal static class StepDispatch
{
    public static void LockRun(DbConnection connection, string runId) =>
        connection.Execute("SELECT pg_advisory_xact_lock(?, hashtext(?))", PostgresLocks.ClusterRun, runId);

    /// <summary>Queues a step; false when it was queued before (the row exists), which queues nothing.</summary>
    public static bool Queue(DbConnection connection, string runId, string stepId, string? runsOn) => connection.Execute(
        "INSERT INTO step_dispatch (run_id, step_id, runs_on, queued_at, deliveries) VALUES (?, ?, ?, ?, 0) ON CONFLICT (run_id, step_id) DO NOTHING",
        runId, stepId, runsOn, DateTime.UtcNow) == 1;

    /// <summary>Counts a delivery of a step that has not completed, naming the node; null when it completed already (or was never queued).</summary>
    public static int? Deliver(DbConnection connection, string runId, string stepId, string node) => connection
        .Rows("UPDATE step_dispatch SET deliveries = deliveries + 1, node = ?, started_at = ? WHERE run_id = ? AND step_id = ? AND completed_at IS NULL RETURNING deliveries",
            row => (int?)row.Integer("deliveries"), node, DateTime.UtcNow, runId, stepId)
        .FirstOrDefault();

    /// <summary>Completes a step: true for the one attempt whose update finds it not yet completed.</summary>
    public static bool Complete(DbConnection connection, string runId, string stepId, StepStatus status) => connection.Execute(
        "UPDATE step_dispatch SET completed_at = ?, status = ? WHERE run_id = ? AND step_id = ? AND completed_at IS NULL",
        DateTime.UtcNow, StatusText.Of(status), runId, stepId) == 1;

    public static bool IsOpen(DbConnection connection, string runId, string stepId) =>
        connection.Scalar<long>("SELECT count(*) FROM step_dispatch WHERE run_id = ? AND step_id = ? AND completed_at IS NULL", runId, stepId) > 0;

    public static List<StepDispatchRow> OfRun(DbConnection connection, string runId) => connection.Rows(
        "SELECT run_id, step_id, runs_on, queued_at, deliveries, node, started_at, completed_at, status FROM step_dispatch WHERE run_id = ? ORDER BY queued_at, step_id",
        row => new StepDispatchRow(row.Text("run_id"), row.Text("step_id"), row.TextOrNull("runs_on"), row.Time("queued_at"), (int)row.Integer("deliveries"),
            row.TextOrNull("node"), row.TimeOrNull("started_at"), row.TimeOrNull("completed_at"), row.TextOrNull("status")),
        runId);
}
