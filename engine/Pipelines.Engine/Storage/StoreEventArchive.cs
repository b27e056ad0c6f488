using Pipelines.Abstractions;

namespace Pipelines.Engine.Storage;

/// <summary>The archive of rare events in <c>archive_events</c>; an overlap check and its insert share one transaction.</summary>
public sealed class StoreEventArchive(PipelineStore store, string runId, string stepId) : IEventArchive
{
    private const string Columns = "archive, name, window_start, window_end, criteria_json, rows_sha256, row_count";

    public IReadOnlyList<ArchivedEvent> Events(string archive) => store.InTransaction(connection => connection.Rows(
        $"SELECT {Columns} FROM archive_events WHERE archive = ? ORDER BY window_start, name", StoreEntities.ArchivedEvent, archive));

    public ArchivedEvent? TryAdd(ArchivedEvent candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        if (candidate.WindowEnd <= candidate.WindowStart)
            throw new ArgumentException($"event '{candidate.Name}' ends ({candidate.WindowEnd:O}) before it starts ({candidate.WindowStart:O})", nameof(candidate));
        return store.InTransaction(connection =>
        {
            var overlapping = connection.Rows(
                $"SELECT {Columns} FROM archive_events WHERE archive = ? AND (window_start < ? AND ? < window_end OR name = ?) ORDER BY window_start LIMIT 1",
                StoreEntities.ArchivedEvent, candidate.Archive, candidate.WindowEnd, candidate.WindowStart, candidate.Name).FirstOrDefault();
            if (overlapping is not null) return overlapping;
            connection.Execute(
                $"INSERT INTO archive_events ({Columns}, run_id, step_id, captured_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                candidate.Archive, candidate.Name, candidate.WindowStart, candidate.WindowEnd, candidate.CriteriaJson, candidate.RowsSha256, candidate.Rows,
                runId, stepId, DateTime.UtcNow);
            return null;
        });
    }
}
