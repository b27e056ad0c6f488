using System.Globalization;
using Pipelines.Abstractions;
using Pipelines.Steps.Ingest.Binance;
using Pipelines.Steps.Ingest.BookRecording;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Ingest;

/// <summary>
/// Reads a book recording back as a table of book states: each segment's depth diffs replayed from its snapshot
/// through the same synchroniser and <see cref="LocalOrderBook"/> as live, so every row is the exact book at that time.
/// </summary>
[Step("ingest/book-snapshots", "Ingest", "Order book snapshots from a recording",
    Cacheable = false,
    Description = "Replay a recording of ingest/binance-book (hourly Parquet segments) through the local order book and write the book's state " +
        "every `every` of exchange time, or at every trade, as a table: time, update_id, bid_price, ask_price, bid_quantity, ask_quantity, mid, " +
        "spread_bps, microprice, bid_depth_N and ask_depth_N for each N in `depths`, bid_depth and ask_depth (the first N), and at trades the " +
        "trade's id, price, quantity and side. Rows are written only while the book is exact (in sync).")]
public sealed class BookSnapshotsStep : Step<BookSnapshotsInputs, TableOutputs>
{
    private const string Table = "book";

    public override Task<TableOutputs> ExecuteAsync(BookSnapshotsInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(inputs.Symbol) || !inputs.Symbol.All(char.IsAsciiLetterOrDigit))
            throw new StepInputException("symbol", $"'{inputs.Symbol}' must be letters and digits only, e.g. BTCUSDT");
        long? interval = null;
        if (inputs.Every != "trade")
        {
            if (!RecordingDuration.TryParse(inputs.Every, out var every) || every.Ticks % TimeSpan.TicksPerMicrosecond != 0)
                throw new StepInputException("every", $"'{inputs.Every}' is not a positive duration in whole microseconds such as 1s or 100ms, nor 'trade'");
            interval = every.Ticks / TimeSpan.TicksPerMicrosecond;
        }
        if (inputs.Depths.Count == 0 || inputs.Depths.Any(n => n < 1))
            throw new StepInputException("depths", "give one or more level counts of at least 1, e.g. [5]");
        if (inputs.Depths.Distinct().Count() != inputs.Depths.Count)
            throw new StepInputException("depths", $"{string.Join(", ", inputs.Depths)} repeats a level count");
        var from = Time("start", inputs.Start);
        var to = Time("end", inputs.End);
        if (from is not null && to is not null && to <= from) throw new StepInputException("end", $"{inputs.End} is not after start {inputs.Start}");

        var root = Path.GetFullPath(Path.Combine(context.WorkspaceRoot, inputs.Root));
        var segments = BookSegment.List(root, inputs.Symbol)
            .Where(s => Overlaps(s, from, to))
            .ToList();
        if (segments.Count == 0)
            throw new StepInputException("root", $"no recorded segments of {inputs.Symbol.ToUpperInvariant()} under {inputs.Root}{(from is null && to is null ? "" : " in the time range")}");

        using var connection = ParquetTableWriter.OpenScratch();
        connection.Execute($"CREATE TABLE {Table} ({BookSnapshotSampler.ColumnsSql(inputs.Depths, interval is null)})");
        BookSnapshotSampler sampler;
        using (var appender = connection.CreateAppender(Table))
        {
            sampler = new BookSnapshotSampler(appender, interval, inputs.Depths, from, to);
            try
            {
                BookSegmentReplay.Run(segments, sampler, cancellationToken: cancellationToken);
            }
            catch (InvalidDataException e)
            {
                throw new StepInputException("root", e.Message);
            }
            appender.Close();
        }
        context.Log.Information("Replayed {Segments} segments of {Symbol}: {Rows} book rows, {Skipped} sample times skipped while the book was out of sync",
            segments.Count, inputs.Symbol.ToUpperInvariant(), sampler.Rows, sampler.SkippedOutOfSync);
        return Task.FromResult(ParquetTableWriter.Write(connection, $"SELECT * FROM {Table}", context, "root", cancellationToken));
    }

    /// <summary>Whether a segment's hour can hold rows in [from, to); a segment's events may run a little past its hour.</summary>
    private static bool Overlaps(BookSegment segment, long? from, long? to)
    {
        var start = EpochTime.FromDateTime(new DateTimeOffset(segment.HourUtc, TimeSpan.Zero));
        const long twoHours = 2 * 3_600_000_000L;
        return (to is null || start < to) && (from is null || start + twoHours > from);
    }

    private static long? Time(string name, string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
            throw new StepInputException(name, $"'{text}' is not an ISO 8601 time such as 2026-03-01T00:00:00Z");
        return EpochTime.FromDateTime(value);
    }
}
