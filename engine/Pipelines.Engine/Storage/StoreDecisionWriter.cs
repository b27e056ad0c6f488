using Pipelines.Abstractions;
using Pipelines.DuckDb;

namespace Pipelines.Engine.Storage;

/// <summary>
/// Streams decisions into <c>decision_rows</c> through DuckDB's appender on a connection of its own. Opening the
/// writer registers one stream (run, step, model) in <c>decision_streams</c> and the order of its features in
/// <c>decision_features</c>; each row then carries only the stream's id, the decision's values and the feature vector
/// as one DOUBLE[] value. A commit flushes the appended rows into the table in one transaction.
/// </summary>
internal sealed class StoreDecisionWriter : IDecisionWriter
{
    private readonly DuckDbConnection _connection;
    private readonly DuckDbAppender _appender;
    private readonly int _featureCount;
    private readonly int _streamId;

    public StoreDecisionWriter(PipelineStore store, string runId, string stepId, string model, IReadOnlyList<string> features)
    {
        if (features.Count == 0) throw new ArgumentException("a decision needs at least one feature", nameof(features));
        _featureCount = features.Count;
        _connection = store.OpenSideConnection();
        try
        {
            using (var transaction = _connection.BeginTransaction())
            {
                _streamId = checked((int)_connection.Scalar<long>("SELECT nextval('decision_stream_ids')"));
                _connection.ExecuteNonQuery("INSERT INTO decision_streams VALUES (?, ?, ?, ?)", _streamId, runId, stepId, model);
                for (var i = 0; i < features.Count; i++)
                    _connection.ExecuteNonQuery("INSERT INTO decision_features VALUES (?, ?, ?, ?, ?)", runId, stepId, model, i + 1, features[i]);
                transaction.Commit();
            }
            _appender = _connection.CreateAppender("decision_rows");
        }
        catch
        {
            _connection.Dispose();
            throw;
        }
    }

    public void Append(long tradeId, long timeMicros, int modelVersion, double score, ReadOnlySpan<double> features)
    {
        if (features.Length != _featureCount)
            throw new ArgumentException($"the decision has {features.Length} features; the writer was opened for {_featureCount}", nameof(features));
        _appender.Append(_streamId).Append(tradeId).Append(DateTime.UnixEpoch.AddTicks(timeMicros * TimeSpan.TicksPerMicrosecond))
            .Append(modelVersion).Append(score).Append(features);
        _appender.EndRow();
    }

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
