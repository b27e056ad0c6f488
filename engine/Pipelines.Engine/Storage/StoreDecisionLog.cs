using Pipelines.Abstractions;
using Serilog;
using Serilog.Core;

namespace Pipelines.Engine.Storage;

/// <summary>
/// Decisions and explanations of one step. Decisions are rows of <c>decision_rows</c> keyed by a stream of
/// <c>decision_streams</c> (run, step and model, stored once per opened writer) and read through the
/// <c>decisions</c> view, which joins them back; explanations go to <c>decision_explanations</c>. A decision's
/// feature vector is one <c>DOUBLE[]</c> rather than a column per feature, so one table serves every feature set;
/// <c>decision_features</c> names its positions (1-based, as DuckDB indexes lists) once per opened writer.
/// A PostgreSQL store registers streams and features the same way but keeps the rows in DuckDB files of their own,
/// written on the node that decides (<see cref="DecisionSegmentWriter"/>) and read through <see cref="DecisionSegmentReader"/>;
/// its explanations go to its table directly (<see cref="PostgresExplanationWriter"/>). Before a stream opens there, the
/// segments an earlier stream of the same step left unregistered when it was killed are recovered
/// (<see cref="DecisionSegmentRecovery"/>): a step run again after its node died starts by keeping what that node committed.
/// </summary>
public sealed class StoreDecisionLog(PipelineStore store, string runId, string stepId, ILogger? log = null) : IDecisionLog
{
    public IDecisionWriter OpenDecisions(string model, IReadOnlyList<string> features)
    {
        if (!store.Dialect.IsPostgres) return new StoreDecisionWriter(store, runId, stepId, model, features);
        DecisionSegmentRecovery.RecoverStep(store, runId, stepId, log ?? Logger.None);
        return new DecisionSegmentWriter(store, runId, stepId, model, features, store.Location.DecisionSegments);
    }

    public IExplanationWriter OpenExplanations(string model) => store.Dialect.IsPostgres
        ? new PostgresExplanationWriter(store.Location, store.FirstReconnectWait, runId, stepId, model)
        : new StoreExplanationWriter(store, runId, stepId, model);

    public IReadOnlyList<StoredDecision> Read(string model, int version, DateTime from, DateTime until) => store.Dialect.IsPostgres
        ? DecisionSegmentReader.Read(store, model, version, from, until)
        : store.Read(connection => connection.Rows(
        "SELECT trade_id, time, model_version, score FROM (" +
        "SELECT d.trade_id, d.time, d.model_version, d.score, " +
        "row_number() OVER (PARTITION BY d.trade_id ORDER BY r.started_at DESC NULLS LAST, d.run_id DESC) AS newest " +
        "FROM decisions d LEFT JOIN runs r USING (run_id) " +
        "WHERE d.model = ? AND d.model_version = ? AND d.time >= ? AND d.time <= ? AND d.score IS NOT NULL) latest " +
        "WHERE newest = 1 ORDER BY time, trade_id",
        row => new StoredDecision(row.Integer("trade_id"), row.Time("time"), (int)row.Integer("model_version"), row.RealOrNull("score")!.Value),
        model, version, from, until));

    public DateTime? NewestTime(string model, int version) => (store.Dialect.IsPostgres
        ? DecisionSegmentReader.NewestTime(store, model, version)
        : store.Read(connection =>
        connection.Scalar<DateTime?>("SELECT max(time) FROM decisions WHERE model = ? AND model_version = ?", model, version))) is { } newest
        ? DateTime.SpecifyKind(newest, DateTimeKind.Utc)
        : null;

    /// <summary>Every decision this log's step stored, with its feature vector, ordered by time and trade.</summary>
    public IReadOnlyList<DecisionRecord> ReadStep() => store.Dialect.IsPostgres
        ? DecisionSegmentReader.ReadStep(store, runId, stepId)
        : store.Read(connection => connection.Rows(
            "SELECT trade_id, time, model, model_version, score, features FROM decisions WHERE run_id = ? AND step_id = ? ORDER BY time, trade_id",
            DecisionRecord.Of, runId, stepId));
}
