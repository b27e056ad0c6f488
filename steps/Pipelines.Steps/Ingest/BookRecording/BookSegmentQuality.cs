using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipelines.Steps.Ingest.BookRecording;

/// <summary>
/// quality.json of a segment: what was recorded and what went wrong while recording it. <see cref="Events"/> counts
/// depth events, book tickers and trades; gaps are depth events whose U was not the previous u + 1 (or buffered events
/// found not contiguous at a snapshot); resyncs are returns to a synchronised book after having been in sync;
/// out_of_order counts depth events (by u) and trades (by id) not above the previous one; snapshots counts REST
/// snapshots recorded, not the carried-over book. Times are UTC microseconds; null when the segment holds none.
/// </summary>
public sealed class BookSegmentQuality
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    public string Symbol { get; set; } = "";

    /// <summary>Who made the segment when not a live recording, e.g. "synthetic"; absent from recorded segments.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Source { get; set; }
    public string Segment { get; set; } = "";
    public long Events => DepthEvents + BookTickers + Trades;
    public long DepthEvents { get; set; }
    public long BookTickers { get; set; }
    public long Trades { get; set; }
    public long Gaps { get; set; }
    public long Resyncs { get; set; }
    public long OutOfOrder { get; set; }
    public long Malformed { get; set; }
    public long Snapshots { get; set; }
    public bool CarriedSnapshot { get; set; }
    public long? FirstUpdateId { get; set; }
    public long? LastUpdateId { get; set; }
    public long? FirstExchangeTimeUs { get; set; }
    public long? LastExchangeTimeUs { get; set; }
    public long? FirstReceiveTimeUs { get; set; }
    public long? LastReceiveTimeUs { get; set; }

    [JsonIgnore]
    public bool IsEmpty => Events == 0 && Snapshots == 0 && Malformed == 0;

    public void NoteExchangeTime(long micros)
    {
        if (micros <= 0) return;
        FirstExchangeTimeUs ??= micros;
        LastExchangeTimeUs = Math.Max(LastExchangeTimeUs ?? micros, micros);
        FirstExchangeTimeUs = Math.Min(FirstExchangeTimeUs.Value, micros);
    }

    public void NoteReceiveTime(long micros)
    {
        FirstReceiveTimeUs ??= micros;
        LastReceiveTimeUs = micros;
    }

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public static BookSegmentQuality Read(string path) =>
        JsonSerializer.Deserialize<BookSegmentQuality>(File.ReadAllBytes(path), Json)
        ?? throw new InvalidDataException($"{path}: not a segment quality report");
}
