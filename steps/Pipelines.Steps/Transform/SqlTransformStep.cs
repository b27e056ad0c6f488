using System.Text.RegularExpressions;
using Pipelines.Abstractions;
using DuckDB.NET.Native;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Transform;

/// <summary>
/// Runs a DuckDB query over upstream tables and stores the result as a new table: the general-purpose
/// transformation, with SQL as the interface, the way DuckDB itself is used.
/// </summary>
[Step("transform/sql", "Transform", "SQL transform",
    Description = "Run a DuckDB SELECT over upstream table artifacts (each visible under its name) and store the result as a new table artifact.")]
public sealed partial class SqlTransformStep : Step<SqlTransformInputs, TableOutputs>
{
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex TableName();

    public override Task<TableOutputs> ExecuteAsync(SqlTransformInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        if (inputs.Tables.Count == 0) throw new StepInputException("tables", "name at least one upstream table");
        var sql = inputs.Sql.Trim().TrimEnd(';');
        if (sql.Length == 0) throw new StepInputException("sql", "the query is empty");

        using var connection = ParquetTableWriter.OpenScratch();
        foreach (var (name, artifact) in inputs.Tables)
        {
            if (!TableName().IsMatch(name))
                throw new StepInputException("tables", $"'{name}' is not a valid table name (letters, digits and _)");
            if (artifact.Kind != "table" || artifact.Format != "parquet")
                throw new StepInputException("tables", $"'{name}' is a {artifact.Kind} ({artifact.Format}) artifact, not a table");
            var path = context.OpenArtifact(artifact);
            connection.Execute($"CREATE VIEW {SqlText.Identifier(name)} AS SELECT * FROM read_parquet({SqlText.Literal(path)})");
        }
        // Preparing checks that the text is one valid query before anything is written.
        NativeMethods.PreparedStatements.DuckDBPrepare(connection.NativeConnection, sql, out var statement);
        using (statement)
        {
            var error = NativeMethods.PreparedStatements.DuckDBPrepareError(statement);
            if (!string.IsNullOrEmpty(error)) throw new StepInputException("sql", error);
        }
        var outputs = ParquetTableWriter.Write(connection, sql, context, "sql", cancellationToken);
        context.Log.Information("SQL produced {Rows} rows with columns {Columns}", outputs.Rows, outputs.Columns);
        return Task.FromResult(outputs);
    }
}
