using System.Text.Json;
using Pipelines.Abstractions;
using Pipelines.Steps.Ingest;
using Pipelines.Steps.Ingest.Binance;
using Pipelines.Steps.Tests.Support;

namespace Pipelines.Steps.Tests.Ingest;

public sealed class BinanceKlinesStepTests : IDisposable
{
    private const long T0 = 1_677_628_800_000; // 2023-03-01T00:00:00Z in ms
    private const long Minute = 60_000;
    private readonly TestStepContext _context = new();

    public void Dispose() => _context.Dispose();

    private MarketDataOutputs Run(BinanceKlinesInputs inputs) =>
        new BinanceKlinesStep().ExecuteAsync(inputs, _context, default).GetAwaiter().GetResult();

    private DataQualityReport Quality(MarketDataOutputs outputs) => DataQualityReport.FromJson(File.ReadAllBytes(_context.FullPath(outputs.Quality)));

    private ParquetProbe Table(MarketDataOutputs outputs) => new(_context.FullPath(outputs.Table));

    [Fact]
    public void The_bundled_sample_reads_whole_without_gaps_and_keeps_zero_volume_bars()
    {
        var outputs = Run(new BinanceKlinesInputs { Path = _context.CopyIn(RepositoryFiles.SampleKlines, "samples/btcusdt.csv") });

        // 21 days of 1-minute bars: 21 * 1440 = 30,240. 658 bars have volume 0 (counted independently with awk).
        Assert.Equal(30_240, outputs.Rows);
        var quality = Quality(outputs);
        Assert.Equal(30_240, quality.RowsRead);
        Assert.Equal(0, quality.GapCount);
        Assert.Equal(0, quality.DuplicatesDropped);
        Assert.Equal(0, quality.Rejected.Total);
        Assert.Equal(658, quality.ZeroVolumeRows);
        Assert.Equal(60, quality.ExpectedIntervalSeconds);
        Assert.Equal("2023-03-01T00:00:00Z", quality.First);
        Assert.Equal("2023-03-21T23:59:00Z", quality.Last);
        Assert.Equal("text", quality.SourceTimeUnit);
        Assert.Equal("samples/btcusdt.csv", quality.Source);

        using var table = Table(outputs);
        Assert.Equal(
            [("open_time", "TIMESTAMP WITH TIME ZONE"), ("open", "DOUBLE"), ("high", "DOUBLE"), ("low", "DOUBLE"), ("close", "DOUBLE"), ("volume", "DOUBLE")],
            table.Schema());
        Assert.Equal(outputs.Columns, table.Schema().Select(c => c.Name));
        // The first and last lines of the file.
        Assert.Equal(23140.48, table.Scalar<double>("SELECT open FROM {t} ORDER BY open_time LIMIT 1"));
        Assert.Equal(28110.26, table.Scalar<double>("SELECT close FROM {t} ORDER BY open_time DESC LIMIT 1"));
        Assert.Equal(30_240L, table.Scalar<long>("SELECT count(DISTINCT open_time) FROM {t}"));
    }

    [Fact]
    public void A_millisecond_dump_is_cleaned_sorted_and_its_problems_counted()
    {
        string Bar(int minute, double open, double high, double low, double close, double volume) =>
            DumpFiles.KlineLine(T0 + minute * Minute, microseconds: false, open, high, low, close, volume);
        var path = _context.WriteFile("data/BTCUSDT-1m-2023-03-01.csv", DumpFiles.Lines(
            Bar(0, 100, 102, 99, 101, 2),
            Bar(2, 102, 103, 101, 102.5, 1),
            Bar(1, 101, 102, 100, 101.5, 3),
            Bar(1, 999, 999, 999, 999, 9),          // same open time again: dropped, the first one stays
            Bar(3, 0, 102, 99, 101, 1),             // non-positive price
            Bar(4, 100, 102, 99, double.NaN, 1),    // NaN
            Bar(5, 100, 98, 99, 98.5, 1),           // high below low
            Bar(6, 100, 100, 100, 100, 0),          // a quiet minute: kept
            Bar(10, 100, 101, 99, 100, 4),
            Bar(11, 100, 101, 99, 100, -1)));       // negative volume

        var outputs = Run(new BinanceKlinesInputs { Path = path, GapsListed = 1 });

        var quality = Quality(outputs);
        Assert.Equal(10, quality.RowsRead);
        Assert.Equal(5, quality.Rows);
        Assert.Equal(1, quality.DuplicatesDropped);
        Assert.Equal(new RejectedRows { NotANumber = 1, NonPositivePrice = 1, InvalidVolume = 1, InconsistentOhlc = 1 }, quality.Rejected);
        Assert.Equal(1, quality.ZeroVolumeRows);
        Assert.Equal("milliseconds", quality.SourceTimeUnit);
        // Spacings 1, 1, 4, 4 minutes: the tie goes to the shorter one. Minutes 3-5 and 7-9 are missing.
        Assert.Equal(60, quality.ExpectedIntervalSeconds);
        Assert.Equal(2, quality.GapCount);
        Assert.Equal(6, quality.MissingTotal);
        Assert.Equal([new QualityGap("2023-03-01T00:03:00Z", "2023-03-01T00:05:00Z", null, null, 3)], quality.Gaps);

        using var table = Table(outputs);
        Assert.Equal(11, table.Schema().Count);
        var rows = table.Rows("SELECT epoch_ms(open_time), open, epoch_ms(close_time) FROM {t}");
        Assert.Equal([T0, T0 + Minute, T0 + 2 * Minute, T0 + 6 * Minute, T0 + 10 * Minute], rows.Select(r => (long)r[0]!));
        Assert.Equal(101.0, rows[1][1]);
        Assert.Equal(T0 + 2 * Minute - 1, rows[1][2]);
    }

    [Fact]
    public void Microsecond_and_millisecond_dumps_of_the_same_bars_give_the_same_table()
    {
        // 2025-01-01T00:00:00Z, the year spot dumps moved to microseconds.
        const long start = 1_735_689_600_000;
        string Bars(bool micros) => DumpFiles.Lines(
            Enumerable.Range(0, 3).Select(i => DumpFiles.KlineLine((start + i * Minute) * (micros ? 1000 : 1), micros, 90 + i, 92 + i, 89 + i, 91 + i, 1 + i)).ToArray());
        const string header = "open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore\n";
        var millis = Run(new BinanceKlinesInputs { Path = _context.WriteFile("ms.csv", Bars(micros: false)) });
        var micros = Run(new BinanceKlinesInputs { Path = _context.WriteFile("us.zip", DumpFiles.Zip("BTCUSDT-1m-2025-01-01.csv", header + Bars(micros: true))) });

        Assert.Equal("milliseconds", Quality(millis).SourceTimeUnit);
        Assert.Equal("microseconds", Quality(micros).SourceTimeUnit);
        Assert.Equal("2025-01-01T00:00:00Z", Quality(micros).First);
        const string sql = "SELECT epoch_us(open_time), open, high, low, close, volume, epoch_us(close_time), quote_volume, trades FROM {t}";
        using var a = Table(millis);
        using var b = Table(micros);
        var expected = a.Rows(sql);
        Assert.Equal(3, expected.Count);
        Assert.Equal(start * 1000, expected[0][0]);
        Assert.Equal(start * 1000 + 59_999_000, expected[0][6]);
        Assert.Equal((start + 2 * Minute) * 1000, expected[2][0]);
        var actual = b.Rows(sql);
        // The microsecond file's close time keeps its last microsecond; everything else matches exactly.
        Assert.Equal(start * 1000 + 59_999_999, actual[0][6]);
        for (var i = 0; i < 3; i++)
        {
            actual[i][6] = expected[i][6];
            Assert.Equal(expected[i], actual[i]);
        }
    }

    [Fact]
    public void A_generic_ohlcv_file_is_read_by_column_name()
    {
        var path = _context.WriteFile("ohlcv.csv", DumpFiles.Lines(
            "open_time,high,low,open,close,volume,symbol",
            "2023-03-01T00:01:00Z,11,9,10,10.5,5,BTCUSDT",
            "2023-03-01 00:00:00+00:00,12,8,11,9,4,BTCUSDT"));

        var outputs = Run(new BinanceKlinesInputs { Path = path, Interval = "1m" });

        using var table = Table(outputs);
        Assert.Equal(["open_time", "open", "high", "low", "close", "volume"], outputs.Columns);
        var rows = table.Rows("SELECT epoch_ms(open_time), open, high, low, close, volume FROM {t}");
        Assert.Equal([T0, 11.0, 12.0, 8.0, 9.0, 4.0], rows[0]);
        Assert.Equal([T0 + Minute, 10.0, 11.0, 9.0, 10.5, 5.0], rows[1]);
    }

    [Fact]
    public void A_file_switching_time_units_is_refused_at_the_line()
    {
        var path = _context.WriteFile("mixed.csv", DumpFiles.Lines(
            DumpFiles.KlineLine(T0, false, 1, 2, 1, 1.5, 1),
            DumpFiles.KlineLine((T0 + Minute) * 1000, true, 1, 2, 1, 1.5, 1)));

        var error = Assert.Throws<StepInputException>(() => Run(new BinanceKlinesInputs { Path = path }));

        Assert.Equal("path", error.Input);
        Assert.Contains("mixed.csv line 2", error.Message);
        Assert.Contains("microseconds", error.Message);
    }

    [Theory]
    [InlineData("1677628800000,1,2,1,1.5,1,1677628859999,1,7,1,1\n", "line 1: has 11 columns")]
    [InlineData("1677628800000,1,2,1,x,1,1677628859999,1,7,1,1,0\n", "line 1: column 5 (close) is 'x'")]
    [InlineData("open_time,open,high,low,close\n2023-03-01T00:00:00Z,1,2,1,1.5\n", "no 'volume' column")]
    public void Unreadable_rows_are_refused_with_file_and_line(string content, string expected)
    {
        var error = Assert.Throws<StepInputException>(() => Run(new BinanceKlinesInputs { Path = _context.WriteFile("bad.csv", content) }));

        Assert.Contains("bad.csv", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_zip_with_more_than_one_file_is_refused()
    {
        using var buffer = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(buffer, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            archive.CreateEntry("a.csv");
            archive.CreateEntry("b.csv");
        }

        var error = Assert.Throws<StepInputException>(() => Run(new BinanceKlinesInputs { Path = _context.WriteFile("two.zip", buffer.ToArray()) }));

        Assert.Contains("exactly one CSV file, found 2", error.Message);
    }

    [Fact]
    public async Task A_rest_download_reports_the_exchanges_missing_bars_as_a_gap()
    {
        await using var server = await FakeBinanceServer.StartAsync();
        server.MissingKlines.UnionWith([5, 6, 7]);

        var outputs = Run(new BinanceKlinesInputs
        {
            Symbol = "BTCUSDT",
            Interval = "1m",
            Start = "2023-03-01T00:00:00Z",
            End = "2023-03-01T00:30:00Z",
            BaseUrl = server.BaseUrl.ToString(),
        });

        Assert.Equal(27, outputs.Rows);
        var quality = Quality(outputs);
        Assert.Equal([new QualityGap("2023-03-01T00:05:00Z", "2023-03-01T00:07:00Z", null, null, 3)], quality.Gaps);
        Assert.Equal(60, quality.ExpectedIntervalSeconds);
        Assert.Equal(11, outputs.Columns.Count);
        Assert.Single(server.Requests);
        using var table = Table(outputs);
        Assert.Equal(T0 + 29 * Minute, table.Scalar<long>("SELECT epoch_ms(max(open_time)) FROM {t}"));
    }

    public static TheoryData<BinanceKlinesInputs, string, string> BadInputs()
    {
        var file = new WorkspacePath("k.csv", "/nowhere/k.csv", new Artifact(new string('0', 64), "source", "csv", 0, "k.csv"));
        return new()
        {
            { new BinanceKlinesInputs(), "path", "either path" },
            { new BinanceKlinesInputs { Path = file, Symbol = "BTCUSDT" }, "path", "not both" },
            { new BinanceKlinesInputs { Symbol = "BTCUSDT", Start = "2023-03-01", End = "2023-03-02" }, "interval", "required" },
            { new BinanceKlinesInputs { Symbol = "BTCUSDT", Interval = "1M", Start = "2023-03-01", End = "2023-03-02" }, "interval", "fixed length" },
            { new BinanceKlinesInputs { Symbol = "BTCUSDT", Interval = "1m", Start = "2023-03-02", End = "2023-03-01" }, "end", "not after start" },
            { new BinanceKlinesInputs { Symbol = "BTCUSDT", Interval = "1m", Start = "yesterday", End = "2023-03-01" }, "start", "ISO 8601" },
            { new BinanceKlinesInputs { Symbol = "BTCUSDT", Interval = "1m", Start = "2023-03-01", End = "2023-03-02", BaseUrl = "ftp://x" }, "base_url", "http" },
            { new BinanceKlinesInputs { Path = file, Start = "2023-03-01" }, "start", "read whole" },
            { new BinanceKlinesInputs { Path = file, GapsListed = -1 }, "gaps_listed", "negative" },
        };
    }

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_inputs_are_refused_naming_the_input(BinanceKlinesInputs inputs, string input, string message)
    {
        var error = Assert.Throws<StepInputException>(() => Run(inputs));

        Assert.Equal(input, error.Input);
        Assert.Contains(message, error.Message);
    }
}
