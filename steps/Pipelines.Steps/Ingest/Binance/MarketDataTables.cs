using Pipelines.DuckDb;
using Pipelines.Abstractions;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Ingest.Binance;

/// <summary>
/// Writes cleaned klines and trades as Parquet tables with fixed types (TIMESTAMPTZ in UTC, DOUBLE prices and
/// volumes), appending into an in-memory DuckDB table so no text round trip can change a value.
/// </summary>
public static class MarketDataTables
{
    public static TableOutputs WriteKlines(IReadOnlyList<Kline> rows, bool binanceColumns, IStepContext context, string input)
    {
        using var connection = ParquetTableWriter.OpenScratch();
        connection.Execute(binanceColumns
            ? "CREATE TABLE klines (open_time TIMESTAMPTZ NOT NULL, open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE, volume DOUBLE, " +
              "close_time TIMESTAMPTZ, quote_volume DOUBLE, trades BIGINT, taker_buy_base_volume DOUBLE, taker_buy_quote_volume DOUBLE)"
            : "CREATE TABLE klines (open_time TIMESTAMPTZ NOT NULL, open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE, volume DOUBLE)");
        using (var appender = new ChunkAppender(connection, "klines"))
        {
            foreach (var k in rows)
            {
                appender.Add(EpochTime.ToDateTime(k.OpenTimeMicros)).Add(k.Open).Add(k.High).Add(k.Low).Add(k.Close).Add(k.Volume);
                if (binanceColumns)
                    appender.Add(EpochTime.ToDateTime(k.CloseTimeMicros)).Add(k.QuoteVolume).Add(k.Trades).Add(k.TakerBuyBaseVolume).Add(k.TakerBuyQuoteVolume);
                appender.EndRow();
            }
        }
        return ParquetTableWriter.Write(connection, "SELECT * FROM klines", context, input);
    }

    public static TableOutputs WriteAggTrades(IReadOnlyList<AggTrade> rows, bool hasBestMatch, IStepContext context, string input)
    {
        using var connection = ParquetTableWriter.OpenScratch();
        connection.Execute("CREATE TABLE agg_trades (agg_trade_id BIGINT NOT NULL, time TIMESTAMPTZ NOT NULL, price DOUBLE, quantity DOUBLE, " +
            "first_trade_id BIGINT, last_trade_id BIGINT, is_buyer_maker BOOLEAN, is_best_match BOOLEAN)");
        using (var appender = new ChunkAppender(connection, "agg_trades"))
        {
            foreach (var t in rows)
            {
                appender.Add(t.Id).Add(EpochTime.ToDateTime(t.TimeMicros)).Add(t.Price).Add(t.Quantity).Add(t.FirstTradeId).Add(t.LastTradeId).Add(t.IsBuyerMaker);
                if (hasBestMatch) appender.Add(t.IsBestMatch);
                else appender.AddNull();
                appender.EndRow();
            }
        }
        return ParquetTableWriter.Write(connection, "SELECT * FROM agg_trades", context, input);
    }

    /// <summary>Stores the report as a JSON artifact of kind "report".</summary>
    public static Artifact WriteReport(DataQualityReport report, IStepContext context)
    {
        var staged = context.StageArtifact("report", "json");
        File.WriteAllBytes(staged.Path, report.ToJson());
        return context.CommitArtifact(staged);
    }
}
