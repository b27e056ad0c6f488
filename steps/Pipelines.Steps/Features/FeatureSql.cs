using System.Globalization;
using System.Text;
using Pipelines.Learning.Features;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Features;

/// <summary>
/// Turns a <see cref="FeatureSet"/> into one DuckDB SELECT with window functions over a relation that carries a
/// dense row number <c>__row</c> in time order. Rolling kinds use frames of <c>ROWS BETWEEN N-1 PRECEDING AND
/// CURRENT ROW</c> and are NULL for their warm-up rows; every division by zero is NULL, as the streaming
/// evaluator's NaN.
/// </summary>
/// <remarks>
/// EMA, RSI and ATR/NATR are recursions over all earlier rows, which no window frame expresses, and a recursive
/// CTE walks one row per iteration (quadratic in DuckDB). Their columns come from <paramref name="recursiveRelation"/>,
/// which <see cref="BatchFeaturizer"/> fills by running the streaming kernels over the column once, in time order,
/// so batch and streaming share one implementation of each recursion. Interactions (product, ratio) of features are
/// computed in later stages, one CTE per depth.
/// </remarks>
public static class FeatureSql
{
    public const string RowColumn = "__row";

    /// <param name="features">The definitions.</param>
    /// <param name="inputRelation">A table or view with the source columns and <c>__row</c> (1-based, time order).</param>
    /// <param name="passThroughColumns">Source columns copied to the output before the features.</param>
    /// <param name="recursiveRelation">A relation with <c>__row</c> and one DOUBLE column per recursive feature; null when there are none.</param>
    public static string Select(FeatureSet features, string inputRelation, IReadOnlyList<string> passThroughColumns, string? recursiveRelation)
    {
        var levels = Levels(features);
        var depth = levels.Max();
        var hasRecursive = features.Definitions.Any(d => d.Info.IsRecursive);
        if (hasRecursive && recursiveRelation is null)
            throw new ArgumentException("the feature set has recursive features but no relation holds their values", nameof(recursiveRelation));

        var sql = new StringBuilder("WITH ");
        for (var level = 1; level <= depth; level++)
        {
            if (level > 1) sql.Append(",\n");
            sql.Append(Stage(level)).Append(" AS (SELECT i.*");
            for (var f = 0; f < features.Definitions.Count; f++)
            {
                if (levels[f] != level) continue;
                var definition = features.Definitions[f];
                var expression = definition.Info.IsRecursive ? "r." + SqlText.Identifier(definition.Name) : Expression(definition);
                sql.Append(",\n  ").Append(expression).Append(" AS ").Append(SqlText.Identifier(definition.Name));
            }
            sql.Append("\n FROM ").Append(level == 1 ? inputRelation : Stage(level - 1)).Append(" AS i");
            if (level == 1 && hasRecursive)
                sql.Append(" LEFT JOIN ").Append(recursiveRelation).Append(" AS r ON i.").Append(RowColumn).Append(" = r.").Append(RowColumn);
            sql.Append(')');
        }
        sql.Append("\nSELECT ");
        sql.AppendJoin(", ", passThroughColumns.Concat(features.Names).Select(SqlText.Identifier));
        sql.Append(" FROM ").Append(Stage(depth)).Append(" ORDER BY ").Append(RowColumn);
        return sql.ToString();
    }

    private static string Stage(int level) => "__level" + level.ToString(CultureInfo.InvariantCulture);

    /// <summary>Interactions sit one level above the deepest feature they read; everything else is level 1.</summary>
    private static int[] Levels(FeatureSet features)
    {
        var levels = new int[features.Definitions.Count];
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var f = 0; f < levels.Length; f++)
        {
            var definition = features.Definitions[f];
            var level = 1;
            if (definition.Info.OperandsMayBeFeatures)
                foreach (var input in definition.Inputs)
                    if (byName.TryGetValue(input, out var operand)) level = Math.Max(level, levels[operand] + 1);
            levels[f] = level;
            byName[definition.Name] = f;
        }
        return levels;
    }

    /// <summary>Σ p_i·q_i, an empty level (q = 0, price NULL) adding 0, summed left to right as the streaming state does.</summary>
    private static string BookQuoteDepth(string[] inputs)
    {
        var levels = inputs.Length / 2;
        return "(" + string.Join(" + ", Enumerable.Range(0, levels).Select(i => $"(CASE WHEN {inputs[levels + i]} = 0 THEN 0.0 ELSE {inputs[i]} * {inputs[levels + i]} END)")) + ")";
    }

    private static string BookRatio(FeatureKind kind, string[] inputs, string frame)
    {
        var levels = inputs.Length / 2;
        var bids = $"avg({string.Join(" + ", inputs.Take(levels))}){frame}";
        var asks = $"avg({string.Join(" + ", inputs.Skip(levels))}){frame}";
        return kind == FeatureKind.BookImbalance
            ? $"({bids} - {asks}) / NULLIF({bids} + {asks}, 0)"
            : $"{bids} / NULLIF({bids} + {asks}, 0)";
    }

    private static string DepthWithin(string[] inputs, int basisPoints)
    {
        var mid = $"(({inputs[0]} + {inputs[1]}) / 2.0)";
        var levels = (inputs.Length - 2) / 2;
        var terms = Enumerable.Range(0, levels).Select(i =>
            $"(CASE WHEN abs({inputs[2 + i]} - {mid}) <= {mid} * {basisPoints.ToString(CultureInfo.InvariantCulture)} / 10000.0 THEN {inputs[2 + levels + i]} ELSE 0.0 END)");
        return $"CASE WHEN {mid} IS NOT NULL THEN ({string.Join(" + ", terms)}) END";
    }

    private static string Expression(FeatureDefinition definition)
    {
        var n = definition.Window;
        var inputs = definition.Inputs.Select(c => $"CAST({SqlText.Identifier(c)} AS DOUBLE)").ToArray();
        var x = inputs[0];
        var frame = $" OVER (ORDER BY i.{RowColumn} ROWS BETWEEN {n - 1} PRECEDING AND CURRENT ROW)";
        var lag = $"lag({x}, {n}) OVER (ORDER BY i.{RowColumn})";
        var body = definition.Kind switch
        {
            FeatureKind.Value => x,
            FeatureKind.Return => $"{x} / NULLIF({lag}, 0) - 1.0",
            FeatureKind.LogReturn => $"ln({x} / NULLIF({lag}, 0))",
            FeatureKind.RateOfChange => $"100.0 * ({x} / NULLIF({lag}, 0) - 1.0)",
            FeatureKind.Sma => $"avg({x}){frame}",
            FeatureKind.RatioToMean => $"{x} / NULLIF(avg({x}){frame}, 0)",
            FeatureKind.Std => $"stddev_samp({x}){frame}",
            FeatureKind.ZScore => $"({x} - avg({x}){frame}) / NULLIF(stddev_samp({x}){frame}, 0)",
            FeatureKind.Trend => $"regr_slope({x}, CAST(i.{RowColumn} AS DOUBLE)){frame}",
            FeatureKind.DollarVolume or FeatureKind.Product => $"{inputs[0]} * {inputs[1]}",
            FeatureKind.Ratio => $"{inputs[0]} / NULLIF({inputs[1]}, 0)",
            FeatureKind.RangeBps => $"({inputs[0]} - {inputs[1]}) / NULLIF({inputs[2]}, 0) * 10000.0",
            FeatureKind.SpreadBps => $"({inputs[1]} - {inputs[0]}) / NULLIF(({inputs[1]} + {inputs[0]}) / 2.0, 0) * 10000.0",
            FeatureKind.OrderImbalance =>
                $"(avg({inputs[0]}){frame} - avg({inputs[1]}){frame}) / NULLIF(avg({inputs[0]}){frame} + avg({inputs[1]}){frame}, 0)",
            FeatureKind.BidPressure => $"avg({inputs[0]}){frame} / NULLIF(avg({inputs[0]}){frame} + avg({inputs[1]}){frame}, 0)",
            FeatureKind.TradeFlowImbalance => $"sum({inputs[0]}){frame} / NULLIF(sum({inputs[0]}){frame} + sum({inputs[1]}){frame}, 0)",
            FeatureKind.Mid => $"({inputs[0]} + {inputs[1]}) / 2.0",
            FeatureKind.Microprice => $"({inputs[0]} * {inputs[3]} + {inputs[1]} * {inputs[2]}) / NULLIF({inputs[2]} + {inputs[3]}, 0)",
            FeatureKind.BookDepth => $"({string.Join(" + ", inputs)})",
            FeatureKind.BookDepthQuote => BookQuoteDepth(inputs),
            FeatureKind.BookImbalance or FeatureKind.BookPressure => BookRatio(definition.Kind, inputs, frame),
            FeatureKind.DepthWithinBps => DepthWithin(inputs, n),
            _ => throw new InvalidOperationException($"{definition.Kind} is computed by recursion, not by a window expression"),
        };
        var warmUp = definition.WarmUpRows;
        return warmUp == 0 ? body : $"CASE WHEN i.{RowColumn} > {warmUp} THEN {body} END";
    }
}
