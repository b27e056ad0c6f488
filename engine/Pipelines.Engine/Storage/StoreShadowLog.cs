using DuckDB.NET.Data;
using Npgsql;
using NpgsqlTypes;
using Pipelines.DuckDb;
using Pipelines.Abstractions;

namespace Pipelines.Engine.Storage;

/// <summary>
/// Appends a shadow comparison's paired predictions to <c>shadow_predictions</c> in one transaction: through DuckDB's
/// appender, or PostgreSQL's binary COPY.
/// </summary>
public sealed class StoreShadowLog(PipelineStore store, string runId, string stepId) : IShadowLog
{
    public void Record(string model, int championVersion, int challengerVersion, IReadOnlyList<ShadowPrediction> predictions)
    {
        if (predictions.Count == 0) return;
        store.InTransaction(connection =>
        {
            var now = DateTime.UtcNow;
            if (connection is NpgsqlConnection postgres)
            {
                Copy(postgres, model, championVersion, challengerVersion, predictions, now);
                return predictions.Count;
            }
            using (var appender = new ChunkAppender((DuckDBConnection)connection, "shadow_predictions"))
            {
                foreach (var p in predictions)
                {
                    appender.Add(runId).Add(stepId).Add(model).Add(championVersion).Add(challengerVersion).Add(p.Row).Add(p.Champion).Add(p.Challenger);
                    if (p.Outcome is { } outcome) appender.Add(outcome);
                    else appender.AddNull();
                    appender.Add(p.ChallengerDecides).Add(now).EndRow();
                }
            }
            return predictions.Count;
        });
    }

    private void Copy(NpgsqlConnection connection, string model, int championVersion, int challengerVersion, IReadOnlyList<ShadowPrediction> predictions, DateTime now)
    {
        using var copy = connection.BeginBinaryImport(
            "COPY shadow_predictions (run_id, step_id, model, champion_version, challenger_version, row_index, champion, challenger, outcome, " +
            "challenger_decides, recorded_at) FROM STDIN (FORMAT BINARY)");
        var recorded = DateTime.SpecifyKind(now, DateTimeKind.Unspecified);
        foreach (var p in predictions)
        {
            copy.StartRow();
            copy.Write(runId, NpgsqlDbType.Varchar);
            copy.Write(stepId, NpgsqlDbType.Varchar);
            copy.Write(model, NpgsqlDbType.Varchar);
            copy.Write(championVersion, NpgsqlDbType.Integer);
            copy.Write(challengerVersion, NpgsqlDbType.Integer);
            copy.Write(p.Row, NpgsqlDbType.Bigint);
            copy.Write(p.Champion, NpgsqlDbType.Double);
            copy.Write(p.Challenger, NpgsqlDbType.Double);
            if (p.Outcome is { } outcome) copy.Write(outcome, NpgsqlDbType.Double);
            else copy.WriteNull();
            copy.Write(p.ChallengerDecides, NpgsqlDbType.Boolean);
            copy.Write(recorded, NpgsqlDbType.Timestamp);
        }
        copy.Complete();
    }
}
