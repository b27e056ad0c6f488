using Pipelines.Engine.Storage;

namespace Pipelines.Engine.Execution.Cluster;

/// <summary>
/// What each node of the cluster offers (<c>cluster_nodes</c>: its labels and step limit), beside Quartz's own record of
/// which nodes are alive (<c>qrtz_scheduler_state</c>, a row per node that checks in, removed when the cluster recovers a
/// dead node or the node leaves). Together they say whether a step that requires a label can run anywhere now.
/// </summary>
public static class ClusterNodes
{
    public static void Join(PipelineStore store, string node, IReadOnlyList<string> labels, int maxSteps) => store.InTransaction(connection =>
        connection.Execute(
            "INSERT INTO cluster_nodes (node, labels, max_steps, host, pid, joined_at) VALUES (?, ?, ?, ?, ?, ?) " +
            "ON CONFLICT (node) DO UPDATE SET labels = excluded.labels, max_steps = excluded.max_steps, joined_at = excluded.joined_at",
            node, string.Join(",", labels), maxSteps, Environment.MachineName, Environment.ProcessId, DateTime.UtcNow));

    public static void Leave(PipelineStore store, string node) =>
        store.InTransaction(connection => connection.Execute("DELETE FROM cluster_nodes WHERE node = ?", node));

    /// <summary>The labels of the nodes that Quartz counts as members of the cluster now.</summary>
    public static IReadOnlySet<string> LiveLabels(PipelineStore store) => store.Read(connection =>
    {
        if (connection.Scalar<string?>("SELECT CAST(to_regclass('qrtz_scheduler_state') AS VARCHAR)") is null) return (IReadOnlySet<string>)new HashSet<string>();
        return connection.Rows(
                "SELECT n.labels FROM cluster_nodes n WHERE EXISTS (SELECT 1 FROM qrtz_scheduler_state s WHERE s.instance_name = n.node)",
                row => row.Text("labels"))
            .SelectMany(labels => labels.Split(',', StringSplitOptions.RemoveEmptyEntries))
            .ToHashSet(StringComparer.Ordinal);
    });

    /// <summary>Whether a live node (one Quartz counts as a member) runs steps, and with which labels.</summary>
    public static (bool AnyRunsSteps, IReadOnlySet<string> Labels) LiveCapacity(PipelineStore store) => store.Read(connection =>
    {
        if (connection.Scalar<string?>("SELECT CAST(to_regclass('qrtz_scheduler_state') AS VARCHAR)") is null) return (false, (IReadOnlySet<string>)new HashSet<string>());
        var nodes = connection.Rows(
            "SELECT n.labels FROM cluster_nodes n WHERE n.max_steps > 0 AND EXISTS (SELECT 1 FROM qrtz_scheduler_state s WHERE s.instance_name = n.node)",
            row => row.Text("labels"));
        return (nodes.Count > 0, nodes.SelectMany(l => l.Split(',', StringSplitOptions.RemoveEmptyEntries)).ToHashSet(StringComparer.Ordinal));
    });

    /// <summary>
    /// Steps of running cluster runs that a node took and did not complete, where that node is no longer a member of the
    /// cluster (Quartz removes a node's check-in row when it recovers the node, or when the node leaves).
    /// </summary>
    public static IReadOnlyList<StepDispatchRow> Orphaned(PipelineStore store) => store.Read(connection =>
        connection.Scalar<string?>("SELECT CAST(to_regclass('qrtz_scheduler_state') AS VARCHAR)") is null
            ? []
            : connection.Rows(
                "SELECT d.run_id, d.step_id, d.runs_on, d.queued_at, d.deliveries, d.node, d.started_at, d.completed_at, d.status " +
                "FROM step_dispatch d JOIN runs r ON r.run_id = d.run_id " +
                "WHERE r.status = 'running' AND d.completed_at IS NULL AND d.deliveries > 0 " +
                "AND NOT EXISTS (SELECT 1 FROM qrtz_scheduler_state s WHERE s.instance_name = d.node)",
                row => new StepDispatchRow(row.Text("run_id"), row.Text("step_id"), row.TextOrNull("runs_on"), row.Time("queued_at"),
                    (int)row.Integer("deliveries"), row.TextOrNull("node"), row.TimeOrNull("started_at"), row.TimeOrNull("completed_at"), row.TextOrNull("status"))));

    /// <summary>
    /// Marks a run interrupted because the node running one of its steps stopped checking in and no live node can take the
    /// step over; false when the run had ended (or been marked) meanwhile. Decided once, by a conditional update.
    /// </summary>
    public static bool Interrupt(PipelineStore store, StepDispatchRow orphan) => store.InTransaction(connection =>
    {
        StepDispatch.LockRun(connection, orphan.RunId);
        var needs = orphan.RunsOn is { } label ? $"a node with label '{label}'" : "a node that runs steps";
        return connection.Execute("UPDATE runs SET status = ?, finished_at = ?, error = ? WHERE run_id = ? AND status = ?",
            StatusText.Of(RunStatus.Interrupted), DateTime.UtcNow,
            $"node {orphan.Node} stopped checking in while it ran step '{orphan.StepId}', and no live node can take the step over (it needs {needs})",
            orphan.RunId, StatusText.Of(RunStatus.Running)) == 1;
    });

    /// <summary>Why a queued step of a cluster run has not started: said by <c>pipelines show</c>.</summary>
    public static string Waiting(StepDispatchRow step, IReadOnlySet<string> liveLabels) => step.RunsOn is not { } label
        ? "queued: waiting for a free node"
        : liveLabels.Contains(label)
            ? $"queued: waiting for a free node with label '{label}'"
            : $"queued: needs a node with label '{label}', and no live node has it";
}
