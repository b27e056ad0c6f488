using Pipelines.Abstractions;
using Pipelines.DuckDb;

namespace Pipelines.Engine.Storage;

/// <summary>Streams explanations into <c>decision_explanations</c> through DuckDB's appender on a connection of its own.</summary>
internal sealed class StoreExplanationWriter : IExplanationWriter
{
    private readonly DuckDbConnection _connection;
    private readonly DuckDbAppender _appender;
    private readonly string _runId;
    private readonly string _stepId;
    private readonly string _model;

    public StoreExplanationWriter(PipelineStore store, string runId, string stepId, string model)
    {
        _runId = runId;
        _stepId = stepId;
        _model = model;
        _connection = store.OpenSideConnection();
        try
        {
            _appender = _connection.CreateAppender("decision_explanations");
        }
        catch
        {
            _connection.Dispose();
            throw;
        }
    }

    public void Append(long tradeId, int modelVersion, string feature, double shapValue, int rank)
    {
        _appender.Append(_runId).Append(_stepId).Append(tradeId).Append(_model).Append(modelVersion).Append(feature).Append(shapValue).Append(rank);
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
