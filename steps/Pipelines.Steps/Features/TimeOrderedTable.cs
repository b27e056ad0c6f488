using DuckDB.NET.Data;
using Pipelines.Learning.Features;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Features;

/// <summary>
/// Copies a relation into a temporary table with a dense 1-based row number <c>__row</c> in time order, after
/// checking that the time column exists and orders the rows strictly: window frames over rows are only
/// meaningful when every row has one place in time.
/// </summary>
public static class TimeOrderedTable
{
    /// <exception cref="FeatureDefinitionException">The time column is missing, NULL somewhere or repeats, or the relation already has <c>__row</c>.</exception>
    public static void Create(DuckDBConnection connection, string table, string sourceRelation, IReadOnlyList<string> columns, string timeColumn)
    {
        if (!columns.Contains(timeColumn, StringComparer.Ordinal))
            throw new FeatureDefinitionException($"time column '{timeColumn}' is not in the table (columns: {string.Join(", ", columns)})");
        if (columns.Contains(FeatureSql.RowColumn, StringComparer.Ordinal))
            throw new FeatureDefinitionException($"the table has a column named {FeatureSql.RowColumn}, which row numbering reserves");

        var time = SqlText.Identifier(timeColumn);
        connection.Execute($"CREATE OR REPLACE TEMP TABLE {table} AS SELECT *, row_number() OVER (ORDER BY {time}) AS {FeatureSql.RowColumn} FROM {sourceRelation}");
        var duplicates = connection.Scalar<long>($"SELECT count(*) - count(DISTINCT {time}) FROM {table}");
        if (duplicates > 0)
            throw new FeatureDefinitionException($"time column '{timeColumn}' repeats {duplicates} value(s); rows need a strict time order");
        var nulls = connection.Scalar<long>($"SELECT count(*) FROM {table} WHERE {time} IS NULL");
        if (nulls > 0)
            throw new FeatureDefinitionException($"time column '{timeColumn}' is NULL in {nulls} row(s)");
    }
}
