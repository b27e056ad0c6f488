using Pipelines.Abstractions;
using Pipelines.Steps.Ingest.Binance;

namespace Pipelines.Steps.Ingest;

/// <summary>Klines from a Binance dump, a generic OHLCV CSV or the REST API, cleaned, as a typed table plus a quality report.</summary>
[Step("ingest/binance-klines", "Ingest", "Ingest Binance klines",
    Description = "Read candles from a Binance data dump (12 columns, ms or µs times, zip or CSV), a generic OHLCV CSV with a header, " +
        "or Binance's REST API (/api/v3/klines, paged, rate-limited). Drops repeated open times and unusable bars, sorts by time and " +
        "writes a Parquet table with a data-quality report (gaps, duplicates, rejected rows).")]
public sealed class BinanceKlinesStep : Step<BinanceKlinesInputs, MarketDataOutputs>
{
    public override async Task<MarketDataOutputs> ExecuteAsync(BinanceKlinesInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        MarketDataSource.CheckExactlyOne(inputs.Path, inputs.Symbol);
        MarketDataSource.CheckCounts(inputs.WeightBudget, inputs.GapsListed);
        TimeSpan? interval = inputs.Interval is null ? null : Interval(inputs.Interval);
        List<Kline> rows;
        bool binanceColumns;
        string source;
        string? unit;
        if (inputs.Path is { } path)
        {
            MarketDataSource.CheckNoRange(inputs.Start, inputs.End);
            var file = MarketDataSource.ReadFile(() => KlineFileReader.Read(context.OpenArtifact(path.Source), cancellationToken));
            (rows, binanceColumns, source) = (file.Rows, file.HasBinanceColumns, path.Relative);
            unit = MarketDataSource.TimeUnit(file.Microseconds, rows.Count);
        }
        else
        {
            var symbol = inputs.Symbol!;
            var intervalName = MarketDataSource.Required("interval", inputs.Interval);
            var (start, end) = MarketDataSource.Range(inputs.Start, inputs.End);
            var options = MarketDataSource.ClientOptions(inputs.BaseUrl, inputs.WeightBudget);
            using var http = MarketDataSource.CreateHttpClient();
            var client = new BinanceMarketDataClient(http, options);
            rows = await client.DownloadKlinesAsync(symbol, intervalName, start, end, cancellationToken).ConfigureAwait(false);
            (binanceColumns, unit) = (true, "milliseconds");
            source = $"{options.BaseUrl.GetLeftPart(UriPartial.Authority)}/api/v3/klines {symbol} {intervalName} [{start:O}, {end:O})";
        }

        var cleaned = KlineQualityCheck.Clean(rows, interval, source, unit, inputs.GapsListed, out var report);
        var table = MarketDataTables.WriteKlines(cleaned, binanceColumns, context, "path");
        var quality = MarketDataTables.WriteReport(report, context);
        context.Log.Information(
            "Ingested {Rows} klines from {Source} ({Read} read, {Duplicates} duplicates dropped, {Rejected} rejected, {Gaps} gaps)",
            report.Rows, source, report.RowsRead, report.DuplicatesDropped, report.Rejected.Total, report.GapCount);
        return new MarketDataOutputs { Table = table.Table, Rows = table.Rows, Columns = table.Columns, Quality = quality };
    }

    private static TimeSpan Interval(string name)
    {
        try
        {
            return KlineInterval.Parse(name);
        }
        catch (ArgumentException e)
        {
            throw new StepInputException("interval", e.Message);
        }
    }
}
