using Pipelines.Abstractions;
using Pipelines.DuckDb;

namespace Pipelines.Engine.Storage;

/// <summary>
/// Streams decisions into <c>decisions</c> through DuckDB's appender on a connection of its own, the feature vector
/// as one DOUBLE[] value; a commit flushes the appended rows into the table in one transaction.
/// </summary>
internal sealed class StoreDecisionWriter : IDecisionWriter
{
    private readonly DuckDbConnection _connection;
    private readonly DuckDbAppender _appender;
    private readonly int _featureCount;
    private readonly string _runId;
    private readonly string _stepId;
    private readonly string _model;

    public StoreDecisionWriter(PipelineStore store, string runId, string stepId, string model, IReadOnlyList<string> features)
    {
        if (features.Count == 0) throw new ArgumentException("a decision needs at least one feature", nameof(features));
        _runId = runId;
        _stepId = stepId;
        _model = model;
        _featureCount = features.Count;
        _connection = store.OpenSideConnection();
        try
        {
            using (var transaction = _connection.BeginTransaction())
            {
                for (var i = 0; i < features.Count; i++)
                    _connection.ExecuteNonQuery("INSERT INTO decision_features VALUES (?, ?, ?, ?, ?)", runId, stepId, model, i + 1, features[i]);
                transaction.Commit();
            }
            _appender = _connection.CreateAppender("decisions");
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
        _appender.Append(_runId).Append(_stepId).Append(tradeId).Append(DateTime.UnixEpoch.AddTicks(timeMicros * TimeSpan.TicksPerMicrosecond))
            .Append(_model).Append(modelVersion).Append(score).Append(features);
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
