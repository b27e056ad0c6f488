using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Ticks;
using Pipelines.Testing;

namespace Pipelines.Steps.Tests.Ticks;

public sealed class AggTradeReplaySourceTests : IDisposable
{
    private const long T0 = 1_735_689_600_000; // 2025-01-01T00:00:00Z in ms
    private const string Header = "agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker,is_best_match";

    private readonly string _directory = Directory.CreateTempSubdirectory("pipelines-replay-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string WriteCsv(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    private string WriteZip(string name, string entry, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, DumpFiles.Zip(entry, content));
        return path;
    }

    private static async Task<List<Tick>> ReadAllAsync(ITickSource source, int bufferSize = 64)
    {
        var ticks = new List<Tick>();
        var buffer = new Tick[bufferSize];
        while (await source.ReadAsync(buffer, CancellationToken.None) is var count and > 0)
            ticks.AddRange(buffer.AsSpan(0, count));
        return ticks;
    }

    [Fact]
    public async Task A_zipped_eight_column_dump_with_header_and_millisecond_times_is_replayed_in_file_order()
    {
        var zip = WriteZip("BTCUSDT-aggTrades-2025-01-01.zip", "BTCUSDT-aggTrades-2025-01-01.csv", DumpFiles.Lines(
            Header,
            $"7,93500.5,0.25,70,71,{T0},True,True",
            $"8,93501,1.5,72,72,{T0 + 250},False,True",
            $"9,93499.75,0.001,73,75,{T0 + 250},True,True"));
        await using var source = new AggTradeReplaySource([zip]);

        var ticks = await ReadAllAsync(source);

        // Millisecond times times 1000 are the microseconds Tick carries.
        Assert.Equal(
        [
            new Tick(7, T0 * 1000, 93500.5, 0.25, true),
            new Tick(8, (T0 + 250) * 1000, 93501, 1.5, false),
            new Tick(9, (T0 + 250) * 1000, 93499.75, 0.001, true),
        ], ticks);
        Assert.Equal(0, source.Counters.MalformedMessages);
        Assert.Null(source.LastProblem);
        Assert.Contains("BTCUSDT-aggTrades-2025-01-01.zip", source.Name);
    }

    [Fact]
    public async Task A_seven_column_csv_without_header_and_with_microsecond_times_keeps_the_microseconds()
    {
        const long micros = 1_735_689_600_123_456;
        var csv = WriteCsv("BTCUSDT-aggTrades-2025-01-01.csv", DumpFiles.Lines(
            $"100,50000,0.5,1000,1001,{micros},false",
            $"101,50000.25,0.75,1002,1002,{micros + 7},true"));
        await using var source = new AggTradeReplaySource([csv]);

        var ticks = await ReadAllAsync(source);

        Assert.Equal([new Tick(100, micros, 50000, 0.5, false), new Tick(101, micros + 7, 50000.25, 0.75, true)], ticks);
    }

    [Fact]
    public async Task Several_files_are_replayed_one_after_another_in_small_batches()
    {
        var first = WriteZip("day1.zip", "day1.csv", DumpFiles.Lines(Header, $"1,10,1,1,1,{T0},true,true", $"2,11,1,2,2,{T0 + 1},true,true", $"3,12,1,3,3,{T0 + 2},true,true"));
        var second = WriteCsv("day2.csv", DumpFiles.Lines($"4,13,1,4,4,{T0 + 3},false", $"5,14,1,5,5,{T0 + 4},false"));
        await using var source = new AggTradeReplaySource([first, second]);

        var ticks = await ReadAllAsync(source, bufferSize: 2);

        Assert.Equal([1L, 2, 3, 4, 5], ticks.Select(t => t.TradeId));
        Assert.Equal([10.0, 11, 12, 13, 14], ticks.Select(t => t.Price));
        Assert.Equal("replay aggTrades day1.zip, day2.csv", source.Name);
        Assert.Equal(0, await source.ReadAsync(new Tick[2], CancellationToken.None));
    }

    [Fact]
    public async Task Malformed_lines_are_counted_and_skipped_and_the_last_one_is_described_with_file_and_line()
    {
        var csv = WriteCsv("broken.csv", DumpFiles.Lines(
            Header,                                         // line 1
            $"1,10,1,1,1,{T0},true,true",                   // line 2
            $"2,11,1,2,2,{T0 + 1},true,true",               // line 3
            $"3,abc,1,3,3,{T0 + 2},true,true",              // line 4: price is not a number
            "4,13,1",                                       // line 5: three columns
            $"5,14,1,5,5,{T0 + 4},false,true"));            // line 6
        await using var source = new AggTradeReplaySource([csv]);

        var ticks = await ReadAllAsync(source);

        Assert.Equal([1L, 2, 5], ticks.Select(t => t.TradeId));
        Assert.Equal(2, source.Counters.MalformedMessages);
        Assert.NotNull(source.LastProblem);
        Assert.StartsWith("broken.csv line 5:", source.LastProblem);
        Assert.Contains("3 columns", source.LastProblem);
    }

    [Fact]
    public async Task A_file_that_is_not_a_dump_fails_the_replay_naming_the_file()
    {
        var good = WriteCsv("good.csv", DumpFiles.Lines($"1,10,1,1,1,{T0},true"));
        var twoEntries = Path.Combine(_directory, "two.zip");
        using (var archive = System.IO.Compression.ZipFile.Open(twoEntries, System.IO.Compression.ZipArchiveMode.Create))
        {
            archive.CreateEntry("a.csv");
            archive.CreateEntry("b.csv");
        }
        await using var source = new AggTradeReplaySource([good, twoEntries]);
        var buffer = new Tick[1];
        Assert.Equal(1, await source.ReadAsync(buffer, CancellationToken.None));

        var error = await Assert.ThrowsAsync<InvalidDataException>(async () => await source.ReadAsync(buffer, CancellationToken.None));

        Assert.Contains("two.zip", error.Message);
        Assert.Contains("exactly one CSV", error.Message);
    }

    [Fact]
    public async Task Recorded_pacing_releases_each_tick_when_its_recorded_offset_divided_by_the_speed_has_passed()
    {
        var csv = WriteCsv("paced.csv", DumpFiles.Lines(
            $"1,10,1,1,1,{T0},true",
            $"2,11,1,2,2,{T0 + 1000},true",
            $"3,12,1,3,3,{T0 + 1000},true",
            $"4,13,1,4,4,{T0 + 3000},true"));
        var time = new ManualTimeProvider();
        await using var source = new AggTradeReplaySource([csv], TickPacing.Recorded, speed: 2, time);
        var buffer = new Tick[8];
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var first = source.ReadAsync(buffer, guard.Token);
        Assert.True(first.IsCompleted, "the first tick is due at once");
        Assert.Equal(1, await first);

        // Trades 2 and 3 were recorded 1000 ms after the first: at speed 2 they are due after 500 ms.
        var second = source.ReadAsync(buffer, guard.Token);
        time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, await second.AsTask().WaitAsync(guard.Token));
        Assert.Equal([2L, 3], buffer[..2].Select(t => t.TradeId));

        // Trade 4, 3000 ms after the first, is due at 1500 ms.
        var third = source.ReadAsync(buffer, guard.Token);
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(third.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, await third.AsTask().WaitAsync(guard.Token));
        Assert.Equal(4, buffer[0].TradeId);

        Assert.Equal(0, await source.ReadAsync(buffer, guard.Token));
    }

    [Fact]
    public async Task Cancelling_a_paced_wait_throws_and_leaves_no_timer_behind()
    {
        var csv = WriteCsv("slow.csv", DumpFiles.Lines($"1,10,1,1,1,{T0},true", $"2,11,1,2,2,{T0 + 60_000},true"));
        var time = new ManualTimeProvider();
        await using var source = new AggTradeReplaySource([csv], TickPacing.Recorded, time: time);
        var buffer = new Tick[4];
        Assert.Equal(1, await source.ReadAsync(buffer, CancellationToken.None));

        using var cancel = new CancellationTokenSource();
        var waiting = source.ReadAsync(buffer, cancel.Token);
        Assert.False(waiting.IsCompleted);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await waiting);
        Assert.Equal(0, time.ScheduledTimers);
        Assert.ThrowsAny<OperationCanceledException>(() => source.ReadAsync(buffer, cancel.Token));
    }

    [Fact]
    public async Task Disposing_ends_a_read_waiting_for_a_paced_tick_with_zero()
    {
        var csv = WriteCsv("hour.csv", DumpFiles.Lines($"1,10,1,1,1,{T0},true", $"2,11,1,2,2,{T0 + 3_600_000},true"));
        var time = new ManualTimeProvider();
        var source = new AggTradeReplaySource([csv], TickPacing.Recorded, time: time);
        var buffer = new Tick[4];
        Assert.Equal(1, await source.ReadAsync(buffer, CancellationToken.None));
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var waiting = source.ReadAsync(buffer, guard.Token);
        Assert.False(waiting.IsCompleted);

        await source.DisposeAsync();

        Assert.Equal(0, await waiting.AsTask().WaitAsync(guard.Token));
        Assert.Equal(0, time.ScheduledTimers);
    }

    [Fact]
    public async Task After_disposal_reads_return_zero()
    {
        var csv = WriteCsv("two.csv", DumpFiles.Lines($"1,10,1,1,1,{T0},true", $"2,11,1,2,2,{T0 + 1},true"));
        var source = new AggTradeReplaySource([csv]);
        Assert.Equal(1, await source.ReadAsync(new Tick[1], CancellationToken.None));

        await source.DisposeAsync();

        Assert.Equal(0, await source.ReadAsync(new Tick[1], CancellationToken.None));
    }

    [Fact]
    public async Task Reading_ticks_at_hand_allocates_nothing_per_tick()
    {
        var lines = Enumerable.Range(1, 2000).Select(i => $"{i},{100 + i % 9}.25,0.5,{i},{i},{T0 + i},{(i % 2 == 0 ? "true" : "false")},true");
        var csv = WriteCsv("many.csv", DumpFiles.Lines([Header, .. lines]));
        await using var source = new AggTradeReplaySource([csv]);
        var buffer = new Tick[100];
        Assert.Equal(100, await source.ReadAsync(buffer, CancellationToken.None));

        var read = 0;
        var allocated = AllocationCounter.LeastPerRound(round =>
        {
            for (var i = 0; i < 5; i++) read += HeldTicks.Read(source, buffer);
        });

        Assert.Equal(1500, read);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Bad_arguments_are_refused_naming_the_problem()
    {
        var csv = WriteCsv("ok.csv", DumpFiles.Lines($"1,10,1,1,1,{T0},true"));
        var missing = Path.Combine(_directory, "missing.zip");

        Assert.Contains("at least one", Assert.Throws<ArgumentException>(() => new AggTradeReplaySource([])).Message);
        Assert.Contains(missing, Assert.Throws<FileNotFoundException>(() => new AggTradeReplaySource([csv, missing])).Message);
        Assert.Equal("speed", Assert.Throws<ArgumentOutOfRangeException>(() => new AggTradeReplaySource([csv], TickPacing.Recorded, 0)).ParamName);
        Assert.Equal("speed", Assert.Throws<ArgumentOutOfRangeException>(() => new AggTradeReplaySource([csv], TickPacing.Recorded, double.NaN)).ParamName);
    }
}
