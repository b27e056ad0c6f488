using System.Globalization;
using DuckDB.NET.Data;
using Pipelines.Abstractions;
using Pipelines.Learning.Features;
using Pipelines.Steps.Features;
using Pipelines.Steps.Labels;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Monitor;

/// <summary>
/// The outcome of each trade in a data table, by the model's own label definition and with the same SQL that
/// <c>featurize/labels</c> labelled its training rows with; plus the realised return over the label's horizon (the
/// signal's payoff). Both are NULL for a row whose horizon runs past the data: its outcome is not known yet.
/// </summary>
public static class RealisedOutcomes
{
    private const string Ordered = "__monitor_rows";

    public readonly record struct Outcome(double? Label, double? Return);

    /// <summary>Outcomes of the keys in [<paramref name="firstKey"/>, <paramref name="lastKey"/>], by key.</summary>
    public static Dictionary<long, Outcome> Read(DuckDBConnection connection, string parquetPath, ModelLabelDefinition definition, string keyColumn,
        long firstKey, long lastKey)
    {
        connection.Execute($"CREATE OR REPLACE VIEW __monitor_source AS SELECT * FROM read_parquet({SqlText.Literal(parquetPath)})");
        var columns = TableReader.Describe(connection, parquetPath).Select(c => c.Name).ToList();
        if (!columns.Contains(keyColumn, StringComparer.Ordinal))
            throw new StepInputException("key_column", $"column '{keyColumn}' is not in the data (columns: {string.Join(", ", columns)})");
        var label = definition.Label;
        foreach (var needed in new[] { label.Column }.Concat(label.Kind == LabelKind.Fill ? [label.Side == OrderSide.Buy ? label.Low : label.High] : []))
            if (!columns.Contains(needed, StringComparer.Ordinal))
                throw new StepInputException("data", $"label '{label.Name}' ({label.Kind}) reads column '{needed}', which the data lacks (columns: {string.Join(", ", columns)})");
        try
        {
            TimeOrderedTable.Create(connection, Ordered, "__monitor_source", columns, definition.TimeColumn);
        }
        catch (FeatureDefinitionException e)
        {
            throw new StepInputException("data", $"the label's time column: {e.Message}");
        }

        var payoff = new LabelSpec { Name = "__realised", Kind = LabelKind.ForwardReturn, Horizon = label.Horizon, Column = label.Column, Log = label.Log };
        LabelSpec[] labels = [label, payoff];
        var key = SqlText.Identifier(keyColumn);
        var sql = $"SELECT CAST({key} AS BIGINT) AS k, CAST({LabelSql.Forward(label, 0)} AS DOUBLE) AS label, {LabelSql.Forward(payoff, 1)} AS realised " +
                  $"FROM ({LabelSql.ReturnsSelect(labels, Ordered)}) QUALIFY k BETWEEN {firstKey.ToString(CultureInfo.InvariantCulture)} AND {lastKey.ToString(CultureInfo.InvariantCulture)}";
        var outcomes = new Dictionary<long, Outcome>();
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            while (reader.Read())
                outcomes[reader.GetInt64(0)] = new Outcome(reader.IsDBNull(1) ? null : reader.GetDouble(1), reader.IsDBNull(2) ? null : reader.GetDouble(2));
        }
        catch (DuckDBException e)
        {
            throw new StepInputException("data", $"outcomes of label '{label.Name}' could not be computed: {e.Message}");
        }
        return outcomes;
    }
}
