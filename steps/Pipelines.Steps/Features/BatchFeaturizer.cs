using Pipelines.DuckDb;
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
    public static string Prepare(DuckDbConnection connection, string sourceRelation, FeatureSet features)
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
    public static IReadOnlyList<string> Columns(DuckDbConnection connection, string relation)
    {
        using var described = connection.Query($"SELECT column_name FROM (DESCRIBE SELECT * FROM {relation})");
        return described.ReadAllRows().Select(r => (string)r[0]!).ToArray();
    }

    private static void FillRecursive(DuckDbConnection connection, FeatureSet recursive)
    {
        var evaluator = new StreamingFeatureEvaluator(recursive);
        var columnList = string.Join(", ", recursive.Names.Select(n => SqlText.Identifier(n) + " DOUBLE"));
        connection.Execute($"CREATE OR REPLACE TEMP TABLE {RecursiveTable} ({FeatureSql.RowColumn} BIGINT, {columnList})");
        var inputs = string.Join(", ", evaluator.InputColumns.Select(c => $"CAST({SqlText.Identifier(c)} AS DOUBLE)"));
        var row = new double[evaluator.InputColumns.Count];
        var vectors = new DuckDbVector[row.Length + 1];
        using var result = connection.Query($"SELECT {FeatureSql.RowColumn}, {inputs} FROM {InputTable} ORDER BY {FeatureSql.RowColumn}");
        using var appender = connection.CreateAppender(RecursiveTable);
        foreach (var chunk in result.Chunks())
        {
            for (var c = 0; c < vectors.Length; c++) vectors[c] = chunk.GetColumn(c);
            var rows = vectors[0].GetInt64s();
            for (var r = 0; r < chunk.RowCount; r++)
            {
                for (var c = 0; c < row.Length; c++)
                    row[c] = vectors[c + 1].IsNull(r) ? double.NaN : vectors[c + 1].GetDoubles()[r];
                var values = evaluator.Update(row);
                appender.Append(rows[r]);
                foreach (var value in values)
                    if (double.IsNaN(value)) appender.AppendNull();
                    else appender.Append(value);
                appender.EndRow();
            }
        }
        appender.Close();
    }
}
