using BenchmarkDotNet.Attributes;
using Pipelines.Steps.Ingest.Binance;
using Pipelines.Steps.Ingest.BookRecording;

namespace Pipelines.Benchmarks;

/// <summary>
/// The book recorder's throughput: depth events of 20 changed levels, each followed by a book ticker and a trade, as
/// <see cref="BinanceBookStream"/> hands them on, through <see cref="BookRecorder"/> into one segment, closed (Parquet
/// written, renamed into place) inside the measurement. An operation is one event of any kind.
/// </summary>
[MemoryDiagnoser]
public class BookRecorderBenchmarks
{
    private const int DepthEvents = 20_000;
    private const int LevelsPerEvent = 20;
    private const int EventsPerDepthEvent = 3;
    private static readonly long Start = EpochTime.FromDateTime(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero));
    private readonly DepthDiff[] _diffs = new DepthDiff[DepthEvents];
    private readonly LocalOrderBook _book = new DepthBookSynchronizer().Book;
    private string _root = "";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        for (var i = 0; i < DepthEvents; i++)
        {
            var bids = new PriceLevel[LevelsPerEvent / 2];
            var asks = new PriceLevel[LevelsPerEvent / 2];
            for (var l = 0; l < bids.Length; l++)
            {
                bids[l] = new PriceLevel((9_000_000 - random.Next(1, 1000)) * 1_000_000L, random.Next(0, 4) == 0 ? 0 : random.NextInt64(1, 5_000_000_000));
                asks[l] = new PriceLevel((9_000_000 + random.Next(1, 1000)) * 1_000_000L, random.Next(0, 4) == 0 ? 0 : random.NextInt64(1, 5_000_000_000));
            }
            _diffs[i] = new DepthDiff(1_000 + 2L * i + 1, 1_000 + 2L * i + 2, Start + i * 100_000L, bids, asks);
        }
    }

    [IterationSetup]
    public void NewRoot() => _root = Directory.CreateTempSubdirectory("book-bench-").FullName;

    [IterationCleanup]
    public void RemoveRoot() => Directory.Delete(_root, recursive: true);

    [Benchmark(OperationsPerInvoke = DepthEvents * EventsPerDepthEvent)]
    public int RecordOneSegment()
    {
        var recorder = Feed();
        return recorder.Complete().Count;
    }

    /// <summary>The same events appended and dropped unwritten: the difference to the above is the Parquet write.</summary>
    [Benchmark(OperationsPerInvoke = DepthEvents * EventsPerDepthEvent)]
    public void AppendOnly()
    {
        using var recorder = Feed();
    }

    private BookRecorder Feed()
    {
        var recorder = new BookRecorder(_root, "BTCUSDT");
        var received = Start;
        for (var i = 0; i < DepthEvents; i++)
        {
            var diff = _diffs[i];
            recorder.OnDepth(diff, ++received, DepthEventOutcome.Applied, _book);
            recorder.OnBookTicker(new BookTicker(diff.FinalUpdateId, 8_999_000_000_000, 150_000_000, 9_001_000_000_000, 80_000_000, ++received));
            recorder.OnTrade(new RecordedTrade(i, diff.EventTimeMicros, ++received, 9_000_000_000_000, 1_000_000, (i & 1) == 0));
        }
        return recorder;
    }
}
