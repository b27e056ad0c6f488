namespace Pipelines.Abstractions;

/// <summary>
/// A rare market event kept in an archive: the days it spans, why it qualified, and its labelled rows (a Parquet
/// artifact, so the store's schema stays fixed whatever columns the rows carry).
/// </summary>
/// <param name="Archive">The archive it belongs to, e.g. <c>btcusdt-stress</c>; windows never overlap within one archive.</param>
/// <param name="Name">The event's name, unique in its archive, e.g. <c>btcusdt-stress-2023-03-10</c>.</param>
/// <param name="WindowStart">First instant of the event's window (UTC, inclusive).</param>
/// <param name="WindowEnd">End of the window (UTC, exclusive).</param>
/// <param name="CriteriaJson">The criteria and the values that qualified each day (JSON object).</param>
/// <param name="RowsSha256">The artifact holding the window's rows.</param>
/// <param name="Rows">How many rows that artifact holds.</param>
public sealed record ArchivedEvent(
    string Archive, string Name, DateTime WindowStart, DateTime WindowEnd, string CriteriaJson, string RowsSha256, long Rows)
{
    /// <summary>Whether this event's window shares any instant with [<paramref name="start"/>, <paramref name="end"/>).</summary>
    public bool Overlaps(DateTime start, DateTime end) => WindowStart < end && start < WindowEnd;
}
