using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipelines.Steps.Ingest.Binance;

/// <summary>What an ingest found in its source, written next to the table so a later surprise can be traced to the data.</summary>
public sealed record DataQualityReport
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    /// <summary>"klines" or "agg_trades".</summary>
    public required string Dataset { get; init; }

    /// <summary>The file or REST request the rows came from.</summary>
    public required string Source { get; init; }

    /// <summary>"milliseconds", "microseconds" or "text" for epoch or written timestamps; null when nothing was read.</summary>
    public string? SourceTimeUnit { get; init; }

    public required long RowsRead { get; init; }

    /// <summary>Rows in the table after dropping duplicates and rejected rows.</summary>
    public required long Rows { get; init; }

    /// <summary>Open time (klines) or trade time (trades) of the first and last row kept, ISO 8601 UTC.</summary>
    public string? First { get; init; }

    public string? Last { get; init; }

    /// <summary>Klines: the bar length gaps are measured against, given or the most common spacing.</summary>
    public double? ExpectedIntervalSeconds { get; init; }

    public required long DuplicatesDropped { get; init; }

    public required RejectedRows Rejected { get; init; }

    /// <summary>Klines with zero volume: kept, reported because long runs of them can mean a halted market.</summary>
    public long? ZeroVolumeRows { get; init; }

    public required long GapCount { get; init; }

    /// <summary>Bars (klines) or aggregate trade ids (trades) missing in all gaps together.</summary>
    public required long MissingTotal { get; init; }

    /// <summary>The first gaps in time order; <see cref="GapCount"/> says how many there are in all.</summary>
    public required IReadOnlyList<QualityGap> Gaps { get; init; }

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public static DataQualityReport FromJson(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<DataQualityReport>(json, Json) ?? throw new JsonException("a data quality report cannot be null");
}
