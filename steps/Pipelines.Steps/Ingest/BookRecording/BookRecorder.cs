using Pipelines.Steps.Ingest.Binance;
using Serilog;
using Serilog.Core;

namespace Pipelines.Steps.Ingest.BookRecording;

/// <summary>
/// Records what a <see cref="BinanceBookStream"/> hands on into hourly segments (by receive time). The first message
/// of a new hour closes the open segment and opens the next, which starts with the live book as it stands after that
/// message (when the book is in sync), written with the message's receive time as a snapshot: a replay of the segment
/// alone buffers that first event, drops it as contained in the snapshot, and goes on in sync. A REST snapshot never
/// opens a segment: it stays with the events it synchronised. Depth events are recorded whatever the synchroniser
/// made of them; snapshots only when the book was loaded from them. <see cref="Complete"/> closes the open segment on
/// a normal stop. A segment opened while the book is out of sync replays from its first REST snapshot that fits.
/// </summary>
public sealed class BookRecorder : IBookStreamSink, IDisposable
{
    private readonly string _root;
    private readonly string _symbol;
    private readonly ILogger _log;
    private readonly List<BookSegment> _closed = [];
    private BookSegmentWriter? _writer;
    private long _hourStart = long.MinValue;
    private long _lastDepthFinal = long.MinValue, _lastTradeId = long.MinValue;
    private bool _wasSynchronised, _everSynchronised;
    private LocalOrderBook? _book;

    public BookRecorder(string root, string symbol, ILogger? log = null)
    {
        _root = root;
        _symbol = symbol.ToUpperInvariant();
        _log = log ?? Logger.None;
    }

    /// <summary>Segments closed so far, oldest first.</summary>
    public IReadOnlyList<BookSegment> Segments => _closed;

    /// <summary>Counts over the whole recording, closed segments and the open one.</summary>
    public BookSegmentQuality Totals { get; } = new();

    /// <summary>Called after every segment closes (e.g. to log or publish it).</summary>
    public event Action<BookSegment, BookSegmentQuality>? SegmentClosed;

    public void OnDepth(in DepthDiff diff, long receiveTimeMicros, DepthEventOutcome outcome, LocalOrderBook book)
    {
        var writer = WriterFor(receiveTimeMicros, mayOpen: true, out var opened);
        writer.AppendDepth(diff, receiveTimeMicros);
        if (opened) Carry(writer, book, receiveTimeMicros);
        Totals.DepthEvents++;
        if (diff.FinalUpdateId <= _lastDepthFinal) Count(writer, q => q.OutOfOrder++);
        _lastDepthFinal = Math.Max(_lastDepthFinal, diff.FinalUpdateId);
        if (outcome == DepthEventOutcome.Gap) Count(writer, q => q.Gaps++);
        NoteSync(writer, book);
    }

    public void OnSnapshot(in DepthSnapshot snapshot, long receiveTimeMicros, SnapshotOutcome outcome, LocalOrderBook book)
    {
        if (outcome is SnapshotOutcome.TooOld or SnapshotOutcome.NotNeeded) return;
        var writer = WriterFor(receiveTimeMicros, mayOpen: false, out _);
        writer.AppendSnapshot(snapshot, receiveTimeMicros);
        Totals.Snapshots++;
        if (outcome == SnapshotOutcome.Gap) Count(writer, q => q.Gaps++);
        NoteSync(writer, book);
    }

    public void OnBookTicker(in BookTicker ticker)
    {
        var writer = WriterFor(ticker.ReceiveTimeMicros, mayOpen: true, out var opened);
        if (opened) Carry(writer, _book, ticker.ReceiveTimeMicros);
        writer.AppendBookTicker(ticker);
        Totals.BookTickers++;
    }

    public void OnTrade(in RecordedTrade trade)
    {
        var writer = WriterFor(trade.ReceiveTimeMicros, mayOpen: true, out var opened);
        if (opened) Carry(writer, _book, trade.ReceiveTimeMicros);
        writer.AppendTrade(trade);
        Totals.Trades++;
        Totals.NoteExchangeTime(trade.ExchangeTimeMicros);
        if (trade.AggTradeId <= _lastTradeId) Count(writer, q => q.OutOfOrder++);
        _lastTradeId = Math.Max(_lastTradeId, trade.AggTradeId);
    }

    public void OnMalformed(long receiveTimeMicros)
    {
        var writer = WriterFor(receiveTimeMicros, mayOpen: true, out var opened);
        if (opened) Carry(writer, _book, receiveTimeMicros);
        Count(writer, q => q.Malformed++);
    }

    /// <summary>Closes the open segment (a normal stop loses nothing); returns every segment written.</summary>
    public IReadOnlyList<BookSegment> Complete()
    {
        CloseOpen();
        return _closed;
    }

    /// <summary>Abandons the open segment without writing it, as a crash would.</summary>
    public void Dispose()
    {
        _writer?.Dispose();
        _writer = null;
    }

    private void Count(BookSegmentWriter writer, Action<BookSegmentQuality> change)
    {
        change(writer.Quality);
        change(Totals);
    }

    /// <summary>A return to sync after having been in sync is a resync, whether it came with a snapshot or an event.</summary>
    private void NoteSync(BookSegmentWriter writer, LocalOrderBook book)
    {
        _book = book;
        if (book.IsSynchronised && !_wasSynchronised && _everSynchronised) Count(writer, q => q.Resyncs++);
        _everSynchronised |= book.IsSynchronised;
        _wasSynchronised = book.IsSynchronised;
    }

    /// <summary>
    /// The writer of the hour <paramref name="receiveTimeMicros"/> falls in; when that hour has no open segment yet, one
    /// is opened if <paramref name="mayOpen"/> (else the open one, of the previous hour, is kept).
    /// </summary>
    private BookSegmentWriter WriterFor(long receiveTimeMicros, bool mayOpen, out bool opened)
    {
        opened = false;
        var hourStart = receiveTimeMicros - receiveTimeMicros % (3_600L * 1_000_000);
        if (_writer is not null && (hourStart == _hourStart || !mayOpen)) return _writer;
        CloseOpen();
        _hourStart = hourStart;
        _writer = new BookSegmentWriter(_root, _symbol, EpochTime.ToDateTime(hourStart));
        opened = true;
        return _writer;
    }

    /// <summary>Starts a new segment from the live book, when it is in sync.</summary>
    private static void Carry(BookSegmentWriter writer, LocalOrderBook? book, long receiveTimeMicros)
    {
        if (book is { IsSynchronised: true }) writer.AppendCarriedBook(book, receiveTimeMicros);
    }

    private void CloseOpen()
    {
        if (_writer is null) return;
        var writer = _writer;
        _writer = null;
        var segment = writer.Close();
        if (segment is null) return;
        _closed.Add(segment);
        _log.Information("Closed book segment {Segment}: {Events} events, {Gaps} gaps, {Resyncs} resyncs, {Malformed} malformed",
            segment.Directory, writer.Quality.Events, writer.Quality.Gaps, writer.Quality.Resyncs, writer.Quality.Malformed);
        SegmentClosed?.Invoke(segment, writer.Quality);
    }
}
