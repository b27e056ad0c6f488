using Pipelines.Abstractions;
using Pipelines.Steps.Ingest.Binance;

namespace Pipelines.Steps.Ingest;

/// <summary>Aggregate trades from a Binance dump or the REST API, cleaned, as a typed table plus a quality report.</summary>
[Step("ingest/binance-trades", "Ingest", "Ingest Binance aggregate trades",
    Description = "Read aggregate trades from a Binance aggTrades dump (7 or 8 columns, ms or µs times, zip or CSV) or Binance's REST API " +
        "(/api/v3/aggTrades, paged by id, rate-limited). Drops repeated trade ids and unusable trades, sorts by time and writes a Parquet " +
        "table with a data-quality report (id gaps, duplicates, rejected rows).")]
public sealed class BinanceTradesStep : Step<BinanceTradesInputs, MarketDataOutputs>
{
    public override async Task<MarketDataOutputs> ExecuteAsync(BinanceTradesInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        MarketDataSource.CheckExactlyOne(inputs.Path, inputs.Symbol);
        MarketDataSource.CheckCounts(inputs.WeightBudget, inputs.GapsListed);
        List<AggTrade> rows;
        bool hasBestMatch;
        string source;
        string? unit;
        if (inputs.Path is { } path)
        {
            MarketDataSource.CheckNoRange(inputs.Start, inputs.End);
            var file = MarketDataSource.ReadFile(() => AggTradeFileReader.Read(context.OpenArtifact(path.Source), cancellationToken));
            (rows, hasBestMatch, source) = (file.Rows, file.HasBestMatch, path.Relative);
            unit = MarketDataSource.TimeUnit(file.Microseconds, rows.Count);
        }
        else
        {
            var symbol = inputs.Symbol!;
            var (start, end) = MarketDataSource.Range(inputs.Start, inputs.End);
            var options = MarketDataSource.ClientOptions(inputs.BaseUrl, inputs.WeightBudget);
            using var http = MarketDataSource.CreateHttpClient();
            var client = new BinanceMarketDataClient(http, options);
            rows = await client.DownloadAggTradesAsync(symbol, start, end, cancellationToken).ConfigureAwait(false);
            (hasBestMatch, unit) = (true, "milliseconds");
            source = $"{options.BaseUrl.GetLeftPart(UriPartial.Authority)}/api/v3/aggTrades {symbol} [{start:O}, {end:O})";
        }

        var cleaned = AggTradeQualityCheck.Clean(rows, source, unit, inputs.GapsListed, out var report);
        var table = MarketDataTables.WriteAggTrades(cleaned, hasBestMatch, context, "path");
        var quality = MarketDataTables.WriteReport(report, context);
        context.Log.Information(
            "Ingested {Rows} aggregate trades from {Source} ({Read} read, {Duplicates} duplicates dropped, {Rejected} rejected, {Gaps} id gaps)",
            report.Rows, source, report.RowsRead, report.DuplicatesDropped, report.Rejected.Total, report.GapCount);
        return new MarketDataOutputs { Table = table.Table, Rows = table.Rows, Columns = table.Columns, Quality = quality };
    }
}
