using System.Globalization;
using DuckDB.NET.Data;
using Pipelines.Abstractions;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Backtest;

/// <summary>
/// The returns table: the stitched per-bar net returns compounded over each calendar month or day (UTC) a bar ends
/// in, beside buy-and-hold's over the same bars, with the bars and trades each period rests on.
/// </summary>
internal static class PeriodReturns
{
    public sealed record Row(string Period, int Bars, int Trades, double StrategyReturn, double BuyAndHoldReturn);

    /// <param name="barTimes">The end time (epoch ms) of every stitched bar.</param>
    /// <param name="traded">Whether the position changed at each bar.</param>
    public static IReadOnlyList<Row> Of(double[] barTimes, double[] strategy, double[] buyAndHold, bool[] traded, ReturnsPeriod period)
    {
        var format = period == ReturnsPeriod.Month ? "yyyy-MM" : "yyyy-MM-dd";
        var rows = new List<Row>();
        string? current = null;
        int bars = 0, trades = 0;
        double growth = 1, held = 1;
        for (var i = 0; i <= barTimes.Length; i++)
        {
            var key = i < barTimes.Length ? DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Floor(barTimes[i])).UtcDateTime.ToString(format, CultureInfo.InvariantCulture) : null;
            if (key != current && current is not null)
            {
                rows.Add(new Row(current, bars, trades, growth - 1, held - 1));
                (bars, trades, growth, held) = (0, 0, 1, 1);
            }
            if (key is null) break;
            current = key;
            bars++;
            if (traded[i]) trades++;
            growth *= 1 + strategy[i];
            held *= 1 + buyAndHold[i];
        }
        return rows;
    }

    public static Artifact Write(IStepContext context, IReadOnlyList<Row> rows)
    {
        using var connection = ParquetTableWriter.OpenScratch();
        connection.Execute("CREATE TABLE returns (period VARCHAR, bars BIGINT, trades BIGINT, strategy_return DOUBLE, buy_and_hold_return DOUBLE)");
        using (var appender = connection.CreateAppender("returns"))
        {
            foreach (var row in rows)
                appender.CreateRow().AppendValue(row.Period).AppendValue((long?)row.Bars).AppendValue((long?)row.Trades)
                    .AppendValue((double?)row.StrategyReturn).AppendValue((double?)row.BuyAndHoldReturn).EndRow();
        }
        var staged = context.StageArtifact("table", "parquet");
        connection.Execute($"COPY returns TO {SqlText.Literal(staged.Path)} (FORMAT parquet)");
        return context.CommitArtifact(staged);
    }
}
