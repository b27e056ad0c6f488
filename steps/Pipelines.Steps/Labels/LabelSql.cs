using System.Globalization;
using System.Text;
using Pipelines.Steps.Features;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Labels;

/// <summary>
/// DuckDB expressions for labels over a relation numbered by <c>__row</c> in time order. Every label looks
/// forward through <c>lead</c> or a <c>ROWS BETWEEN 1 FOLLOWING AND h FOLLOWING</c> frame, and is NULL when that
/// frame runs past the last row, so a truncated horizon never passes for a complete one.
/// </summary>
public static class LabelSql
{
    /// <summary>The one-row log return column a forward volatility label reads, added by <see cref="ReturnsSelect"/>.</summary>
    public static string ReturnColumn(int label) => "__logret_" + label.ToString(CultureInfo.InvariantCulture);

    /// <summary>The input relation with one log-return column per forward volatility label (window functions do not nest).</summary>
    public static string ReturnsSelect(IReadOnlyList<LabelSpec> labels, string inputRelation)
    {
        var sql = new StringBuilder("SELECT *");
        for (var l = 0; l < labels.Count; l++)
        {
            if (labels[l].Kind != LabelKind.ForwardVolatility) continue;
            var x = Number(labels[l].Column);
            sql.Append($", ln({x} / NULLIF(lag({x}) OVER (ORDER BY {FeatureSql.RowColumn}), 0)) AS {ReturnColumn(l)}");
        }
        return sql.Append(" FROM ").Append(inputRelation).ToString();
    }

    /// <summary>The expression of a label that looks ahead (every kind but <see cref="LabelKind.Regime"/>).</summary>
    public static string Forward(LabelSpec label, int index)
    {
        var h = label.Horizon.ToString(CultureInfo.InvariantCulture);
        var frame = $" OVER (ORDER BY {FeatureSql.RowColumn} ROWS BETWEEN 1 FOLLOWING AND {h} FOLLOWING)";
        var x = Number(label.Column);
        switch (label.Kind)
        {
            case LabelKind.ForwardReturn:
                return Return(label);
            case LabelKind.Direction:
                var band = Literal(label.DeadBandBps / 10_000.0);
                var forward = Return(label);
                return $"CASE WHEN {forward} > {band} THEN 1 WHEN {forward} < -{band} THEN -1 WHEN {forward} IS NOT NULL THEN 0 END";
            case LabelKind.ForwardVolatility:
                var returns = ReturnColumn(index);
                var scale = label.PeriodsPerYear > 0 ? $" * sqrt({Literal(label.PeriodsPerYear)})" : "";
                return $"CASE WHEN count({returns}){frame} = {h} THEN stddev_samp({returns}){frame}{scale} END";
            case LabelKind.Fill:
                var distance = Literal(label.DistanceBps / 10_000.0);
                var (extreme, column, comparison, limit) = label.Side == OrderSide.Buy
                    ? ("min", Number(label.Low), "<=", $"{x} * (1 - {distance})")
                    : ("max", Number(label.High), ">=", $"{x} * (1 + {distance})");
                return $"CASE WHEN count({column}){frame} < {h} OR {x} IS NULL THEN NULL WHEN {extreme}({column}){frame} {comparison} {limit} THEN 1 ELSE 0 END";
            default:
                throw new ArgumentException($"label '{label.Name}' is a {label.Kind}, which is not computed by looking forward", nameof(label));
        }
    }

    /// <summary>The class of <paramref name="label"/>'s source value against fitted cut points: below the first cut is the first class.</summary>
    public static string Regime(LabelSpec label, IReadOnlyList<double> cuts)
    {
        var value = Number(label.Of!);
        var sql = new StringBuilder($"CASE WHEN {value} IS NULL THEN NULL");
        for (var c = 0; c < cuts.Count; c++)
            sql.Append($" WHEN {value} < {Literal(cuts[c])} THEN {SqlText.Literal(label.Classes[c])}");
        return sql.Append($" ELSE {SqlText.Literal(label.Classes[^1])} END").ToString();
    }

    /// <summary>The quantile fractions 1/n .. (n-1)/n that split values into <paramref name="classes"/> equal-count classes.</summary>
    public static string QuantileList(int classes) =>
        "[" + string.Join(", ", Enumerable.Range(1, classes - 1).Select(k => Literal((double)k / classes))) + "]";

    private static string Return(LabelSpec label)
    {
        var x = Number(label.Column);
        var ratio = $"lead({x}, {label.Horizon.ToString(CultureInfo.InvariantCulture)}) OVER (ORDER BY {FeatureSql.RowColumn}) / NULLIF({x}, 0)";
        return label.Log ? $"ln({ratio})" : $"({ratio} - 1)";
    }

    private static string Number(string column) => $"CAST({SqlText.Identifier(column)} AS DOUBLE)";

    /// <summary>A double as SQL text that reads back to the same value.</summary>
    public static string Literal(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
