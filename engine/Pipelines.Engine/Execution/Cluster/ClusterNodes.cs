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

    /// <summary>Why a queued step of a cluster run has not started: said by <c>pipelines show</c>.</summary>
    public static string Waiting(StepDispatchRow step, IReadOnlySet<string> liveLabels) => step.RunsOn is not { } label
        ? "queued: waiting for a free node"
        : liveLabels.Contains(label)
            ? $"queued: waiting for a free node with label '{label}'"
            : $"queued: needs a node with label '{label}', and no live node has it";
}
