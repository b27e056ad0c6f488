namespace Pipelines.Steps.Ingest.Binance;

/// <summary>Rows dropped as unusable, by reason; a row is counted under the first reason that applies, in this order.</summary>
public sealed record RejectedRows
{
    /// <summary>A price, volume or quantity that is NaN or infinite.</summary>
    public long NotANumber { get; init; }

    public long NonPositivePrice { get; init; }

    /// <summary>Klines: negative volume (zero volume is a quiet minute, not an error). Trades: quantity of zero or less.</summary>
    public long InvalidVolume { get; init; }

    /// <summary>Klines only: high below low, or open/close outside [low, high].</summary>
    public long InconsistentOhlc { get; init; }

    public long Total => NotANumber + NonPositivePrice + InvalidVolume + InconsistentOhlc;
}
