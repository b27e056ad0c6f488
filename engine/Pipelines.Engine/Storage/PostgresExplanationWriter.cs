using Npgsql;
using NpgsqlTypes;
using Pipelines.Abstractions;

namespace Pipelines.Engine.Storage;

/// <summary>
/// Explanations of a PostgreSQL store go to its <c>decision_explanations</c> table directly: they are a sampled few
/// (the top features of one decision in hundreds), written off the hot thread, so a binary COPY per commit on a
/// connection of the writer's own costs the loop nothing. Rows wait in memory until <see cref="Commit"/>.
/// </summary>
internal sealed class PostgresExplanationWriter : IExplanationWriter
{
    private readonly NpgsqlConnection _connection;
    private readonly string _runId;
    private readonly string _stepId;
    private readonly string _model;
    private readonly List<Row> _pending = new(1024);

    private readonly record struct Row(long TradeId, int ModelVersion, string Feature, double ShapValue, int Rank);

    public PostgresExplanationWriter(StoreLocation location, string runId, string stepId, string model)
    {
        _runId = runId;
        _stepId = stepId;
        _model = model;
        _connection = PostgresConnections.Open(location.ConnectionString
            ?? throw new InvalidOperationException("a PostgreSQL store without a connection string"));
    }

    public void Append(long tradeId, int modelVersion, string feature, double shapValue, int rank) =>
        _pending.Add(new Row(tradeId, modelVersion, feature, shapValue, rank));

    public void Commit()
    {
        if (_pending.Count == 0) return;
        using (var import = _connection.BeginBinaryImport(
                   "COPY decision_explanations (run_id, step_id, trade_id, model, model_version, feature, shap_value, rank) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var row in _pending)
            {
                import.StartRow();
                import.Write(_runId, NpgsqlDbType.Varchar);
                import.Write(_stepId, NpgsqlDbType.Varchar);
                import.Write(row.TradeId, NpgsqlDbType.Bigint);
                import.Write(_model, NpgsqlDbType.Varchar);
                import.Write(row.ModelVersion, NpgsqlDbType.Integer);
                import.Write(row.Feature, NpgsqlDbType.Varchar);
                import.Write(row.ShapValue, NpgsqlDbType.Double);
                import.Write(row.Rank, NpgsqlDbType.Integer);
            }
            import.Complete();
        }
        _pending.Clear();
    }

    /// <summary>Writes what is still pending, then closes the connection.</summary>
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
