namespace Pipelines.Steps.Ingest.Binance;

/// <summary>The book as GET /api/v3/depth returns it: every level as of update id <see cref="LastUpdateId"/>.</summary>
public readonly record struct DepthSnapshot(long LastUpdateId, ReadOnlyMemory<PriceLevel> Bids, ReadOnlyMemory<PriceLevel> Asks);
