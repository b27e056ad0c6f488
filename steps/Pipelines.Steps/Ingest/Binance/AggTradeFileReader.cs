namespace Pipelines.Steps.Ingest.Binance;

/// <summary>Reads a whole Binance aggTrades dump into memory, failing on the first bad row; see <see cref="AggTradeReader"/>.</summary>
public static class AggTradeFileReader
{
    public static AggTradeFile Read(string path, CancellationToken cancellationToken = default)
    {
        using var reader = AggTradeReader.Open(path);
        var rows = new List<AggTrade>();
        while (reader.TryRead(out var trade))
        {
            rows.Add(trade);
            if ((rows.Count & 0xFFFF) == 0) cancellationToken.ThrowIfCancellationRequested();
        }
        return new AggTradeFile(reader.Name, rows, reader.HasBestMatch, reader.Microseconds);
    }
}
