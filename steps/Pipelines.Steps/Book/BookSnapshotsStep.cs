using Pipelines.Abstractions;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Book;

/// <summary>Reads segments back as a table of book snapshots (<see cref="BookSnapshotTable"/>) for featurizing and training.</summary>
[Step("book/snapshots", "Ingest", "Order-book snapshots", Cacheable = false,
    Description = "Replay order-book segments (recorded or synthetic) into a table of book snapshots at every trade or at an interval: time, time_us, trade_id, last_update_id, the tick columns (price, quantity, buy_volume, sell_volume, open, high, low, close, volume) and the book columns (bid_price, ask_price, bid_qty, ask_qty, bid_depth, ask_depth over 5 levels, and bid/ask price and quantity of 20 levels), the same row inference/tick gives features.")]
public sealed class BookSnapshotsStep : Step<BookSnapshotsInputs, TableOutputs>
{
    private const string Table = "book_snapshots";

    public override Task<TableOutputs> ExecuteAsync(BookSnapshotsInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        var root = WorkspaceDirectory.Resolve(context, "path", inputs.Path);
        if (inputs.Interval is { } interval && interval < TimeSpan.FromMilliseconds(1))
            throw new StepInputException("interval", $"must be at least 1ms, got {interval}");
        BookReplayData data;
        try
        {
            data = BookReplayData.Load(root, inputs.Symbol);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            throw new StepInputException("path", e.Message);
        }
        using var connection = ParquetTableWriter.OpenScratch();
        var (rows, outOfSync) = BookSnapshotTable.Build(connection, Table, data, inputs.Interval, cancellationToken);
        context.Log.Information("Read {Segments} segment(s) of {Symbol}: {Rows} snapshot rows ({OutOfSync} left out while the book was out of sync)",
            data.Segments.Count, data.Symbol, rows, outOfSync);
        return Task.FromResult(ParquetTableWriter.Write(connection, $"SELECT * FROM {Table} ORDER BY time_us, trade_id", context, "path", cancellationToken));
    }
}
