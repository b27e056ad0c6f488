using DuckDB.NET.Data;
using Pipelines.Abstractions;

namespace Pipelines.Engine.Storage;

/// <summary>
/// Streams explanations into <c>decision_explanations</c> through DuckDB's appender on a connection of its own. The
/// appender only hands its rows to the table when it closes, so a commit closes it and the next row opens another.
/// </summary>
internal sealed class StoreExplanationWriter : IExplanationWriter
{
    private readonly DuckDBConnection _connection;
    private readonly string _runId;
    private readonly string _stepId;
    private readonly string _model;
    private DuckDBAppender? _appender;

    public StoreExplanationWriter(PipelineStore store, string runId, string stepId, string model)
    {
        _runId = runId;
        _stepId = stepId;
        _model = model;
        _connection = store.OpenSideConnection();
    }

    public void Append(long tradeId, int modelVersion, string feature, double shapValue, int rank)
    {
        _appender ??= _connection.CreateAppender("decision_explanations");
        // The row's values travel as state to a static writer: no closure per row.
        _appender.AppendRow((Writer: this, tradeId, modelVersion, feature, shapValue, rank), static (row, e) => row
            .AppendValue(e.Writer._runId).AppendValue(e.Writer._stepId).AppendValue((long?)e.tradeId).AppendValue(e.Writer._model)
            .AppendValue((int?)e.modelVersion).AppendValue(e.feature).AppendValue((double?)e.shapValue).AppendValue((int?)e.rank));
    }

    public void Commit()
    {
        var appender = _appender;
        if (appender is null) return;
        _appender = null;
        try
        {
            appender.Close();
        }
        finally
        {
            appender.Dispose();
        }
    }

    public void Dispose()
    {
        try
        {
            Commit();
        }
        finally
        {
            _connection.Dispose();
        }
    }
}
