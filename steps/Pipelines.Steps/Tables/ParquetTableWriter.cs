using Pipelines.Abstractions;
using DuckDB.NET.Data;

namespace Pipelines.Steps.Tables;

/// <summary>
/// Writes the result of a DuckDB query as a table artifact. Parquet keeps types, compresses well and is read
/// back by DuckDB without parsing, so downstream SQL steps stay fast.
/// </summary>
public static class ParquetTableWriter
{
    public static TableOutputs Write(DuckDBConnection connection, string selectSql, IStepContext context, string input, CancellationToken cancellationToken = default)
    {
        var staged = context.StageArtifact("table", "parquet");
        try
        {
            // A cancelled or timed-out step interrupts its query instead of leaving it running in the background.
            connection.Execute($"COPY ({selectSql}) TO {SqlText.Literal(staged.Path)} (FORMAT parquet, COMPRESSION zstd)", cancellationToken);
        }
        catch (DuckDBException e)
        {
            throw new StepInputException(input, e.Message);
        }
        var source = $"read_parquet({SqlText.Literal(staged.Path)})";
        var rows = connection.Scalar<long>($"SELECT count(*) FROM {source}");
        var columns = connection.Rows($"SELECT column_name FROM (DESCRIBE SELECT * FROM {source})").Select(r => (string)r[0]!).ToList();
        return new TableOutputs { Table = context.CommitArtifact(staged), Rows = rows, Columns = columns };
    }

    /// <summary>An in-memory DuckDB for one step's work; nothing is shared with the store's database.</summary>
    public static DuckDBConnection OpenScratch()
    {
        var connection = new DuckDBConnection("Data Source=:memory:");
        try
        {
            connection.Open();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
