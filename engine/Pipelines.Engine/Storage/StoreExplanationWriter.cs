using Pipelines.DuckDb;
using DuckDB.NET.Data;
using Pipelines.Abstractions;

namespace Pipelines.Engine.Storage;

/// <summary>
/// Streams explanations into <c>decision_explanations</c> through a <see cref="ChunkAppender"/> on a connection of its
/// own; a commit flushes the appender, which hands its rows to the table.
/// </summary>
internal sealed class StoreExplanationWriter : IExplanationWriter
{
    private readonly DuckDBConnection _connection;
    private readonly string _runId;
    private readonly string _stepId;
    private readonly string _model;
    private ChunkAppender? _appender;

    public StoreExplanationWriter(PipelineStore store, string runId, string stepId, string model)
    {
        _runId = runId;
        _stepId = stepId;
        _model = model;
        _connection = store.OpenSideConnection();
    }

    public void Append(long tradeId, int modelVersion, string feature, double shapValue, int rank)
    {
        _appender ??= new ChunkAppender(_connection, "decision_explanations");
        _appender.Add(_runId).Add(_stepId).Add(tradeId).Add(_model).Add(modelVersion).Add(feature).Add(shapValue).Add(rank).EndRow();
    }

    public void Commit() => _appender?.Flush();

    public void Dispose()
    {
        try
        {
            _appender?.Dispose();
        }
        finally
        {
            _connection.Dispose();
        }
    }
}
