using System.Globalization;
using Pipelines.Abstractions;
using Pipelines.Steps.Ingest;
using Pipelines.Steps.Ingest.Binance;
using Pipelines.Steps.Tests.Support;

namespace Pipelines.Steps.Tests.Ingest;

public sealed class BinanceTradesStepTests : IDisposable
{
    private const long T0 = 1_735_689_600_000; // 2025-01-01T00:00:00Z in ms
    private readonly TestStepContext _context = new();

    public void Dispose() => _context.Dispose();

    private MarketDataOutputs Run(BinanceTradesInputs inputs) =>
        new BinanceTradesStep().ExecuteAsync(inputs, _context, default).GetAwaiter().GetResult();

    private DataQualityReport Quality(MarketDataOutputs outputs) => DataQualityReport.FromJson(File.ReadAllBytes(_context.FullPath(outputs.Quality)));

    /// <summary>A dump line for trade id at T0 + (id - 100) seconds.</summary>
    private static string Trade(long id, string price, string quantity, bool microseconds, bool bestMatch = true)
    {
        var time = (T0 + (id - 100) * 1000) * (microseconds ? 1000 : 1);
        var line = string.Create(CultureInfo.InvariantCulture, $"{id},{price},{quantity},{id * 10},{id * 10 + 2},{time},{(id % 2 == 0 ? "True" : "False")}");
        return bestMatch ? line + ",True" : line;
    }

    [Fact]
    public void A_microsecond_zip_dump_is_cleaned_sorted_and_its_id_gaps_reported()
    {
        var content = DumpFiles.Lines(
            Trade(100, "50000.5", "0.1", true),
            Trade(101, "50001", "0.2", true),
            Trade(101, "1", "9", true),          // repeated id: dropped, the first stays
            Trade(108, "50002", "0.3", true),    // out of order
            Trade(102, "50000", "0.4", true),
            Trade(104, "50003", "0.5", true),    // 103 never traded here
            Trade(105, "0", "0.1", true),        // non-positive price
            Trade(106, "50004", "0", true),      // zero quantity
            Trade(107, "NaN", "0.1", true));
        var outputs = Run(new BinanceTradesInputs { Path = _context.WriteFile("BTCUSDT-aggTrades-2025-01-01.zip", DumpFiles.Zip("BTCUSDT-aggTrades-2025-01-01.csv", content)) });

        var quality = Quality(outputs);
        Assert.Equal("agg_trades", quality.Dataset);
        Assert.Equal(9, quality.RowsRead);
        Assert.Equal(5, quality.Rows);
        Assert.Equal(1, quality.DuplicatesDropped);
        Assert.Equal(new RejectedRows { NotANumber = 1, NonPositivePrice = 1, InvalidVolume = 1 }, quality.Rejected);
        Assert.Equal("microseconds", quality.SourceTimeUnit);
        Assert.Equal("2025-01-01T00:00:00Z", quality.First);
        Assert.Equal("2025-01-01T00:00:08Z", quality.Last);
        // Kept ids 100, 101, 102, 104, 108: 103 is missing, and 105-107 were rejected.
        Assert.Equal(2, quality.GapCount);
        Assert.Equal(4, quality.MissingTotal);
        Assert.Equal(new QualityGap("2025-01-01T00:00:02Z", "2025-01-01T00:00:04Z", 103, 103, 1), quality.Gaps[0]);
        Assert.Equal(new QualityGap("2025-01-01T00:00:04Z", "2025-01-01T00:00:08Z", 105, 107, 3), quality.Gaps[1]);

        using var table = new ParquetProbe(_context.FullPath(outputs.Table));
        Assert.Equal(
            [("agg_trade_id", "BIGINT"), ("time", "TIMESTAMP WITH TIME ZONE"), ("price", "DOUBLE"), ("quantity", "DOUBLE"),
             ("first_trade_id", "BIGINT"), ("last_trade_id", "BIGINT"), ("is_buyer_maker", "BOOLEAN"), ("is_best_match", "BOOLEAN")],
            table.Schema());
        var rows = table.Rows("SELECT agg_trade_id, epoch_us(time), price, quantity, is_buyer_maker, is_best_match FROM {t}");
        Assert.Equal([100L, 101L, 102L, 104L, 108L], rows.Select(r => (long)r[0]!));
        Assert.Equal([101L, (T0 + 1000) * 1000, 50001.0, 0.2, false, true], rows[1]);
    }

    [Fact]
    public void A_seven_column_millisecond_dump_with_a_header_leaves_best_match_empty()
    {
        var path = _context.WriteFile("trades.csv", DumpFiles.Lines(
            "agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker",
            Trade(100, "10", "1", false, bestMatch: false),
            Trade(101, "11", "2", false, bestMatch: false)));

        var outputs = Run(new BinanceTradesInputs { Path = path });

        Assert.Equal(2, outputs.Rows);
        Assert.Equal("milliseconds", Quality(outputs).SourceTimeUnit);
        using var table = new ParquetProbe(_context.FullPath(outputs.Table));
        var rows = table.Rows("SELECT epoch_ms(time), first_trade_id, last_trade_id, is_buyer_maker, is_best_match FROM {t}");
        Assert.Equal([T0, 1000L, 1002L, true, null], rows[0]);
        Assert.Equal([T0 + 1000, 1010L, 1012L, false, null], rows[1]);
    }

    [Theory]
    [InlineData("100,1,1,1,1,1735689600000\n", "line 1: has 6 columns")]
    [InlineData("100,1,1,1,1,1735689600000,True,True\n101,1,1,1,1,1735689601000,True\n", "line 2: has 7 columns where earlier rows have 8")]
    [InlineData("100,1,1,1,1,1735689600000,yes,True\n", "column 7 (is_buyer_maker) is 'yes'")]
    public void Unreadable_trade_rows_are_refused_with_file_and_line(string content, string expected)
    {
        var error = Assert.Throws<StepInputException>(() => Run(new BinanceTradesInputs { Path = _context.WriteFile("bad.csv", content) }));

        Assert.Equal("path", error.Input);
        Assert.Contains("bad.csv " + (expected.StartsWith("line", StringComparison.Ordinal) ? expected : "line 1: " + expected), error.Message);
    }

    [Fact]
    public async Task A_rest_download_of_trades_is_complete_and_ordered()
    {
        await using var server = await FakeBinanceServer.StartAsync();

        var outputs = Run(new BinanceTradesInputs
        {
            Symbol = "BTCUSDT",
            Start = "2023-03-01T00:00:00Z",
            End = "2023-03-01T00:05:00Z",
            BaseUrl = server.BaseUrl.ToString(),
        });

        // 500 ms apart: five minutes hold 600 trades, in one window page.
        Assert.Equal(600, outputs.Rows);
        var quality = Quality(outputs);
        Assert.Equal(0, quality.GapCount);
        Assert.Equal(0, quality.DuplicatesDropped);
        Assert.Equal("2023-03-01T00:04:59.5Z", quality.Last);
        using var table = new ParquetProbe(_context.FullPath(outputs.Table));
        Assert.Equal(server.FirstTradeId + 599, table.Scalar<long>("SELECT max(agg_trade_id) FROM {t}"));
    }

    [Fact]
    public void Giving_both_a_file_and_a_symbol_is_refused()
    {
        var path = _context.WriteFile("t.csv", Trade(100, "1", "1", false) + "\n");

        var error = Assert.Throws<StepInputException>(() => Run(new BinanceTradesInputs { Path = path, Symbol = "BTCUSDT" }));

        Assert.Equal("path", error.Input);
        Assert.Contains("not both", error.Message);
        Assert.Equal("start", Assert.Throws<StepInputException>(() => Run(new BinanceTradesInputs { Symbol = "BTCUSDT" })).Input);
    }
}
