using System.Globalization;
using Pipelines.Abstractions;
using Pipelines.Steps.Book;
using Pipelines.Steps.Ingest.Binance;
using Pipelines.Steps.Ingest.BookRecording;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Ingest;

/// <summary>
/// Reads order-book segments, recorded or synthetic, back as a table of book snapshots (<see cref="BookSnapshotTable"/>)
/// through the replay the tick path uses, so a row at a trade is exactly what inference/tick sees at that trade and
/// features computed from the table match the ones computed live.
/// </summary>
[Step("ingest/book-snapshots", "Ingest", "Order-book snapshots", Cacheable = false,
    Description = "Replay order-book segments (recorded by ingest/binance-book or written by ingest/synthetic-book) into a table of book snapshots at every trade " +
        "or at the end of every interval of exchange time: time, time_us, trade_id, last_update_id, the tick columns (price, quantity, buy_volume, sell_volume, " +
        "open, high, low, close, volume; at an interval the interval's trades as a bar) and the book columns (bid_price, ask_price, bid_qty, ask_qty, bid_depth " +
        "and ask_depth over 5 levels, and bid/ask price and quantity of 20 levels), the same row inference/tick gives features. Rows are written only while " +
        "the book is exact (in sync).")]
public sealed class BookSnapshotsStep : Step<BookSnapshotsInputs, TableOutputs>
{
    private const string Table = "book_snapshots";
    private const long TwoHoursMicros = 2 * 3_600_000_000L;

    public override Task<TableOutputs> ExecuteAsync(BookSnapshotsInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(inputs.Symbol) || !inputs.Symbol.All(char.IsAsciiLetterOrDigit))
            throw new StepInputException("symbol", $"'{inputs.Symbol}' must be letters and digits only, e.g. BTCUSDT");
        TimeSpan? interval = null;
        if (inputs.Every != "trade")
        {
            if (!RecordingDuration.TryParse(inputs.Every, out var every) || every < TimeSpan.FromMilliseconds(1))
                throw new StepInputException("every", $"'{inputs.Every}' is neither 'trade' nor a duration of at least 1ms such as 1s or 100ms");
            interval = every;
        }
        var from = Time("start", inputs.Start);
        var to = Time("end", inputs.End);
        if (from is not null && to is not null && to <= from) throw new StepInputException("end", $"{inputs.End} is not after start {inputs.Start}");
        var root = WorkspaceDirectory.Resolve(context, "root", inputs.Root);

        BookReplayData data;
        try
        {
            data = BookReplayData.Load(root, inputs.Symbol, segment => Overlaps(segment, from, to));
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            throw new StepInputException("root", e.Message);
        }
        using var connection = ParquetTableWriter.OpenScratch();
        var (rows, outOfSync) = BookSnapshotTable.Build(connection, Table, data, interval, cancellationToken);
        context.Log.Information("Replayed {Segments} segment(s) of {Symbol}: {Rows} snapshot rows ({OutOfSync} left out while the book was out of sync)",
            data.Segments.Count, data.Symbol, rows, outOfSync);
        var range = (from, to) switch
        {
            (null, null) => "",
            _ => " WHERE " + string.Join(" AND ", new[] { from is null ? null : $"time_us >= {from}", to is null ? null : $"time_us < {to}" }.OfType<string>()),
        };
        return Task.FromResult(ParquetTableWriter.Write(connection, $"SELECT * FROM {Table}{range} ORDER BY time_us, trade_id", context, "root", cancellationToken));
    }

    /// <summary>Whether a segment's hour can hold rows in [from, to); a segment's events may run a little past its hour.</summary>
    private static bool Overlaps(BookSegment segment, long? from, long? to)
    {
        var start = EpochTime.FromDateTime(new DateTimeOffset(segment.HourUtc, TimeSpan.Zero));
        return (to is null || start < to) && (from is null || start + TwoHoursMicros > from);
    }

    private static long? Time(string name, string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
            throw new StepInputException(name, $"'{text}' is not an ISO 8601 time such as 2026-03-01T00:00:00Z");
        return EpochTime.FromDateTime(value);
    }
}
