namespace Pipelines.Steps.Ingest.Binance;

/// <summary>A response body that is not the JSON the endpoint documents: truncated, malformed or of the wrong shape.</summary>
public sealed class BinancePayloadException(string endpoint, long byteOffset, string message, Exception? inner = null)
    : Exception($"{endpoint}: {message} (at byte {byteOffset} of the response)", inner)
{
    public string Endpoint { get; } = endpoint;

    /// <summary>Where in the response body the problem was found.</summary>
    public long ByteOffset { get; } = byteOffset;
}
