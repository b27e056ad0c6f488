using Pipelines.DuckDb;
using DuckDB.NET.Data;
using Pipelines.Learning.Features;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Features;

/// <summary>
/// Prepares a DuckDB connection to compute a <see cref="FeatureSet"/> over a source relation in one pass:
/// numbers the rows in time order, fills the recursive features with the streaming kernels, and returns the
/// SELECT (from <see cref="FeatureSql"/>) that yields the source columns followed by the features.
/// </summary>
public static class BatchFeaturizer
{
    private const string InputTable = "__feature_input";
    private const string RecursiveTable = "__feature_recursive";

    /// <summary>Creates the working tables on <paramref name="connection"/> and returns the featurizing SELECT.</summary>
    /// <exception cref="FeatureDefinitionException">A feature's input column or the time column is missing, or times repeat.</exception>
    public static string Prepare(DuckDBConnection connection, string sourceRelation, FeatureSet features)
    {
        var columns = Columns(connection, sourceRelation);
        TimeOrderedTable.Create(connection, InputTable, sourceRelation, columns, features.TimeColumn);
        features.CheckColumns(columns);

        string? recursive = null;
        if (features.Definitions.Any(d => d.Info.IsRecursive))
        {
            FillRecursive(connection, features.Subset(d => d.Info.IsRecursive));
            recursive = RecursiveTable;
        }
        return FeatureSql.Select(features, InputTable, columns, recursive);
    }

    /// <summary>Column names of a relation, in order.</summary>
    public static IReadOnlyList<string> Columns(DuckDBConnection connection, string relation) =>
        connection.Rows($"SELECT column_name FROM (DESCRIBE SELECT * FROM {relation})").Select(r => (string)r[0]!).ToArray();

    private static void FillRecursive(DuckDBConnection connection, FeatureSet recursive)
    {
        var evaluator = new StreamingFeatureEvaluator(recursive);
        var columnList = string.Join(", ", recursive.Names.Select(n => SqlText.Identifier(n) + " DOUBLE"));
        connection.Execute($"CREATE OR REPLACE TEMP TABLE {RecursiveTable} ({FeatureSql.RowColumn} BIGINT, {columnList})");
        var inputs = string.Join(", ", evaluator.InputColumns.Select(c => $"CAST({SqlText.Identifier(c)} AS DOUBLE)"));
        var row = new double[evaluator.InputColumns.Count];
        using var result = ChunkReader.Query(connection, $"SELECT {FeatureSql.RowColumn}, {inputs} FROM {InputTable} ORDER BY {FeatureSql.RowColumn}");
        using var appender = new ChunkAppender(connection, RecursiveTable);
        // A chunk's inputs are taken column by column first, NULL as NaN, so each row then reads plain arrays.
        var chunkInputs = new double[row.Length][];
        while (result.Read())
        {
            var rows = result.Int64s(0);
            for (var c = 0; c < row.Length; c++)
            {
                if (chunkInputs[c] is null || chunkInputs[c].Length < result.RowCount) chunkInputs[c] = new double[result.RowCount];
                var data = result.Doubles(c + 1);
                var validity = result.Validity(c + 1);
                for (var r = 0; r < result.RowCount; r++) chunkInputs[c][r] = ChunkReader.IsValid(validity, r) ? data[r] : double.NaN;
            }
            for (var r = 0; r < result.RowCount; r++)
            {
                for (var c = 0; c < row.Length; c++) row[c] = chunkInputs[c][r];
                var values = evaluator.Update(row);
                appender.Add(rows[r]);
                foreach (var value in values)
                    if (double.IsNaN(value)) appender.AddNull();
                    else appender.Add(value);
                appender.EndRow();
            }
        }
    }
}
