using System.Data.Common;
using Pipelines.Engine.Events;

namespace Pipelines.Engine.Storage;

/// <summary>
/// An event draft made into a row of <c>events</c>: the id, time and sequence the store gives it, and the row's values in
/// the table's column order, for the group commit's appender and for the statements that write an event beside another row.
/// </summary>
internal static class EventRows
{
    private const string Insert =
        "INSERT INTO events (seq, id, type, time, source, pipeline, run_id, step_id, model, feature, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /// <summary>Gives a draft its sequence, a fresh id and the current time, as precise as the store keeps it.</summary>
    public static PipelineEvent Stamp(long sequence, EventDraft draft) => new(
        sequence, Guid.CreateVersion7().ToString(), draft.Type, TruncatedToMicroseconds(DateTime.UtcNow), draft.Source, draft.Pipeline,
        draft.RunId, draft.StepId, draft.Model, draft.Feature, draft.PayloadJson);

    /// <summary>The values of <c>events</c>' columns, in table order.</summary>
    public static object?[] Values(PipelineEvent e) =>
        [e.Sequence, e.Id, e.Type, e.Time, e.Source, e.Pipeline, e.RunId, e.StepId, e.Model, e.Feature, e.PayloadJson];

    /// <summary>Writes one event on <paramref name="connection"/>, inside whatever transaction the caller has open.</summary>
    public static void Write(DbConnection connection, PipelineEvent stored) => connection.Execute(Insert, Values(stored));

    /// <summary>DuckDB keeps microseconds: the event handed back carries the time exactly as it is stored.</summary>
    private static DateTime TruncatedToMicroseconds(DateTime time) => new(time.Ticks - time.Ticks % 10, time.Kind);
}
