using System.Data.Common;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pipelines.Engine.Storage;

namespace Pipelines.Engine.Cluster;

/// <summary>
/// Reads the cluster's state from Quartz's standard tables (prefix <c>qrtz_</c>, in the store's PostgreSQL database) for
/// every scheduler whose name begins with <c>pipelines</c>: <c>qrtz_scheduler_state</c> for the nodes and their check-ins,
/// <c>qrtz_fired_triggers</c> (with <c>qrtz_job_details</c>) for what runs where, <c>qrtz_triggers</c> for the queue. It
/// needs nothing of the code that runs the steps, only Quartz's schema. Three statements, each an index or small-table
/// scan. Quartz.NET stores instants as UTC ticks (100 ns since 0001-01-01) and intervals as milliseconds.
/// </summary>
public static partial class ClusterStatusQuery
{
    /// <summary>The names of the cluster's schedulers begin with this (one per label, e.g. <c>pipelines-train</c>).</summary>
    public const string SchedulerPrefix = "pipelines";

    /// <summary>
    /// The status of the store's cluster: for a DuckDB store, a status saying there is none (one process); for a PostgreSQL
    /// store whose database holds no Quartz tables yet, a cluster with no nodes, saying no node has joined.
    /// </summary>
    public static ClusterStatus Read(PipelineStore store, TimeSpan threshold, TimeProvider? clock = null)
    {
        var now = (clock ?? TimeProvider.System).GetUtcNow();
        if (!store.Dialect.IsPostgres)
            return new ClusterStatus(false,
                "no cluster: the store is a DuckDB file (store.kind: duckdb), written by one process; a cluster needs store.kind: postgres (docs/cluster.md)",
                now, threshold, [], [], []);
        return store.Read(connection => Read(connection, now, threshold));
    }

    internal static ClusterStatus Read(DbConnection connection, DateTimeOffset now, TimeSpan threshold)
    {
        if (connection.Scalar<string?>("SELECT CAST(to_regclass('qrtz_scheduler_state') AS VARCHAR)") is null)
            return new ClusterStatus(true, "no node has joined the cluster yet: the database holds no Quartz tables (qrtz_)", now, threshold, [], [], []);
        var prefix = SchedulerPrefix + "%";
        var running = connection.Rows("""
            SELECT f.sched_name, f.instance_name, f.fired_time, f.state, f.job_name, f.job_group, j.job_data
            FROM qrtz_fired_triggers f
            LEFT JOIN qrtz_job_details j ON j.sched_name = f.sched_name AND j.job_name = f.job_name AND j.job_group = f.job_group
            WHERE f.sched_name LIKE ?
            ORDER BY f.fired_time, f.entry_id
            """, row =>
        {
            var jobName = row.TextOrNull("job_name") ?? "";
            var jobGroup = row.TextOrNull("job_group") ?? "";
            var (runId, stepId) = JobStep(jobGroup, jobName, row.IsDBNull(row.GetOrdinal("job_data")) ? null : (byte[])row.GetValue(row.GetOrdinal("job_data")));
            return new RunningStep(row.Text("sched_name"), runId, stepId, $"{jobGroup}.{jobName}", row.Text("instance_name"),
                Instant(row.Integer("fired_time")), row.Text("state"));
        }, prefix);
        var nodes = connection.Rows(
            "SELECT sched_name, instance_name, last_checkin_time, checkin_interval FROM qrtz_scheduler_state WHERE sched_name LIKE ? ORDER BY sched_name, instance_name",
            row =>
            {
                var lastCheckIn = Instant(row.Integer("last_checkin_time"));
                var interval = TimeSpan.FromMilliseconds(row.Integer("checkin_interval"));
                var scheduler = row.Text("sched_name");
                var instance = row.Text("instance_name");
                return new ClusterNode(scheduler, instance, lastCheckIn, interval, ClusterNodeLiveness.IsAlive(lastCheckIn, interval, now, threshold),
                    running.Count(r => r.Scheduler == scheduler && r.Node == instance && r.State == "EXECUTING"));
            }, prefix);
        var queues = connection.Rows("""
            SELECT sched_name,
                   sum(CASE WHEN trigger_state = 'WAITING' AND next_fire_time <= ? THEN 1 ELSE 0 END) AS queued,
                   sum(CASE WHEN trigger_state = 'WAITING' AND (next_fire_time IS NULL OR next_fire_time > ?) THEN 1 ELSE 0 END) AS scheduled,
                   sum(CASE WHEN trigger_state = 'ACQUIRED' THEN 1 ELSE 0 END) AS acquired,
                   sum(CASE WHEN trigger_state IN ('BLOCKED', 'PAUSED_BLOCKED') THEN 1 ELSE 0 END) AS blocked,
                   sum(CASE WHEN trigger_state IN ('PAUSED', 'PAUSED_BLOCKED') THEN 1 ELSE 0 END) AS paused
            FROM qrtz_triggers WHERE sched_name LIKE ? GROUP BY sched_name ORDER BY sched_name
            """,
            row => new SchedulerQueue(row.Text("sched_name"), (int)row.Integer("queued"), (int)row.Integer("scheduled"), (int)row.Integer("acquired"),
                (int)row.Integer("blocked"), (int)row.Integer("paused")),
            now.UtcTicks, now.UtcTicks, prefix);
        return new ClusterStatus(true, nodes.Count == 0 ? "no node is checked in" : null, now, threshold, nodes, running, queues);
    }

    /// <summary>An instant as Quartz.NET's tables hold it: UTC ticks.</summary>
    private static DateTimeOffset Instant(long utcTicks) => new(utcTicks, TimeSpan.Zero);

    /// <summary>
    /// The run and step a job executes: from its data when it is JSON naming <c>run_id</c> and <c>step_id</c> (in any
    /// casing, with or without the underscore), else from its key when the group is a run id (the name is then the step).
    /// </summary>
    internal static (string? RunId, string? StepId) JobStep(string jobGroup, string jobName, byte[]? jobData)
    {
        if (jobData is { Length: > 0 })
        {
            try
            {
                using var document = JsonDocument.Parse(jobData);
                string? runId = null, stepId = null;
                Collect(document.RootElement, ref runId, ref stepId, depth: 0);
                if (runId is not null) return (runId, stepId);
            }
            catch (JsonException)
            {
                // Not JSON (Quartz's binary serializer): the key is all there is.
            }
        }
        return RunIdPattern().IsMatch(jobGroup) ? (jobGroup, jobName) : (null, null);
    }

    private static void Collect(JsonElement element, ref string? runId, ref string? stepId, int depth)
    {
        if (element.ValueKind != JsonValueKind.Object || depth > 3) return;
        foreach (var property in element.EnumerateObject())
        {
            var key = property.Name.Replace("_", "", StringComparison.Ordinal);
            if (property.Value.ValueKind == JsonValueKind.String && key.Equals("runid", StringComparison.OrdinalIgnoreCase)) runId ??= property.Value.GetString();
            else if (property.Value.ValueKind == JsonValueKind.String && key.Equals("stepid", StringComparison.OrdinalIgnoreCase)) stepId ??= property.Value.GetString();
            else Collect(property.Value, ref runId, ref stepId, depth + 1);
        }
    }

    /// <summary>A run id as the engine makes them: yyyyMMdd-HHmmss and six hex digits.</summary>
    [GeneratedRegex(@"^\d{8}-\d{6}-[0-9a-f]{6}$")]
    private static partial Regex RunIdPattern();
}
