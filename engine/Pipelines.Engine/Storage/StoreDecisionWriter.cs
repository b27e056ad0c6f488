using DuckDB.NET.Data;
using Pipelines.Abstractions;

namespace Pipelines.Engine.Storage;

/// <summary>
/// Streams decisions into <c>decision_rows</c> on a connection of its own. Opening the writer registers one stream
/// (run, step, model) in <c>decision_streams</c> and the order of its features in <c>decision_features</c>; each row
/// then carries only the stream's id, the decision's values and the feature vector as one DOUBLE[] value. A commit
/// flushes the appended rows into the table in one transaction.
/// </summary>
internal sealed class StoreDecisionWriter : IDecisionWriter
{
    private readonly DuckDBConnection _connection;
    private readonly DecisionRowAppender _appender;
    private readonly int _streamId;

    public StoreDecisionWriter(PipelineStore store, string runId, string stepId, string model, IReadOnlyList<string> features)
    {
        if (features.Count == 0) throw new ArgumentException("a decision needs at least one feature", nameof(features));
        _connection = store.OpenSideConnection();
        try
        {
            using (var transaction = _connection.BeginTransaction())
            {
                _streamId = _connection.Scalar<int>("SELECT nextval('decision_stream_ids')");
                _connection.Execute("INSERT INTO decision_streams (stream_id, run_id, step_id, model) VALUES (?, ?, ?, ?)", _streamId, runId, stepId, model);
                for (var i = 0; i < features.Count; i++)
                    _connection.Execute("INSERT INTO decision_features (run_id, step_id, model, position, feature) VALUES (?, ?, ?, ?, ?)",
                        runId, stepId, model, i + 1, features[i]);
                transaction.Commit();
            }
            _appender = new DecisionRowAppender(_connection, features.Count);
        }
        catch
        {
            _connection.Dispose();
            throw;
        }
    }

    public void Append(long tradeId, long timeMicros, int modelVersion, double score, ReadOnlySpan<double> features) =>
        _appender.Append(_streamId, tradeId, timeMicros, modelVersion, score, features);

    public void Commit() => _appender.Flush();

    public void Dispose()
    {
        try
        {
            _appender.Dispose();
        }
        finally
        {
            _connection.Dispose();
        }
    }
}
