using System.Globalization;
using Pipelines.Abstractions;
using Pipelines.DuckDb;

namespace Pipelines.Engine.Storage;

/// <summary>
/// Streams decisions into the store on a connection of its own. Rows go through DuckDB's appender into a
/// staging table in a private in-memory database, with one column per feature (the appender fills flat columns
/// fastest); a commit moves the staged rows into <c>decisions</c> in one INSERT … SELECT, packing the features into
/// a list, so a batch is either wholly in <c>decisions</c> or not at all.
/// </summary>
internal sealed class StoreDecisionWriter : IDecisionWriter
{
    private const string Staging = "decision_staging";

    private readonly DuckDbConnection _connection;
    private readonly DuckDbAppender _appender;
    private readonly DuckDbPreparedStatement _move;
    private readonly DuckDbPreparedStatement _clear;
    private readonly int _featureCount;
    private readonly string _runId;
    private readonly string _stepId;
    private readonly string _model;
    private readonly string _catalog = "";
    private readonly string _scratch = "";
    private long _staged;
    private static long s_writers;

    public StoreDecisionWriter(PipelineStore store, string runId, string stepId, string model, IReadOnlyList<string> features)
    {
        if (features.Count == 0) throw new ArgumentException("a decision needs at least one feature", nameof(features));
        _runId = runId;
        _stepId = stepId;
        _model = model;
        _featureCount = features.Count;
        var columns = Enumerable.Range(0, features.Count).Select(Column).ToArray();
        _connection = store.OpenSideConnection();
        try
        {
            // The appender finds tables in the connection's default catalog only, and the store's tables must not be
            // it; so the staging table lives in an in-memory database of this writer's own, made the default here.
            _catalog = Quoted(_connection.Scalar<string>("SELECT current_database()"));
            _scratch = "decision_scratch_" + Interlocked.Increment(ref s_writers).ToString(CultureInfo.InvariantCulture);
            _connection.Execute($"ATTACH ':memory:' AS {_scratch}");
            _connection.Execute(
                $"CREATE TABLE {_scratch}.main.{Staging} (trade_id BIGINT, time_us BIGINT, model_version INTEGER, score DOUBLE, {string.Join(", ", columns.Select(c => c + " DOUBLE"))})");
            using (var transaction = _connection.BeginTransaction())
            {
                for (var i = 0; i < features.Count; i++)
                    _connection.ExecuteNonQuery($"INSERT INTO {_catalog}.main.decision_features VALUES (?, ?, ?, ?, ?)", runId, stepId, model, i + 1, features[i]);
                transaction.Commit();
            }
            _move = _connection.Prepare(
                $"INSERT INTO {_catalog}.main.decisions SELECT ?, ?, trade_id, make_timestamp(time_us), ?, model_version, score, [{string.Join(", ", columns)}] FROM {_scratch}.main.{Staging}");
            _clear = _connection.Prepare($"DELETE FROM {_scratch}.main.{Staging}");
            _connection.Execute($"USE {_scratch}");
            _appender = _connection.CreateAppender(Staging);
        }
        catch
        {
            Release();
            throw;
        }
    }

    private static string Quoted(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Column(int index) => "f" + index.ToString(CultureInfo.InvariantCulture);

    public void Append(long tradeId, long timeMicros, int modelVersion, double score, ReadOnlySpan<double> features)
    {
        if (features.Length != _featureCount)
            throw new ArgumentException($"the decision has {features.Length} features; the writer was opened for {_featureCount}", nameof(features));
        _appender.Append(tradeId).Append(timeMicros).Append(modelVersion).Append(score);
        foreach (var value in features) _appender.Append(value);
        _appender.EndRow();
        _staged++;
    }

    public void Commit()
    {
        if (_staged == 0) return;
        _appender.Flush();
        _move.ClearBindings();
        _move.BindAll([_runId, _stepId, _model]);
        // One statement, so one transaction: the batch is in the store wholly or not at all. Emptying the scratch
        // table is a separate transaction (DuckDB writes one database per transaction); it holds nothing durable.
        _move.ExecuteNonQuery();
        _clear.ExecuteNonQuery();
        _staged = 0;
    }

    public void Dispose()
    {
        try
        {
            _appender.Dispose();
        }
        finally
        {
            _move.Dispose();
            _clear.Dispose();
            Release();
        }
    }

    /// <summary>Drops the scratch database (it is visible to every connection of the store until detached) and the connection.</summary>
    private void Release()
    {
        try
        {
            if (_scratch.Length > 0 && _catalog.Length > 0)
            {
                _connection.Execute($"USE {_catalog}");
                _connection.Execute($"DETACH DATABASE IF EXISTS {_scratch}");
            }
        }
        finally
        {
            _connection.Dispose();
        }
    }
}
