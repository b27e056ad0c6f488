using Pipelines.Abstractions;
using Pipelines.Steps.Book;
using Pipelines.Steps.Inference;
using Pipelines.Steps.Ingest.Binance;
using Pipelines.Steps.Ingest.BookRecording;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Tests.Ticks;
using Pipelines.Steps.Ticks;

namespace Pipelines.Steps.Tests.Book;

public sealed class BookTickPathTests : IDisposable
{
    private readonly StoreStepContext _context = new();
    private readonly List<IDisposable> _writers = [];

    public void Dispose()
    {
        foreach (var writer in _writers) writer.Dispose();
        _context.Dispose();
    }

    private LoadedModel Champion()
    {
        var version = _context.RegisterModel("book-flow", BookModels.Model);
        _context.Registry.Promote("book-flow", version.Version, "champion", "test");
        return new ChampionWatcher(_context.Registry, _context.OpenArtifact, "book-flow", "champion", _context.Log).LoadCurrent()!;
    }

    private TickInferenceLoop Loop(BookReplayData data, LoadedModel model, TickLoopOptions options, bool withBook = true)
    {
        var decisions = _context.Decisions.OpenDecisions("book-flow", BookModels.FeatureNames);
        var explanations = _context.Decisions.OpenExplanations("book-flow");
        _writers.Add(decisions);
        _writers.Add(explanations);
        return new TickInferenceLoop(new BookSegmentTradeSource(data), BookModels.Features, model, decisions, explanations, _context.Drift, _context.Log,
            options, withBook ? new BookReplay(data) : null);
    }

    [Fact]
    public void Each_trade_is_scored_with_the_book_as_of_its_exchange_time_merged_from_the_segments()
    {
        var data = BookModels.Data();
        var result = Loop(data, Champion(), new TickLoopOptions { MaxTicks = 3_000, ShapEvery = 0 }).Run(default);

        Assert.Equal(3_000, result.Decisions);
        // Every depth event up to the last trade's time, plus the snapshots before it, went through the book.
        var last = data.Trades[2_999].TimeMicros;
        var expectedEvents = data.EventTimes.Count(t => t <= last) + data.SnapshotTimes.Count(t => t <= last);
        Assert.Equal(expectedEvents, result.BookEvents);

        // The stored book_imbalance_5 of a trade is the independent statistic of a book replayed by hand to that trade.
        var stored = _context.Query("SELECT trade_id, features[3], features[4] FROM decisions ORDER BY trade_id")
            .ToDictionary(r => (long)r[0]!, r => (r[1] is null ? double.NaN : (double)r[1]!, r[2] is null ? double.NaN : (double)r[2]!));
        var probe = new BookReplay(data);
        var compared = 0;
        for (var t = 0; t < 3_000; t += 37)
        {
            probe.AdvanceTo(data.Trades[t].TimeMicros);
            if (!probe.Book.IsSynchronised) continue;
            var expected = BookFeatures.Of(probe.Book, 5);
            var (imbalance, microprice) = stored[data.Trades[t].TradeId];
            Assert.Equal(expected.OrderImbalance, imbalance, 12);
            Assert.Equal(expected.Microprice, microprice, 6);
            compared++;
        }
        Assert.True(compared > 70);
    }

    [Fact]
    public void The_hot_thread_allocates_nothing_per_trade_or_book_event()
    {
        var data = BookModels.Data();
        var result = Loop(data, Champion(), new TickLoopOptions { ShapEvery = 1000, WarmUpTicks = 1_000 }).Run(default);

        Assert.Equal(data.Trades.Length, result.Decisions);
        Assert.True(result.MeasuredTicks >= 10_000 && result.MeasuredBookEvents >= 7_000, $"measured over {result.MeasuredTicks} trades and {result.MeasuredBookEvents} book events");
        Assert.Equal(0, result.AllocatedBytes);
    }

    [Fact]
    public void A_loop_without_a_book_refuses_a_model_that_reads_book_features()
    {
        var e = Assert.Throws<ArgumentException>(() => Loop(BookModels.Data(), Champion(), new TickLoopOptions { MaxTicks = 10 }, withBook: false));
        Assert.Contains("reads order-book features [book_imbalance_5, microprice, spread_bps, bid_depth_within_5bps]", e.Message);
        Assert.Contains("the tick stream has no book", e.Message);
    }

    private TickInferenceInputs StepInputs(string? book) => new()
    {
        Model = "book-flow",
        Features = BookModels.FeatureNames,
        Source = "segments",
        Book = book,
        MaxTicks = 2_000,
        ShapEvery = 500,
        SwapPoll = TimeSpan.FromMilliseconds(50),
    };

    private string CopyBookIntoWorkspace()
    {
        var target = Path.Combine(_context.WorkspaceRoot, "data", "book", "BTCUSDT");
        Directory.CreateDirectory(target);
        foreach (var segment in BookSegment.List(BookModels.Root, "BTCUSDT").Select(segment => segment.Directory).Take(3))
        {
            var copy = Directory.CreateDirectory(Path.Combine(target, Path.GetFileName(segment)));
            foreach (var file in Directory.GetFiles(segment)) File.Copy(file, Path.Combine(copy.FullName, Path.GetFileName(file)));
        }
        return Path.Combine("data", "book");
    }

    [Fact]
    public async Task The_step_replays_segments_as_trades_and_book_and_scores_every_trade()
    {
        Champion();
        var outputs = await new TickInferenceStep().ExecuteAsync(StepInputs(CopyBookIntoWorkspace()) with { MaxTicks = null }, _context, default);

        // Three hourly segments: 180 bars of 16 trades, every one scored; the replay ends with the segments.
        Assert.Equal(180 * 16, outputs.Decisions);
        Assert.True(outputs.BookEvents > 1_000);
        Assert.True(outputs.EventsPerSecond > outputs.TicksPerSecond);
    }

    [Fact]
    public async Task The_step_refuses_a_champion_reading_book_features_when_the_stream_has_no_book()
    {
        Champion();
        var bars = Path.Combine(_context.WorkspaceRoot, "bars.csv");
        File.Copy(RepositoryFiles.SampleKlines, bars);
        var inputs = StepInputs(null) with
        {
            Source = "synthetic", Files = [new WorkspacePath("bars.csv", bars, new Artifact(new string('0', 64), "source", "csv", new FileInfo(bars).Length, "bars.csv"))],
        };
        var e = await Assert.ThrowsAsync<StepInputException>(() => new TickInferenceStep().ExecuteAsync(inputs, _context, default));
        Assert.Equal("book", e.Input);
        Assert.Contains("model 'book-flow' v1 reads order-book features [book_imbalance_5, microprice, spread_bps, bid_depth_within_5bps]", e.Message);
        Assert.Equal(0L, Convert.ToInt64(_context.Query("SELECT count(*) FROM decisions")[0][0]));

        var segments = await Assert.ThrowsAsync<StepInputException>(() => new TickInferenceStep().ExecuteAsync(StepInputs(null), _context, default));
        Assert.Equal("book", segments.Input);
        var outside = await Assert.ThrowsAsync<StepInputException>(() => new TickInferenceStep().ExecuteAsync(StepInputs("../elsewhere"), _context, default));
        Assert.Contains("outside the workspace", outside.Message);
        var live = await Assert.ThrowsAsync<StepInputException>(() => new TickInferenceStep().ExecuteAsync(StepInputs("data/book") with { Source = "websocket", Symbol = "BTCUSDT" }, _context, default));
        Assert.Equal("book", live.Input);
        var missing = await Assert.ThrowsAsync<StepInputException>(() => new TickInferenceStep().ExecuteAsync(StepInputs("data/none"), _context, default));
        Assert.Equal("book", missing.Input);
        Assert.Contains("data/none", missing.Message);
    }

    [Fact]
    public async Task Paced_segment_trades_come_out_at_their_recorded_spacing()
    {
        var data = BookModels.Data();
        var clock = new ManualTimeProvider();
        await using var source = new BookSegmentTradeSource(data, TickPacing.Recorded, clock);
        var buffer = new Tick[64];
        Assert.Equal(1, await source.ReadAsync(buffer, default));
        var gap = data.Trades[1].TimeMicros - data.Trades[0].TimeMicros;
        var pending = source.ReadAsync(buffer, default);
        Assert.False(pending.IsCompleted);
        clock.Advance(TimeSpan.FromMicroseconds(gap - 1));
        Assert.False(pending.IsCompleted);
        clock.Advance(TimeSpan.FromMicroseconds(1));
        Assert.Equal(1, await pending);
        Assert.Equal(data.Trades[1], buffer[0]);
    }
}
