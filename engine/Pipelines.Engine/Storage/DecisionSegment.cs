namespace Pipelines.Engine.Storage;

/// <summary>
/// One closed segment of a tick stream's decisions as the store registered it (<c>decision_segments</c>): a DuckDB file
/// holding a <c>decision_rows</c> table, at <paramref name="StorePath"/> under the artifact directory.
/// </summary>
public sealed record DecisionSegment(
    string SegmentId, int StreamId, string RunId, string StepId, string Model, string StorePath, string Sha256, long Bytes,
    DateTime FirstTime, DateTime LastTime, long Rows);
